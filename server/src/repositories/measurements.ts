import type { MeasurementEntry } from '@kuzet/protocol';
import type { ChainableCommander, Redis, Result } from 'ioredis';
import type { Keys } from './redis.ts';

/** measurements kept per camera for its charts; older ones live in the daily archive */
export const MEASUREMENT_HOURS = 72;
/** a steady value is stored at most this often; a change of its signature is stored at once */
export const MEASUREMENT_EVERY_MS = 3_600_000;
/** at most this many entries (three kinds, one an hour each, and some changes) */
const MAX_ENTRIES = 3 * MEASUREMENT_HOURS + 100;

/**
 * Appends one measurement to a camera's series, idempotently and downsampled. Each kind's last stored time is kept
 * on the camera, so the same measurement sent twice (a batch resent after a crash, a journal replayed) is stored
 * once: anything at or before it is a duplicate. A value whose signature (its figures, rounded to what a chart
 * shows) did not change is stored at most once an hour; the series (a list of "atMs|kind|field=value,…", newest
 * first: a stream key costs ~4.7 KB however few its entries) is cut by count and to MEASUREMENT_HOURS by time.
 * Returns 1 stored, 0 skipped as a repeat of a steady value, -1 a duplicate.
 * KEYS: series, cam  ARGV: kind, atMs, max entries, signature, everyMs, oldest kept (ms), entry
 */
const APPEND = `
local last = redis.call('HGET', KEYS[2], 'mk:' .. ARGV[1])
local at = tonumber(ARGV[2])
if last then
  local sep = string.find(last, '|', 1, true)
  local lastAt = tonumber(string.sub(last, 1, sep - 1))
  if at <= lastAt then return -1 end
  if string.sub(last, sep + 1) == ARGV[4] and at - lastAt < tonumber(ARGV[5]) then return 0 end
end
redis.call('LPUSH', KEYS[1], ARGV[7])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
for _ = 1, 8 do
  local tail = redis.call('LINDEX', KEYS[1], -1)
  if not tail then break end
  local sep = string.find(tail, '|', 1, true)
  if tonumber(string.sub(tail, 1, sep - 1)) < tonumber(ARGV[6]) then redis.call('RPOP', KEYS[1]) else break end
end
redis.call('HSET', KEYS[2], 'mk:' .. ARGV[1], ARGV[2] .. '|' .. ARGV[4])
return 1
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
    const at = Date.parse(e.at);
    const fields: string[] = [];
    for (const [k, v] of Object.entries(e)) if (v !== undefined && k !== 'at' && k !== 'kind') fields.push(`${k}=${v}`);
    p.kuzetMeasure(
      this.keys.measurements(cameraId),
      this.keys.cam(cameraId),
      e.kind,
      at,
      MAX_ENTRIES,
      signature(e),
      MEASUREMENT_EVERY_MS,
      now - MEASUREMENT_HOURS * 3_600_000,
      `${at}|${e.kind}|${fields.join(',')}`,
    );
  }

  /** The newest `limit` measurements, oldest first. */
  async series(cameraId: string, limit: number): Promise<MeasurementEntry[]> {
    const entries = await this.redis.lrange(this.keys.measurements(cameraId), 0, limit - 1);
    return entries
      .map((x) => {
        const [ms, kind, fields] = x.split('|') as [string, MeasurementEntry['kind'], string];
        const o: Record<string, string | number> = { at: new Date(Number(ms)).toISOString(), kind };
        for (const f of fields ? fields.split(',') : []) {
          const eq = f.indexOf('=');
          o[f.slice(0, eq)] = Number(f.slice(eq + 1));
        }
        return o as MeasurementEntry;
      })
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }
}
