import type { MeasurementEntry } from '@kuzet/protocol';
import type { ChainableCommander, Redis, Result } from 'ioredis';
import type { Keys } from './redis.ts';

/** measurements kept per camera for its charts; older ones live in the daily archive */
export const MEASUREMENT_HOURS = 72;
/** a steady value is stored at most this often; a change of its signature is stored at once */
export const MEASUREMENT_EVERY_MS = 3_600_000;
const KIND_INDEX = { stream: 0, retention: 1, clock: 2 } as const;

/**
 * Appends one measurement to a camera's series, idempotently and downsampled. The entry id is the measurement's
 * own time (`<ms>-<kind>`), so the same measurement sent twice (a batch resent after a crash, a journal replayed)
 * is stored once: anything at or before the kind's last stored time is a duplicate. A value whose signature (its
 * figures, rounded to what a chart shows) did not change is stored at most once an hour; the series is cut to
 * MEASUREMENT_HOURS by time. Returns 1 stored, 0 skipped as a repeat of a steady value, -1 a duplicate.
 * KEYS: series, cam  ARGV: kind, atMs, kindIndex, signature, everyMs, minId, field/value pairs...
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
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
local id = ARGV[2] .. '-' .. ARGV[3]
if top then
  local tms, tseq = string.match(top[1], '(%d+)-(%d+)')
  if tonumber(tms) > at or (tonumber(tms) == at and tonumber(tseq) >= tonumber(ARGV[3])) then
    id = tms .. '-' .. (tonumber(tseq) + 1)
  end
end
local f = {}
for i = 7, #ARGV do f[#f + 1] = ARGV[i] end
redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[6], id, unpack(f))
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
    const fields: (string | number)[] = [];
    for (const [k, v] of Object.entries(e)) if (v !== undefined) fields.push(k, v);
    p.kuzetMeasure(
      this.keys.measurements(cameraId),
      this.keys.cam(cameraId),
      e.kind,
      Date.parse(e.at),
      KIND_INDEX[e.kind],
      signature(e),
      MEASUREMENT_EVERY_MS,
      now - MEASUREMENT_HOURS * 3_600_000,
      ...fields,
    );
  }

  async series(cameraId: string, limit: number): Promise<MeasurementEntry[]> {
    const entries = await this.redis.xrevrange(this.keys.measurements(cameraId), '+', '-', 'COUNT', limit);
    return entries.reverse().map(([, f]) => {
      const o: Record<string, string | number> = {};
      for (let i = 0; i < f.length; i += 2) o[f[i]!] = f[i] === 'at' || f[i] === 'kind' ? f[i + 1]! : Number(f[i + 1]);
      return o as MeasurementEntry;
    });
  }
}
