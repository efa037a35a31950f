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

/** changes listed per version; the rest are counted (a district-by-district reassignment can be thousands) */
export const MAX_CHANGES_LISTED = 50;

/** A version in a document's history with what it changed against the one before, item by item. */
export function versionWithChanges<C extends z.ZodType>(change: C) {
  return DocumentVersion.extend({
    /** what it changed against the version before (absent: that version is not kept, or this is the first) */
    changes: z.array(change).max(MAX_CHANGES_LISTED).optional(),
    /** changes beyond those listed */
    more: z.int().positive().optional(),
  });
}

/** A version's changes as its history lists them: the first MAX_CHANGES_LISTED, and how many more. */
export function listedChanges<C>(changes: C[]): { changes: C[]; more?: number } {
  return {
    changes: changes.slice(0, MAX_CHANGES_LISTED),
    ...(changes.length > MAX_CHANGES_LISTED ? { more: changes.length - MAX_CHANGES_LISTED } : {}),
  };
}
