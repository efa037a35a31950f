import { encoderXml, profileToken, profileXml, sourceConfigXml } from './device-media.ts';
import type { MediaProfileModel, OnvifDeviceModel } from './model.ts';
import { esc, SoapFault } from './xml.ts';

/** The service a request was sent to (its path: /onvif/<service>_service). */
export type OnvifService = 'device' | 'media' | 'search';

/**
 * What Profile S/G clients call besides the essentials (the `onvif` npm client's connect() calls GetVideoSources and
 * drops every profile when it fails): configurations, options, sources, network settings, each service's
 * capabilities. Answers follow the ONVIF schema (ver10), required elements included.
 */
/** the actions of the media service, which a device without profiles (an NVR of no channels) does not offer */
export const MEDIA_ONLY = new Set([
  'GetProfile',
  'GetVideoSources',
  'GetVideoSourceConfigurations',
  'GetVideoSourceConfiguration',
  'GetVideoEncoderConfiguration',
  'GetVideoEncoderConfigurationOptions',
  'GetAudioSources',
  'GetAudioEncoderConfigurations',
]);

export const CONFIG_ACTIONS = new Set([
  'GetServiceCapabilities',
  'GetHostname',
  'GetNTP',
  'GetDNS',
  'GetNetworkProtocols',
  ...MEDIA_ONLY,
]);

const bool = (b: boolean) => (b ? 'true' : 'false');

/** one profile per video source: the first that uses it (its main stream) */
function sources(d: OnvifDeviceModel): MediaProfileModel[] {
  const seen = new Map<string, MediaProfileModel>();
  for (const p of d.mediaProfiles()) if (!seen.has(p.sourceToken ?? 'VS1')) seen.set(p.sourceToken ?? 'VS1', p);
  return [...seen.values()];
}

function configurationToken(body: Record<string, unknown>): string {
  const t = body.ConfigurationToken;
  if (typeof t !== 'string' || !t)
    throw new SoapFault('Sender', 'InvalidArgVal', 'ConfigurationToken missing', 'NoConfig');
  return t;
}

function serviceCapabilities(d: OnvifDeviceModel, service: OnvifService): string {
  const b = d.behaviour;
  if (service === 'media')
    return `<trt:GetServiceCapabilitiesResponse><trt:Capabilities SnapshotUri="true" Rotation="false" VideoSourceMode="false" OSD="false"><trt:ProfileCapabilities MaximumNumberOfProfiles="${Math.max(2, d.mediaProfiles().length)}"/><trt:StreamingCapabilities RTPMulticast="false" RTP_TCP="true" RTP_RTSP_TCP="true" NonAggregateControl="false" NoRTSPStreaming="false"/></trt:Capabilities></trt:GetServiceCapabilitiesResponse>`;
  if (service === 'search')
    return '<tse:GetServiceCapabilitiesResponse><tse:Capabilities MetadataSearch="false" GeneralStartEvents="false"/></tse:GetServiceCapabilitiesResponse>';
  return (
    '<tds:GetServiceCapabilitiesResponse><tds:Capabilities>' +
    '<tds:Network IPFilter="false" ZeroConfiguration="false" IPVersion6="false" DynDNS="false" Dot11Configuration="false" HostnameFromDHCP="false" NTP="1"/>' +
    `<tds:Security TLS1.0="false" TLS1.1="false" TLS1.2="false" OnboardKeyGeneration="false" AccessPolicyConfig="false" DefaultAccessPolicy="false" Dot1X="false" RemoteUserHandling="false" X.509Token="false" SAMLToken="false" KerberosToken="false" UsernameToken="${bool(b.usernameToken)}" HttpDigest="${bool(b.httpDigest)}" RELToken="false"/>` +
    '<tds:System DiscoveryResolve="true" DiscoveryBye="true" RemoteDiscovery="false" SystemBackup="false" SystemLogging="false" FirmwareUpgrade="false" HttpFirmwareUpgrade="false" HttpSystemBackup="false" HttpSystemLogging="false" HttpSupportInformation="false"/>' +
    '</tds:Capabilities></tds:GetServiceCapabilitiesResponse>'
  );
}

/** Returns the response body XML of a configuration action, or undefined when `action` is not one of them. */
export function configAction(
  d: OnvifDeviceModel,
  action: string,
  body: Record<string, unknown>,
  service: OnvifService,
): string | undefined {
  const profiles = d.mediaProfiles();
  switch (action) {
    case 'GetServiceCapabilities':
      return serviceCapabilities(d, service);
    case 'GetHostname':
      return `<tds:GetHostnameResponse><tds:HostnameInformation><tt:FromDHCP>false</tt:FromDHCP><tt:Name>${esc(d.name)}</tt:Name></tds:HostnameInformation></tds:GetHostnameResponse>`;
    case 'GetNTP':
      return '<tds:GetNTPResponse><tds:NTPInformation><tt:FromDHCP>false</tt:FromDHCP><tt:NTPManual><tt:Type>DNS</tt:Type><tt:DNSname>pool.ntp.org</tt:DNSname></tt:NTPManual></tds:NTPInformation></tds:GetNTPResponse>';
    case 'GetDNS': {
      const gateway = d.host.replace(/\.\d+$/, '.1');
      return `<tds:GetDNSResponse><tds:DNSInformation><tt:FromDHCP>false</tt:FromDHCP><tt:DNSManual><tt:Type>IPv4</tt:Type><tt:IPv4Address>${esc(gateway)}</tt:IPv4Address></tt:DNSManual></tds:DNSInformation></tds:GetDNSResponse>`;
    }
    case 'GetNetworkProtocols': {
      // URL gives '' for the scheme's default port
      const rtsp = (profiles[0] && new URL(profiles[0].streamUri).port) || '554';
      return `<tds:GetNetworkProtocolsResponse><tds:NetworkProtocols><tt:Name>HTTP</tt:Name><tt:Enabled>true</tt:Enabled><tt:Port>${d.onvifPort}</tt:Port></tds:NetworkProtocols><tds:NetworkProtocols><tt:Name>RTSP</tt:Name><tt:Enabled>${bool(profiles.length > 0)}</tt:Enabled><tt:Port>${rtsp}</tt:Port></tds:NetworkProtocols></tds:GetNetworkProtocolsResponse>`;
    }
    case 'GetProfile': {
      const token = profileToken(body);
      const p = profiles.find((x) => x.token === token);
      if (!p) throw new SoapFault('Sender', 'InvalidArgVal', `no profile ${token}`, 'NoProfile');
      return `<trt:GetProfileResponse>${profileXml(p, 'trt:Profile')}</trt:GetProfileResponse>`;
    }
    case 'GetVideoSources':
      return `<trt:GetVideoSourcesResponse>${sources(d)
        .map(
          (p) =>
            `<trt:VideoSources token="${p.sourceToken ?? 'VS1'}"><tt:Framerate>${p.fps}</tt:Framerate><tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution></trt:VideoSources>`,
        )
        .join('')}</trt:GetVideoSourcesResponse>`;
    case 'GetVideoSourceConfigurations':
      return `<trt:GetVideoSourceConfigurationsResponse>${sources(d)
        .map((p) => sourceConfigXml('trt:Configurations', p))
        .join('')}</trt:GetVideoSourceConfigurationsResponse>`;
    case 'GetVideoSourceConfiguration': {
      const token = configurationToken(body);
      const p = sources(d).find((x) => `VSC${(x.sourceToken ?? 'VS1').slice(2)}` === token);
      if (!p) throw new SoapFault('Sender', 'InvalidArgVal', `no configuration ${token}`, 'NoConfig');
      return `<trt:GetVideoSourceConfigurationResponse>${sourceConfigXml('trt:Configuration', p)}</trt:GetVideoSourceConfigurationResponse>`;
    }
    case 'GetVideoEncoderConfiguration': {
      const token = configurationToken(body);
      const p = profiles.find((x) => `VEC_${x.token}` === token);
      if (!p) throw new SoapFault('Sender', 'InvalidArgVal', `no configuration ${token}`, 'NoConfig');
      return `<trt:GetVideoEncoderConfigurationResponse>${encoderXml('trt:Configuration', p)}</trt:GetVideoEncoderConfigurationResponse>`;
    }
    case 'GetVideoEncoderConfigurationOptions': {
      const sizes = [...new Map(profiles.map((p) => [`${p.width}x${p.height}`, p])).values()]
        .map(
          (p) =>
            `<tt:ResolutionsAvailable><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:ResolutionsAvailable>`,
        )
        .join('');
      return (
        '<trt:GetVideoEncoderConfigurationOptionsResponse><trt:Options><tt:QualityRange><tt:Min>1</tt:Min><tt:Max>6</tt:Max></tt:QualityRange>' +
        `<tt:H264>${sizes}<tt:GovLengthRange><tt:Min>1</tt:Min><tt:Max>150</tt:Max></tt:GovLengthRange><tt:FrameRateRange><tt:Min>1</tt:Min><tt:Max>30</tt:Max></tt:FrameRateRange><tt:EncodingIntervalRange><tt:Min>1</tt:Min><tt:Max>1</tt:Max></tt:EncodingIntervalRange><tt:H264ProfilesSupported>Main</tt:H264ProfilesSupported></tt:H264>` +
        '</trt:Options></trt:GetVideoEncoderConfigurationOptionsResponse>'
      );
    }
    case 'GetAudioSources':
      return '<trt:GetAudioSourcesResponse/>';
    case 'GetAudioEncoderConfigurations':
      return '<trt:GetAudioEncoderConfigurationsResponse/>';
    default:
      return undefined;
  }
}
