import { z } from 'zod';
import { CameraIdentity, DiscoveredDevice } from './camera.ts';
import { AgentId, CameraId, IsoTime, PROTOCOL_VERSION } from './common.ts';
import { CameraState, ClockReading, HealthSample, RetentionReport, StreamMeasurement } from './reports.ts';

const base = { v: z.literal(PROTOCOL_VERSION), agentId: AgentId, at: IsoTime };

export const AgentHello = z.object({
  ...base,
  type: z.literal('hello'),
  agentVersion: z.string(),
  hostname: z.string(),
  schoolId: z.string().optional(),
  startedAt: IsoTime,
  interfaces: z.array(z.string()),
});

export const AgentHeartbeat = z.object({
  ...base,
  type: z.literal('heartbeat'),
  uptimeSeconds: z.number().nonnegative(),
  cameras: z.int().nonnegative(),
  checksInFlight: z.int().nonnegative(),
  rssMb: z.number().nonnegative(),
});

export const DiscoveryResult = z.object({
  ...base,
  type: z.literal('discovery'),
  durationMs: z.number().nonnegative(),
  devices: z.array(DiscoveredDevice),
});

export const CameraIdentified = z.object({ ...base, type: z.literal('camera'), camera: CameraIdentity });
/** A camera that was known but has stopped answering discovery and probes, or said Bye. */
export const CameraGone = z.object({
  ...base,
  type: z.literal('camera_gone'),
  cameraId: CameraIdentity.shape.cameraId,
  how: z.enum(['bye', 'missing']),
});
export const HealthMessage = z.object({ ...base, type: z.literal('health'), sample: HealthSample });
export const StreamMessage = z.object({ ...base, type: z.literal('stream'), measurement: StreamMeasurement });
export const RetentionMessage = z.object({ ...base, type: z.literal('retention'), report: RetentionReport });
export const ClockMessage = z.object({ ...base, type: z.literal('clock'), reading: ClockReading });
export const StateMessage = z.object({ ...base, type: z.literal('state'), state: CameraState });

/** Whether bytes are a JPEG (they start with its SOI marker, FF D8). */
export const isJpeg = (b: Uint8Array): boolean => b.length > 2 && b[0] === 0xff && b[1] === 0xd8;

/** A still picture's size limit (the agent scales pictures to at most 640 px wide: tens of KB). */
export const MAX_SNAPSHOT_BYTES = 256 * 1024;
/**
 * The camera's picture, taken during the deep stream check (one frame, scaled down, JPEG). Children appear in it:
 * the centre keeps only the latest per camera and shows it only to roles that need it, every view audited.
 */
export const SnapshotMessage = z.object({
  ...base,
  type: z.literal('snapshot'),
  snapshot: z.object({
    cameraId: CameraId,
    at: IsoTime,
    contentType: z.literal('image/jpeg'),
    /** base64 of the JPEG */
    data: z.base64().max(Math.ceil(MAX_SNAPSHOT_BYTES / 3) * 4),
  }),
});

export const AgentMessage = z.discriminatedUnion('type', [
  AgentHello,
  AgentHeartbeat,
  DiscoveryResult,
  CameraIdentified,
  CameraGone,
  HealthMessage,
  StreamMessage,
  RetentionMessage,
  ClockMessage,
  StateMessage,
  SnapshotMessage,
]);
export type AgentMessage = z.infer<typeof AgentMessage>;
export type AgentMessageType = AgentMessage['type'];
export type AgentMessageOf<T extends AgentMessageType> = Extract<AgentMessage, { type: T }>;
