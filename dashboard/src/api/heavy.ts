import { CameraGrid, CameraGridIds, Page, SchoolSummary } from '@kuzet/protocol';
import type { z } from 'zod';

/**
 * The big answers (every school of the country, every camera's status and id): fetched, parsed and checked against
 * their schemas in a worker thread (fetch-worker.ts), so that the page's own thread neither does that work nor
 * carries its garbage — the JSON tree and zod's checked copy of 7,500 schools, which the page's garbage collector
 * otherwise had to clear while the user was already scrolling the table.
 */
export const HEAVY = {
  schools: Page(SchoolSummary),
  grid: CameraGrid,
  gridIds: CameraGridIds,
} satisfies Record<string, z.ZodType>;
export type HeavyKind = keyof typeof HEAVY;

/** worker → page */
export type HeavyAnswer = { id: number; data: unknown } | { id: number; status: number; error: string };
