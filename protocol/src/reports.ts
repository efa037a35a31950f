import { z } from 'zod';
import { CameraId, CameraStatus, IsoTime, Reason, Resolution } from './common.ts';

export const HealthTier = z.enum(['reachability', 'session', 'rtsp', 'stream', 'clock', 'retention']);
export type HealthTier = z.infer<typeof HealthTier>;

/** Result of one check of one tier on one camera. */
export const HealthSample = z.object({
  cameraId: CameraId,
  at: IsoTime,
  tier: HealthTier,
  ok: z.boolean(),
  reasons: z.array(Reason),
  latencyMs: z.number().nonnegative().optional(),
  detail: z.string().max(500).optional(),
});
export type HealthSample = z.infer<typeof HealthSample>;

export const PictureCheck = z.object({
  analysedSeconds: z.number().nonnegative(),
  blackSeconds: z.number().nonnegative(),
  frozenSeconds: z.number().nonnegative(),
  black: z.boolean(),
  frozen: z.boolean(),
  /** ffmpeg blurdetect's median over the analysed frames (sharp scenes ~2–8; out of focus 15+) */
  blur: z.number().nonnegative().optional(),
  /** luma spread: the median of the 90th minus the 10th percentile (signalstats YHIGH − YLOW), 0–255 */
  contrast: z.number().nonnegative().optional(),
  blurred: z.boolean().optional(),
  covered: z.boolean().optional(),
  /** SSIM of the picture against the camera's confirmed reference view (absent: no reference yet) */
  sceneSimilarity: z.number().min(0).max(1).optional(),
  sceneChanged: z.boolean().optional(),
});
export type PictureCheck = z.infer<typeof PictureCheck>;

/** Deep measurement of the real stream (ffprobe + picture analysis). */
export const StreamMeasurement = z.object({
  cameraId: CameraId,
  at: IsoTime,
  profileToken: z.string(),
  codec: z.string(),
  profile: z.string().optional(),
  width: z.int().nonnegative(),
  height: z.int().nonnegative(),
  fps: z.number().nonnegative(),
  bitrateKbps: z.number().nonnegative().optional(),
  configured: Resolution.extend({ fps: z.number().nonnegative() }).optional(),
  picture: PictureCheck.optional(),
  durationMs: z.number().nonnegative(),
});
export type StreamMeasurement = z.infer<typeof StreamMeasurement>;

export const RecordingGap = z.object({ start: IsoTime, end: IsoTime, seconds: z.number().nonnegative() });
export type RecordingGap = z.infer<typeof RecordingGap>;

/** How many days of recordings are really kept, and where they are missing. */
export const RetentionReport = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('known'),
    cameraId: CameraId,
    at: IsoTime,
    source: z.enum(['camera', 'nvr']),
    recordingToken: z.string(),
    oldest: IsoTime,
    newest: IsoTime,
    retainedDays: z.number().nonnegative(),
    gaps: z.array(RecordingGap),
    /** the window (days back from newest) that was searched for gaps */
    gapWindowDays: z.number().nonnegative(),
  }),
  z.object({
    state: z.literal('unknown'),
    cameraId: CameraId,
    at: IsoTime,
    reason: z.string().min(1),
  }),
]);
export type RetentionReport = z.infer<typeof RetentionReport>;

export const ClockReading = z.object({
  cameraId: CameraId,
  at: IsoTime,
  driftSeconds: z.number(),
  ntp: z.boolean().optional(),
});
export type ClockReading = z.infer<typeof ClockReading>;

/** The agent's current verdict on a camera: emitted on every change and periodically. */
export const CameraState = z.object({
  cameraId: CameraId,
  at: IsoTime,
  status: CameraStatus,
  reasons: z.array(Reason),
  since: IsoTime,
  lastSeen: IsoTime.optional(),
  width: z.int().nonnegative().optional(),
  height: z.int().nonnegative().optional(),
  fps: z.number().nonnegative().optional(),
  retainedDays: z.number().nonnegative().optional(),
  clockDriftSeconds: z.number().optional(),
});
export type CameraState = z.infer<typeof CameraState>;
