import type { MeasurementEntry } from '@kuzet/protocol';
import type { ChainableCommander, Redis, Result } from 'ioredis';
import type { Keys } from './redis.ts';

/** measurements kept per camera for its charts; older ones live in the daily archive */
export const MEASUREMENT_HOURS = 72;
/** a steady value is stored at most this often; a change of its signature is stored at once */
export const MEASUREMENT_EVERY_MS = 3 * 3_600_000;
/** entries are compact: "<ms base 36>|<kind letter>|<figures, positional>" */
const KIND_LETTER = { stream: 's', retention: 'r', clock: 'c' } as const;
const KIND_OF: Record<string, MeasurementEntry['kind']> = { s: 'stream', r: 'retention', c: 'clock' };
const FIGURES: Record<MeasurementEntry['kind'], (keyof MeasurementEntry)[]> = {
  stream: ['width', 'height', 'fps', 'bitrateKbps'],
  retention: ['retainedDays'],
  clock: ['driftSeconds'],
};
/** at most this many entries (three kinds, a steady value every three hours each, and changes) */
export const MAX_ENTRIES = 3 * (MEASUREMENT_HOURS / 3) + 150;

/**
 * Appends one measurement to a camera's series, idempotently and downsampled. Each kind's last stored time is kept
 * on the camera, so the same measurement sent twice (a batch resent after a crash, a journal replayed) is stored
 * once: anything at or before it is a duplicate. A value whose signature (its figures, rounded to what a chart
 * shows) did not change is stored at most every three hours; the series (a list of compact entries, newest
 * first: a stream key costs ~4.7 KB however few its entries) is cut by count and to MEASUREMENT_HOURS by time.
 * Returns 1 stored, 0 skipped as a repeat of a steady value, -1 a duplicate.
 * A Lua function: the append script below and the camera operations' clock readings (camera-ops-script.ts) call it.
 * measure(series key, camera key, kind, at (ms), max entries, signature, everyMs, oldest kept (ms), entry)
 */
export const MEASURE_LUA = `
local function measure(series, cam, kind, at, maxN, sig, every, oldest, entry)
  local last = redis.call('HGET', cam, 'mk:' .. kind)
  if last then
    local sep = string.find(last, '|', 1, true)
    local lastAt = tonumber(string.sub(last, 1, sep - 1))
    if at <= lastAt then return -1 end
    if string.sub(last, sep + 1) == sig and at - lastAt < every then return 0 end
  end
  redis.call('LPUSH', series, entry)
  redis.call('LTRIM', series, 0, maxN - 1)
  for _ = 1, 8 do
    local tail = redis.call('LINDEX', series, -1)
    if not tail then break end
    local sep = string.find(tail, '|', 1, true)
    if tonumber(string.sub(tail, 1, sep - 1), 36) < oldest then redis.call('RPOP', series) else break end
  end
  redis.call('HSET', cam, 'mk:' .. kind, string.format('%d', at) .. '|' .. sig)
  return 1
end
`;

/** KEYS: series, cam  ARGV: kind, atMs, max entries, signature, everyMs, oldest kept (ms), entry */
const APPEND = `${MEASURE_LUA}
return measure(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]),
  tonumber(ARGV[6]), ARGV[7])
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kuzetMeasure(...args: (string | number)[]): Result<number, Context>;
  }
}

/** What a chart would show of a measurement: a change of it is stored at once, a steady value once an hour. */
export function signature(e: MeasurementEntry): string {
  switch (e.kind) {
    case 'stream':
      // bitrate in steps of ~25 % (log scale); frame rate to the whole frame
      return `${e.width}x${e.height}@${Math.round(e.fps ?? 0)}/${Math.round(Math.log2(Math.max(1, e.bitrateKbps ?? 1)) * 4)}`;
    case 'retention':
      return String(Math.round((e.retainedDays ?? 0) * 4) / 4);
    case 'clock':
      return String(Math.round(e.driftSeconds ?? 0));
  }
}

/** A measurement as the series stores it: its time (ms), its signature, its compact entry. */
export function measurementOf(e: MeasurementEntry): { at: number; signature: string; entry: string } {
  const at = Date.parse(e.at);
  const figures = FIGURES[e.kind].map((k) => (e[k] === undefined ? '' : String(e[k]))).join(',');
  return { at, signature: signature(e), entry: `${at.toString(36)}|${KIND_LETTER[e.kind]}|${figures}` };
}

/** Cameras' measurement series (stream, retention, clock) for their charts. */
export class MeasurementRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    redis.defineCommand('kuzetMeasure', { numberOfKeys: 2, lua: APPEND });
  }

  /** Queues an idempotent, downsampled append (see APPEND) on a pipeline or transaction. */
  append(p: ChainableCommander, cameraId: string, e: MeasurementEntry, now = Date.now()): void {
    const m = measurementOf(e);
    p.kuzetMeasure(
      this.keys.measurements(cameraId),
      this.keys.cam(cameraId),
      e.kind,
      m.at,
      MAX_ENTRIES,
      m.signature,
      MEASUREMENT_EVERY_MS,
      now - MEASUREMENT_HOURS * 3_600_000,
      m.entry,
    );
  }

  /** The newest `limit` measurements, oldest first. */
  async series(cameraId: string, limit: number): Promise<MeasurementEntry[]> {
    const entries = await this.redis.lrange(this.keys.measurements(cameraId), 0, limit - 1);
    return entries
      .flatMap((x) => {
        const [ms, letter, figures] = x.split('|') as [string, string, string];
        const kind = KIND_OF[letter];
        if (!kind) return [];
        const o: Record<string, string | number> = { at: new Date(Number.parseInt(ms, 36)).toISOString(), kind };
        const values = figures ? figures.split(',') : [];
        FIGURES[kind].forEach((k, i) => {
          if (values[i]) o[k] = Number(values[i]);
        });
        return [o as MeasurementEntry];
      })
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }
}
