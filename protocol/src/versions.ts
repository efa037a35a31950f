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
