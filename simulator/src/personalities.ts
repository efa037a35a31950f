import type { DigestAlgorithm } from './auth.ts';
import type { Personality } from './config.ts';

/** How a vendor's firmware behaves: the differences an agent must cope with. */
export interface VendorBehaviour {
  manufacturer: string;
  model: string;
  firmware: string;
  /** accepts WS-Security UsernameToken (PasswordDigest) */
  usernameToken: boolean;
  /** accepts HTTP Digest */
  httpDigest: boolean;
  /** the Digest challenges of an HTTP 401, in this order; default MD5 only */
  digestAlgorithms?: DigestAlgorithm[];
  /** the same for RTSP (ffmpeg answers only MD5 and takes the last challenge: real firmware that put SHA-256 last
   * would fail every ffprobe; those seen in the field put it first) */
  rtspDigestAlgorithms?: DigestAlgorithm[];
  /** UsernameToken Created must be within this of the device's own clock */
  tokenMaxSkewMs: number;
  /** XAddrs as announced in ProbeMatch/Hello (may be broken, as on real devices) */
  xaddrs(host: string, port: number): string[];
  /** does its ProbeMatch carry Scopes? */
  scopesInProbeMatch: boolean;
  /** RTSP path of the main and sub stream */
  streamPath: { main: string; sub: string };
}

const devicePath = '/onvif/device_service';

export const behaviours: Record<Personality, VendorBehaviour> = {
  // Both auth methods; announces an IPv6 link-local address beside the IPv4 one.
  hikvista: {
    manufacturer: 'Hikvista',
    model: 'DS-2CD2143G2',
    firmware: 'V5.7.3 build 220112',
    usernameToken: true,
    httpDigest: true,
    // newer firmware: MD5 first, then SHA-256 (the client must take the stronger)
    digestAlgorithms: ['MD5', 'SHA-256'],
    rtspDigestAlgorithms: ['SHA-256', 'MD5'],
    tokenMaxSkewMs: 5 * 60_000,
    xaddrs: (host, port) => [
      `http://[fe80::a00:27ff:fe4e:66a1]:${port}${devicePath}`,
      `http://${host}:${port}${devicePath}`,
    ],
    scopesInProbeMatch: true,
    streamPath: { main: '/Streaming/Channels/101', sub: '/Streaming/Channels/102' },
  },
  // HTTP Digest only (WS-Security ignored); announces 0.0.0.0 as its address; no recording search.
  dahuan: {
    manufacturer: 'Dahuan',
    model: 'IPC-HFW2431S',
    firmware: '2.800.0000000.25.R',
    usernameToken: false,
    httpDigest: true,
    // SHA-256 first, MD5 second
    digestAlgorithms: ['SHA-256', 'MD5'],
    rtspDigestAlgorithms: ['SHA-256', 'MD5'],
    tokenMaxSkewMs: 0,
    xaddrs: (_host, port) => [`http://0.0.0.0:${port}${devicePath}`],
    scopesInProbeMatch: true,
    streamPath: { main: '/cam/realmonitor/ch1/main', sub: '/cam/realmonitor/ch1/sub' },
  },
  // UsernameToken only, strict about its own clock; ProbeMatch without Scopes; a dead link-local XAddr first.
  budgetcam: {
    manufacturer: 'BudgetCam',
    model: 'BC-IP200',
    firmware: '1.0.4',
    usernameToken: true,
    httpDigest: false,
    tokenMaxSkewMs: 10_000,
    xaddrs: (host, port) => [`http://169.254.77.7:${port}${devicePath}`, `http://${host}:${port}${devicePath}`],
    scopesInProbeMatch: false,
    streamPath: { main: '/live/main', sub: '/live/sub' },
  },
};

export const nvrBehaviour: VendorBehaviour = {
  manufacturer: 'Hikvista',
  model: 'DS-7616NI-K2',
  firmware: 'V4.30.085',
  usernameToken: true,
  httpDigest: true,
  // older recorder firmware: the session variant of MD5 first, then SHA-256 (clients that hash every challenge
  // before choosing one fail on MD5-sess: the `onvif` npm client does; it authenticates here with UsernameToken)
  digestAlgorithms: ['MD5-sess', 'SHA-256'],
  tokenMaxSkewMs: 5 * 60_000,
  xaddrs: (host, port) => [`http://${host}:${port}${devicePath}`],
  scopesInProbeMatch: true,
  streamPath: { main: '/Streaming/Channels/101', sub: '/Streaming/Channels/102' },
};
