import { z } from 'zod';
import { IsoTime } from './common.ts';

/** One version of a document administrators change as a whole (the requirements, the alerting configuration). */
export const DocumentVersion = z.object({
  version: z.int().nonnegative(),
  /** when it was stored: in force from then until the next version */
  at: IsoTime,
  /** who stored it (absent: it came from the configuration file, or was stored before the server recorded who) */
  by: z.string().optional(),
  source: z.enum(['edit', 'restore', 'file', 'unrecorded']),
  /** the version it brought back (source restore) */
  restoredFrom: z.int().nonnegative().optional(),
});
export type DocumentVersion = z.infer<typeof DocumentVersion>;

/** One version in the alerting configuration's history (GET /alerting/versions): what it changed, in a line. */
export const AlertingVersion = DocumentVersion.extend({
  /** the sections it changed and, for contacts, whose and how many (never an address); absent: not compared */
  change: z.string().optional(),
});
export type AlertingVersion = z.infer<typeof AlertingVersion>;

export const AlertingVersions = z.object({
  current: z.int().nonnegative(),
  /** newest first */
  versions: z.array(AlertingVersion),
});
export type AlertingVersions = z.infer<typeof AlertingVersions>;
