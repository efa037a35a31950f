import { z } from 'zod';
import { SCHEMA_TEXTS } from './schema-texts.ts';

/** Version of the agent ↔ server message contract. Bump on any incompatible change. */
export const PROTOCOL_VERSION = 1 as const;

export const IsoTime = z.iso.datetime({ offset: true });
/** ISO 3166-2 code of a first-level region of Kazakhstan */
export const RegionCode = z.string().regex(/^KZ-\d{2}$/);
export const CameraId = z.string().regex(/^cam-[0-9a-f]{16}$/, SCHEMA_TEXTS.camera_id.en);
export const AgentId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/);

/** Why a camera is not fully healthy. Every code has exactly one meaning; see docs/health.md. */
export const Reason = z.enum([
  'unreachable', // TCP connection to the ONVIF port refused / no route
  'onvif_timeout', // TCP ok but the SOAP call did not answer in time
  'onvif_error', // the device answered with a fault or an unparseable (malformed) document
  'auth_failed', // credentials refused (HTTP 401 / ter:NotAuthorized)
  'slow_response', // answered, but slower than the configured threshold
  'rtsp_down', // ONVIF up but the RTSP stream cannot be opened
  'no_video', // RTSP answers but the stream has no decodable video
  'black_picture',
  'frozen_picture',
  'blurred_picture', // out of focus or smeared: the picture's blur above the profile's maximum
  'covered_picture', // covered, sprayed or facing a wall: almost no contrast in the picture
  'scene_changed', // turned away or moved: the picture no longer matches the view staff confirmed
  'resolution_below_configured', // stream delivers less than the camera's own encoder configuration says
  'fps_below_configured',
  'resolution_below_required', // less than the school's requirement profile
  'fps_below_required',
  'clock_drift',
  'retention_short',
  'recording_gaps',
  'retention_unknown',
]);
export type Reason = z.infer<typeof Reason>;

export const CameraStatus = z.enum(['online', 'degraded', 'offline', 'unknown']);
export type CameraStatus = z.infer<typeof CameraStatus>;

export const Resolution = z.object({ width: z.int().positive(), height: z.int().positive() });
export type Resolution = z.infer<typeof Resolution>;

/** A minimum the state (or a region) requires of every camera. Never hard-coded: comes from config. */
export const RequirementProfile = z.object({
  name: z.string().min(1),
  minRetentionDays: z.number().positive(),
  minWidth: z.int().positive(),
  minHeight: z.int().positive(),
  minFps: z.number().positive(),
  maxClockDriftSeconds: z.number().positive(),
  maxGapMinutes: z.number().nonnegative(),
});
export type RequirementProfile = z.infer<typeof RequirementProfile>;

/**
 * Whether a 12-digit BIN (business identification number) carries a valid check digit: the sum of the first eleven
 * digits weighted 1…11, modulo 11; when that is 10, weighted 3…11, 1, 2 instead; 10 again means no valid number.
 */
export function binValid(bin: string): boolean {
  if (!/^\d{12}$/.test(bin)) return false;
  const d = [...bin].map(Number);
  const sum = (w: number[]) => w.reduce((a, x, i) => a + x * d[i]!, 0) % 11;
  let c = sum([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  if (c === 10) c = sum([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
  return c !== 10 && c === d[11];
}
export const Bin = z
  .string()
  .regex(/^\d{12}$/, SCHEMA_TEXTS.bin_digits.en)
  .refine(binValid, SCHEMA_TEXTS.bin_check_digit.en);
/** KATO: the official 9-digit code of an administrative unit (region, district) */
export const Kato = z.string().regex(/^\d{9}$/, SCHEMA_TEXTS.kato_digits.en);
