import type { Credentials } from '../auth.ts';
import type { VendorBehaviour } from '../personalities.ts';

export interface MediaProfileModel {
  token: string;
  name: string;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  streamUri: string;
  snapshotPath: string;
  /** its video source (default VS1: a camera's main and sub stream come from its one sensor) */
  sourceToken?: string;
}

export interface RecordingModel {
  token: string;
  /** opaque id of the source camera, as an NVR stores it (here: the camera's IP address and serial) */
  sourceId: string;
  sourceName: string;
  earliestMs: number;
  latestMs: number;
  gaps: { startMs: number; endMs: number }[];
}

/** What the SOAP layer needs to know about a simulated device (camera or NVR). */
export interface OnvifDeviceModel {
  readonly kind: 'camera' | 'nvr';
  readonly name: string;
  readonly serial: string;
  readonly host: string;
  readonly onvifPort: number;
  readonly behaviour: VendorBehaviour;
  readonly endpointRef: string;
  /** its network interface's MAC address (GetNetworkInterfaces) */
  readonly mac: string;
  credentials(): Credentials;
  /** the device's own clock, drift included */
  nowMs(): number;
  slowMs(): number;
  malformedXml(): boolean;
  endlessBody(): boolean;
  /** firmware quirks (see Faults) */
  quirks(): {
    clockNeedsAuth: boolean;
    legacyTime: boolean;
    servicesBroken: string;
    serviceAddress: string;
    noAuth: boolean;
  };
  online(): boolean;
  scopes(): string[];
  mediaProfiles(): MediaProfileModel[];
  /** null when the device has no recording search service */
  recordings(): RecordingModel[] | null;
  snapshot(profileToken: string): Promise<Buffer | null>;
}
