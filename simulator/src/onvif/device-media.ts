import type { OnvifDeviceModel } from './model.ts';
import { esc, SoapFault } from './xml.ts';

/** A service's address as the device gives it (a quirk may make it point elsewhere, as real firmware does). */
export function serviceUrl(d: OnvifDeviceModel, service: 'device' | 'media' | 'search'): string {
  const where = d.quirks().serviceAddress;
  const hostPort =
    where === 'zero'
      ? `0.0.0.0:${d.onvifPort}`
      : where === 'stale'
        ? `127.0.99.99:${d.onvifPort}` // its old address: nothing answers there
        : where === 'forwarded'
          ? `${d.host}:9` // the port inside the NAT, not the one forwarded to it
          : `${d.host}:${d.onvifPort}`;
  return `http://${hostPort}/onvif/${service}_service`;
}

function dateTimeXml(ms: number): string {
  const t = new Date(ms);
  return `<tt:Time><tt:Hour>${t.getUTCHours()}</tt:Hour><tt:Minute>${t.getUTCMinutes()}</tt:Minute><tt:Second>${t.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${t.getUTCFullYear()}</tt:Year><tt:Month>${t.getUTCMonth() + 1}</tt:Month><tt:Day>${t.getUTCDate()}</tt:Day></tt:Date>`;
}

type Profile = ReturnType<OnvifDeviceModel['mediaProfiles']>[number];

export function profileXml(p: Profile, tag = 'trt:Profiles'): string {
  return (
    `<${tag} token="${esc(p.token)}" fixed="true"><tt:Name>${esc(p.name)}</tt:Name>` +
    sourceConfigXml('tt:VideoSourceConfiguration', p) +
    encoderXml('tt:VideoEncoderConfiguration', p) +
    `</${tag}>`
  );
}

/** A profile's video source configuration (VSC1 for source VS1...); its bounds are the sensor's, the main stream's. */
export function sourceConfigXml(tag: string, p: Profile, useCount = 2): string {
  const vs = p.sourceToken ?? 'VS1';
  return `<${tag} token="VSC${vs.slice(2)}"><tt:Name>VSC${vs.slice(2)}</tt:Name><tt:UseCount>${useCount}</tt:UseCount><tt:SourceToken>${vs}</tt:SourceToken><tt:Bounds x="0" y="0" width="${p.width}" height="${p.height}"/></${tag}>`;
}

/** An encoder configuration with every element the schema requires, in its order (Multicast included). */
export function encoderXml(tag: string, p: Profile): string {
  return (
    `<${tag} token="VEC_${esc(p.token)}"><tt:Name>VEC_${esc(p.token)}</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding>` +
    `<tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution><tt:Quality>4</tt:Quality>` +
    `<tt:RateControl><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>${p.bitrateKbps}</tt:BitrateLimit></tt:RateControl>` +
    `<tt:H264><tt:GovLength>${Math.round(p.fps)}</tt:GovLength><tt:H264Profile>Main</tt:H264Profile></tt:H264>` +
    '<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address><tt:Port>0</tt:Port><tt:TTL>1</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast>' +
    `<tt:SessionTimeout>PT60S</tt:SessionTimeout></${tag}>`
  );
}

export const profileToken = (body: Record<string, unknown>): string => {
  const t = body.ProfileToken;
  if (typeof t !== 'string' || !t) throw new SoapFault('Sender', 'InvalidArgVal', 'ProfileToken missing', 'NoProfile');
  return t;
};

/** Device management and media service actions. Returns the response body XML, or undefined if not handled. */
export function deviceMediaAction(
  d: OnvifDeviceModel,
  action: string,
  body: Record<string, unknown>,
): string | undefined {
  switch (action) {
    case 'GetSystemDateAndTime':
      // pre-2.0 firmware: the local time and a POSIX zone ("UTC-5" is five hours east of UTC), no UTC time
      if (d.quirks().legacyTime)
        return `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>Manual</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>ALMT-5</tt:TZ></tt:TimeZone><tt:LocalDateTime>${dateTimeXml(d.nowMs() + 5 * 3_600_000)}</tt:LocalDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`;
      return `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>UTC-5</tt:TZ></tt:TimeZone><tt:UTCDateTime>${dateTimeXml(d.nowMs())}</tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`;
    case 'GetDeviceInformation':
      return `<tds:GetDeviceInformationResponse><tds:Manufacturer>${esc(d.behaviour.manufacturer)}</tds:Manufacturer><tds:Model>${esc(d.behaviour.model)}</tds:Model><tds:FirmwareVersion>${esc(d.behaviour.firmware)}</tds:FirmwareVersion><tds:SerialNumber>${esc(d.serial)}</tds:SerialNumber><tds:HardwareId>${esc(`${d.behaviour.model}-HW`)}</tds:HardwareId></tds:GetDeviceInformationResponse>`;
    case 'GetNetworkInterfaces':
      return `<tds:GetNetworkInterfacesResponse><tds:NetworkInterfaces token="eth0"><tt:Enabled>true</tt:Enabled><tt:Info><tt:Name>eth0</tt:Name><tt:HwAddress>${d.mac}</tt:HwAddress><tt:MTU>1500</tt:MTU></tt:Info><tt:IPv4><tt:Enabled>true</tt:Enabled><tt:Config><tt:Manual><tt:Address>${esc(d.host)}</tt:Address><tt:PrefixLength>24</tt:PrefixLength></tt:Manual><tt:DHCP>false</tt:DHCP></tt:Config></tt:IPv4></tds:NetworkInterfaces></tds:GetNetworkInterfacesResponse>`;
    case 'GetScopes':
      return `<tds:GetScopesResponse>${d
        .scopes()
        .map((s) => `<tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef><tt:ScopeItem>${esc(s)}</tt:ScopeItem></tds:Scopes>`)
        .join('')}</tds:GetScopesResponse>`;
    case 'GetCapabilities': {
      const search = d.recordings()
        ? `<tt:Extension><tt:Search><tt:XAddr>${serviceUrl(d, 'search')}</tt:XAddr><tt:MetadataSearch>false</tt:MetadataSearch></tt:Search></tt:Extension>`
        : '';
      const media =
        d.mediaProfiles().length > 0
          ? `<tt:Media><tt:XAddr>${serviceUrl(d, 'media')}</tt:XAddr><tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>`
          : '';
      return `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>${serviceUrl(d, 'device')}</tt:XAddr></tt:Device>${media}${search}</tds:Capabilities></tds:GetCapabilitiesResponse>`;
    }
    case 'GetServices': {
      const svc = (ns: string, url: string) =>
        `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${url}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`;
      let out = svc('http://www.onvif.org/ver10/device/wsdl', serviceUrl(d, 'device'));
      if (d.mediaProfiles().length > 0) out += svc('http://www.onvif.org/ver10/media/wsdl', serviceUrl(d, 'media'));
      if (d.recordings()) out += svc('http://www.onvif.org/ver10/search/wsdl', serviceUrl(d, 'search'));
      return `<tds:GetServicesResponse>${out}</tds:GetServicesResponse>`;
    }
    case 'GetProfiles':
      return `<trt:GetProfilesResponse>${d
        .mediaProfiles()
        .map((p) => profileXml(p))
        .join('')}</trt:GetProfilesResponse>`;
    case 'GetVideoEncoderConfigurations':
      return `<trt:GetVideoEncoderConfigurationsResponse>${d
        .mediaProfiles()
        .map((p) => encoderXml('trt:Configurations', p))
        .join('')}</trt:GetVideoEncoderConfigurationsResponse>`;
    case 'GetStreamUri': {
      const token = profileToken(body);
      const p = d.mediaProfiles().find((x) => x.token === token);
      if (!p) throw new SoapFault('Sender', 'InvalidArgVal', `no profile ${token}`, 'NoProfile');
      return `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${esc(p.streamUri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`;
    }
    case 'GetSnapshotUri': {
      const token = profileToken(body);
      const p = d.mediaProfiles().find((x) => x.token === token);
      if (!p) throw new SoapFault('Sender', 'InvalidArgVal', `no profile ${token}`, 'NoProfile');
      const uri = `http://${d.host}:${d.onvifPort}${p.snapshotPath}`;
      return `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${esc(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`;
    }
    default:
      return undefined;
  }
}
