import { Page, SchoolMap, SchoolSummary } from '@kuzet/protocol';
import type { z } from 'zod';

/**
 * The answer made of many small objects — every school of the country, 7,500 summaries — is parsed and checked in
 * a worker thread (check-worker.ts), so that the page's own thread neither does that work nor carries its garbage:
 * the JSON tree that zod's checked copy is made from, which the page's collector otherwise had to clear while the
 * user was already scrolling the table (a 30 ms pause in a scrolled frame, traced). The camera grid stays on the
 * page's thread: in the one run measured with it in the worker, the country view was slower (max 770 ms).
 */
export const HEAVY = {
  schools: Page(SchoolSummary),
  /** every school's place and names (7,500 tuples) */
  map: SchoolMap,
} satisfies Record<string, z.ZodType>;
export type HeavyKind = keyof typeof HEAVY;

/** worker → page: the checked answer as JSON, or what is wrong with it */
export type CheckAnswer = { id: number; json: string } | { id: number; error: string };
