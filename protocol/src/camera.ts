import { z } from 'zod';
import { CameraId, IsoTime } from './common.ts';

export const OnvifProfileClass = z.enum(['S', 'G', 'T', 'M']);

/** How the agent authenticates to this device (found out at first contact, then remembered). */
export const AuthMode = z.enum(['none', 'usernameToken', 'httpDigest']);
export type AuthMode = z.infer<typeof AuthMode>;

export const MediaProfile = z.object({
  token: z.string().min(1),
  name: z.string(),
  encoding: z.string(),
  width: z.int().nonnegative(),
  height: z.int().nonnegative(),
  fps: z.number().nonnegative(),
  bitrateKbps: z.number().nonnegative().optional(),
  streamUri: z.string().optional(),
  snapshotUri: z.string().optional(),
});
export type MediaProfile = z.infer<typeof MediaProfile>;

/** Who answers recording search for this camera, if anybody. */
export const RecordingSearchSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('camera'), xaddr: z.string() }),
  z.object({ kind: z.literal('nvr'), xaddr: z.string(), recordingToken: z.string() }),
  z.object({ kind: z.literal('none'), reason: z.string() }),
]);
export type RecordingSearchSource = z.infer<typeof RecordingSearchSource>;

export const CameraIdentity = z.object({
  cameraId: CameraId,
  manufacturer: z.string(),
  model: z.string(),
  firmware: z.string(),
  serial: z.string(),
  hardwareId: z.string(),
  /** WS-Discovery endpoint reference (urn:uuid:...), when discovered over WS-Discovery */
  endpointRef: z.string().optional(),
  /** the device's MAC address (GetNetworkInterfaces), when it gives one */
  mac: z.string().max(40).optional(),
  /**
   * what the camera id is made from: the serial number, or — when the serial is a placeholder (00000000, 123456,
   * empty, "unknown") or another device already has it — the MAC address, the endpoint reference, the address
   */
  idBasis: z.enum(['serial', 'mac', 'endpoint', 'address']).optional(),
  /** another camera of this school reports the same serial number: this one's id is made from something else */
  collidesWith: z.string().optional(),
  /** the name and location the device announces (ONVIF scopes onvif://www.onvif.org/name/… and …/location/…) */
  name: z.string().max(200).optional(),
  location: z.string().max(200).optional(),
  /** device service address actually used (fixed up: no 0.0.0.0, IPv4 preferred) */
  xaddr: z.string(),
  host: z.string(),
  profiles: z.array(OnvifProfileClass),
  auth: AuthMode,
  media: z.array(MediaProfile),
  recordingSearch: RecordingSearchSource,
  identifiedAt: IsoTime,
});
export type CameraIdentity = z.infer<typeof CameraIdentity>;

export const DiscoveryVia = z.enum(['multicast', 'unicast', 'hello', 'static']);

/** One device seen during discovery, before or after identification. */
export const DiscoveredDevice = z.object({
  endpointRef: z.string(),
  /** XAddrs exactly as the device announced them */
  rawXAddrs: z.array(z.string()),
  /** usable XAddr chosen by the agent */
  xaddr: z.string(),
  scopes: z.array(z.string()),
  types: z.array(z.string()),
  via: DiscoveryVia,
  from: z.string(),
  identity: CameraIdentity.optional(),
  error: z.string().optional(),
});
export type DiscoveredDevice = z.infer<typeof DiscoveredDevice>;

/**
 * The name people use for a camera: the one staff gave it, else the name or location the device announces (ONVIF
 * scopes); undefined when it has none (then show its address). One rule for every view, alert and export.
 */
export function cameraName(c: {
  name?: string | null;
  onvifName?: string | null;
  onvifLocation?: string | null;
}): string | undefined {
  return c.name || c.onvifName || c.onvifLocation || undefined;
}
