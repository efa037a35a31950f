import type { StatusCounts } from '@kuzet/protocol';
import { trouble } from './status.ts';

/**
 * Which region the wall screen shows now: the regions with cameras in trouble take turns of `cycleS` seconds each,
 * in code order (a stable cycle while counts move); with one, it stays; with none, the whole scope (undefined).
 * The turn follows the clock, so every wall screen of a room shows the same region.
 */
export function wallCycle(
  regions: { code: string; counts: StatusCounts }[],
  now: number,
  cycleS: number,
): { shown?: string; secondsLeft?: number } {
  const inTrouble = regions
    .filter((r) => trouble(r.counts) > 0)
    .map((r) => r.code)
    .sort();
  if (inTrouble.length === 0) return {};
  if (inTrouble.length === 1) return { shown: inTrouble[0] };
  const s = Math.floor(now / 1000);
  return { shown: inTrouble[Math.floor(s / cycleS) % inTrouble.length], secondsLeft: cycleS - (s % cycleS) };
}

/** The counts of several units added up. */
export function sumCounts(units: { counts: StatusCounts }[]): StatusCounts {
  const out: Record<string, number> = {};
  for (const u of units) for (const [k, v] of Object.entries(u.counts)) out[k] = (out[k] ?? 0) + (v ?? 0);
  return out as StatusCounts;
}
