import { z } from 'zod';

export const Gap = z.object({ startHoursAgo: z.number().positive(), hours: z.number().positive() });
export type Gap = z.infer<typeof Gap>;

/** Everything that can be wrong with a camera; injected at start (config) or at run time (control API). */
export const Faults = z.object({
  /** the camera is gone from the network: no discovery answers, ONVIF and RTSP ports closed */
  offline: z.boolean().default(false),
  /** ONVIF answers, RTSP port closed */
  rtspDown: z.boolean().default(false),
  /** turned: the camera turned away (or moved) — a live, sharp picture of another view */
  picture: z.enum(['normal', 'black', 'frozen', 'blurred', 'covered', 'turned']).default('normal'),
  /** what the stream really delivers, when lower than the encoder configuration claims */
  streamWidth: z.int().positive().optional(),
  streamHeight: z.int().positive().optional(),
  streamFps: z.number().positive().optional(),
  clockDriftSeconds: z.number().default(0),
  /** days of recordings really kept (overrides the camera's recording.days) */
  retentionDays: z.number().nonnegative().optional(),
  /** extra recording gaps */
  gaps: z.array(Gap).default([]),
  /** somebody changed the camera's password: the agent's credentials no longer work */
  wrongPassword: z.boolean().default(false),
  /** every SOAP answer is delayed by this much */
  slowMs: z.int().nonnegative().default(0),
  /** SOAP answers are broken XML */
  malformedXml: z.boolean().default(false),
  /** SOAP answers never end: the body streams on without a length (a firmware bug, or something hostile) */
  endlessBody: z.boolean().default(false),
  /** GetSystemDateAndTime wants credentials too (some vendors) */
  clockNeedsAuth: z.boolean().default(false),
  /** pre-2.0 firmware: GetSystemDateAndTime gives LocalDateTime and a POSIX TimeZone, no UTCDateTime */
  legacyTime: z.boolean().default(false),
  /** GetServices fails without a SOAP fault: an HTTP error status, an HTML page or an empty body */
  servicesBroken: z.enum(['no', 'http500', 'http404', 'http400', 'html', 'empty']).default('no'),
  /** checks no credentials at all (factory firmware left open) */
  noAuth: z.boolean().default(false),
  /** the service addresses it gives point elsewhere: 0.0.0.0, a stale address, another port (port forwarding) */
  serviceAddress: z.enum(['right', 'zero', 'stale', 'forwarded']).default('right'),
});
export type Faults = z.infer<typeof Faults>;
export const FaultPatch = Faults.partial().strict();
export type FaultPatch = z.infer<typeof FaultPatch>;

export const Personality = z.enum(['hikvista', 'dahuan', 'budgetcam']);
export type Personality = z.infer<typeof Personality>;

export const SimCameraConfig = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/),
  personality: Personality.default('hikvista'),
  serial: z.string().min(1),
  host: z.string().default('127.0.0.1'),
  onvifPort: z.int().min(1).max(65535),
  rtspPort: z.int().min(1).max(65535),
  username: z.string().default('admin'),
  password: z.string().min(1),
  width: z.int().positive().default(1920),
  height: z.int().positive().default(1080),
  fps: z.number().positive().default(15),
  bitrateKbps: z.int().positive().default(4096),
  recording: z
    .object({
      on: z.enum(['camera', 'nvr', 'none']).default('camera'),
      days: z.number().nonnegative().default(30),
      gaps: z.array(Gap).default([]),
    })
    .prefault({}),
  faults: Faults.prefault({}),
});
export type SimCameraConfig = z.infer<typeof SimCameraConfig>;
export type SimCameraConfigInput = z.input<typeof SimCameraConfig>;

export const SimNvrConfig = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/),
  serial: z.string().min(1),
  host: z.string().default('127.0.0.1'),
  onvifPort: z.int().min(1).max(65535),
  username: z.string().default('admin'),
  password: z.string().min(1),
  /** names of the cameras it records (those with recording.on = 'nvr') */
  cameras: z.array(z.string()),
});
export type SimNvrConfig = z.infer<typeof SimNvrConfig>;

export const SimConfig = z.object({
  /** IPv4 address of the interface multicast goes out on and the group is joined on (never eth0 in tests) */
  multicastInterface: z.string().default('127.0.0.1'),
  control: z
    .object({ host: z.string().default('127.0.0.1'), port: z.int().min(0).max(65535).default(8099) })
    .prefault({}),
  clipsDir: z.string().default('.cache/clips'),
  /** WS-Discovery answers wait a random 0..maxDelayMs (APP_MAX_DELAY is 500 ms in the spec) */
  discoveryMaxDelayMs: z.int().nonnegative().default(500),
  cameras: z.array(SimCameraConfig).default([]),
  nvrs: z.array(SimNvrConfig).default([]),
});
export type SimConfig = z.infer<typeof SimConfig>;
export type SimConfigInput = z.input<typeof SimConfig>;

export interface GenerateOptions {
  count: number;
  basePort: number;
  host?: string;
  password?: string;
  /** give every camera its own loopback address (127.0.1.x) instead of its own port pair only */
  ownAddresses?: boolean;
  personalities?: Personality[];
  width?: number;
  height?: number;
  fps?: number;
}

/**
 * Generates N cameras: personalities in turn; 'dahuan' cameras have no recording search of their own and are
 * recorded by one NVR, like a school that bought cheap cameras and an NVR.
 */
export function generateCameras(o: GenerateOptions): { cameras: SimCameraConfig[]; nvrs: SimNvrConfig[] } {
  const personalities = o.personalities ?? Personality.options;
  const cameras: SimCameraConfig[] = [];
  for (let i = 0; i < o.count; i++) {
    const personality = personalities[i % personalities.length]!;
    const host = o.ownAddresses ? `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}` : (o.host ?? '127.0.0.1');
    cameras.push(
      SimCameraConfig.parse({
        name: `cam${String(i + 1).padStart(3, '0')}`,
        personality,
        serial: `SN${(100000 + i).toString(36).toUpperCase()}${personality.slice(0, 2).toUpperCase()}`,
        host,
        onvifPort: o.basePort + 2 * i,
        rtspPort: o.basePort + 2 * i + 1,
        password: o.password ?? 'camera-pass',
        width: o.width,
        height: o.height,
        fps: o.fps,
        recording: { on: personality === 'dahuan' ? 'nvr' : 'camera', days: 30 },
      }),
    );
  }
  const recorded = cameras.filter((c) => c.recording.on === 'nvr').map((c) => c.name);
  const nvrs: SimNvrConfig[] = recorded.length
    ? [
        SimNvrConfig.parse({
          name: 'nvr1',
          serial: 'NVR0001',
          host: o.host ?? '127.0.0.1',
          onvifPort: o.basePort + 2 * o.count,
          password: o.password ?? 'camera-pass',
          cameras: recorded,
        }),
      ]
    : [];
  return { cameras, nvrs };
}
