import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { Redis, Result } from 'ioredis';
import type { ObjectInfo, ObjectStore } from './object-store.ts';
import type { Keys } from './redis.ts';

/** one entry of the stream as Redis gives it: its id and its fields, flat (name, value, …) */
export type RawAuditEntry = [id: string, fields: string[]];

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kuzetAuditPage(
      stream: string,
      shipped: string,
      count: number,
    ): Result<[number, string, number, RawAuditEntry[]], Context>;
    kuzetAuditAdvance(shipped: string, from: string, to: string, n: number): Result<number, Context>;
  }
}

/**
 * The next entries to copy, read in one step with what tells whether any were lost: the stream's count of entries
 * ever added (Redis's own `entries-added`), the last id copied and how many entries that covered, and up to ARGV[1]
 * entries after it. Returns {entries added, cursor, copied, entries}.
 */
const PAGE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, '0-0', 0, {}} end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local added = 0
for i = 1, #info, 2 do if info[i] == 'entries-added' then added = info[i + 1] end end
local cursor = redis.call('HGET', KEYS[2], 'id') or '0-0'
local n = tonumber(redis.call('HGET', KEYS[2], 'n') or '0')
return {added, cursor, n, redis.call('XRANGE', KEYS[1], '(' .. cursor, '+', 'COUNT', tonumber(ARGV[1]))}
`;
/** Moves the cursor from ARGV[1] to ARGV[2] (covering ARGV[3] entries) if nobody moved it meanwhile: 1, else 0. */
const ADVANCE = `
if (redis.call('HGET', KEYS[1], 'id') or '0-0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'n', ARGV[3])
return 1
`;

const zip = promisify(gzip);
const unzip = promisify(gunzip);
/** a day's objects: its chunks as copied (`<first id>_<last id>.jsonl.gz`), and once compacted one `day.jsonl.gz` */
const DAY_FILE = 'day.jsonl.gz';
const prefixOf = (day: string) => `audit/${day}/`;

/**
 * The audit log beyond Redis: its entries copied to the object store, a day per folder, as gzipped JSON lines
 * (`[id, fields]`, the stream's own form). Redis keeps the newest 100,000 (days at a country's size); the object
 * store keeps every day for the retention configured. Zipping runs on libuv's threads, not the event loop.
 */
export class AuditArchiveRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly store: ObjectStore,
  ) {
    redis.defineCommand('kuzetAuditPage', { numberOfKeys: 2, lua: PAGE });
    redis.defineCommand('kuzetAuditAdvance', { numberOfKeys: 1, lua: ADVANCE });
  }

  /** The next entries not yet copied (at most `count`), with the counts that tell whether any were lost. */
  async page(count: number): Promise<{ added: number; cursor: string; copied: number; entries: RawAuditEntry[] }> {
    const [added, cursor, copied, entries] = await this.redis.kuzetAuditPage(
      this.keys.audit(),
      this.keys.auditShipped(),
      count,
    );
    return { added: Number(added), cursor, copied: Number(copied), entries };
  }

  /** Records that entries up to `to` are copied (`copied` in all); false when another instance moved on first. */
  async advance(from: string, to: string, copied: number): Promise<boolean> {
    return (await this.redis.kuzetAuditAdvance(this.keys.auditShipped(), from, to, copied)) === 1;
  }

  /** Writes one day's entries (in stream order) as one object; the same entries always make the same object. */
  async putChunk(day: string, entries: RawAuditEntry[]): Promise<void> {
    const name = `${entries[0]![0]}_${entries.at(-1)![0]}.jsonl.gz`;
    await this.put(`${prefixOf(day)}${name}`, entries);
  }

  /** Every entry kept for a day, newest first, each once (a chunk and the compacted day may overlap after a crash). */
  async readDay(day: string): Promise<RawAuditEntry[]> {
    return this.entriesOf(await this.store.list(prefixOf(day)));
  }

  /** The days that have entries, oldest first. */
  async days(): Promise<string[]> {
    const days = new Set<string>();
    for (const o of await this.store.list('audit/')) days.add(o.key.split('/')[1]!);
    return [...days].sort();
  }

  /**
   * Puts a day's chunks into one object and removes them (a day copied minute by minute is 1,440 objects). The
   * compacted object is written before any chunk goes: a crash between leaves both, and readers take each entry once.
   */
  async compact(day: string): Promise<number> {
    const objects = await this.store.list(prefixOf(day));
    if (objects.length <= 1) return 0;
    // the objects listed once: what is folded is exactly what is then removed
    const entries = (await this.entriesOf(objects)).reverse();
    await this.put(`${prefixOf(day)}${DAY_FILE}`, entries);
    for (const o of objects) if (!o.key.endsWith(`/${DAY_FILE}`)) await this.store.delete(o.key);
    return entries.length;
  }

  /** Removes a day (past the retention). */
  async deleteDay(day: string): Promise<void> {
    for (const o of await this.store.list(prefixOf(day))) await this.store.delete(o.key);
  }

  /** The entries of some of a day's objects, newest first, each once (by id). */
  private async entriesOf(objects: ObjectInfo[]): Promise<RawAuditEntry[]> {
    const byId = new Map<string, RawAuditEntry>();
    for (const o of objects) for (const e of await this.get(o.key)) if (!byId.has(e[0])) byId.set(e[0], e);
    return [...byId.values()].sort((a, b) => compareIds(b[0], a[0]));
  }

  private async put(key: string, entries: RawAuditEntry[]): Promise<void> {
    const text = entries.map((e) => JSON.stringify(e)).join('\n');
    await this.store.put(key, await zip(Buffer.from(`${text}\n`)), 'application/gzip');
  }

  private async get(key: string): Promise<RawAuditEntry[]> {
    const o = await this.store.get(key);
    if (!o) return [];
    const out: RawAuditEntry[] = [];
    for (const line of (await unzip(o.body)).toString('utf8').split('\n')) {
      if (!line) continue;
      // an object is written whole by this class; a line that does not read is skipped, not the day
      try {
        const e = JSON.parse(line) as unknown;
        if (Array.isArray(e) && typeof e[0] === 'string' && Array.isArray(e[1])) out.push(e as RawAuditEntry);
      } catch {}
    }
    return out;
  }
}

/** Stream ids in order ("ms-seq", both numbers). */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}
