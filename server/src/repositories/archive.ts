import { createHash, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { ArchiveManifest, type ArchiveVerification, RegionDay } from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { ObjectStore } from './object-store.ts';
import type { Keys } from './redis.ts';

const gz = promisify(gzip);
const gunz = promisify(gunzip);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MANIFESTS = 'archive/manifests/';
const manifestKey = (n: number) => `${MANIFESTS}${String(n).padStart(8, '0')}.json`;

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

/**
 * The compliance archive in the object store: per entry, one gzipped object per region (written first) and a
 * manifest naming each object's SHA-256 and the SHA-256 of the entry before (written last): a hash chain. Nothing is
 * ever rewritten: a day re-evaluated after late data is a new entry that supersedes the earlier one. The object
 * store is the truth; Redis holds the chain's head (so that deleting the newest manifest is noticed too) and an
 * index of each day's current entry, both rebuilt from the store when missing.
 */
export class ArchiveRepository {
  constructor(
    private readonly store: ObjectStore,
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  private headKey = () => `${this.keys.prefix}archive:head`;
  private daysKey = () => `${this.keys.prefix}archive:days`;

  /** Entry numbers present in the store, ascending. */
  async entryNumbers(): Promise<number[]> {
    return (await this.store.list(MANIFESTS))
      .map((o) => /(\d{8})\.json$/.exec(o.key)?.[1])
      .filter((x): x is string => !!x)
      .map(Number);
  }

  /** One entry as stored: its bytes, their hash, and the manifest (throws on a manifest that does not parse). */
  async entry(n: number): Promise<{ bytes: Buffer; sha: string; manifest: ArchiveManifest } | undefined> {
    const o = await this.store.get(manifestKey(n));
    if (!o) return undefined;
    let manifest: ArchiveManifest;
    try {
      manifest = ArchiveManifest.parse(JSON.parse(o.body.toString('utf8')));
    } catch (err) {
      throw new ArchiveError(`manifest ${n} is not a valid manifest: ${(err as Error).message.slice(0, 200)}`);
    }
    return { bytes: o.body, sha: sha256(o.body), manifest };
  }

  /** The chain's last entry as the store holds it; refuses when Redis knows of a later one the store lost. */
  async head(): Promise<{ n: number; sha: string | null }> {
    const ns = await this.entryNumbers();
    const last = ns.at(-1) ?? 0;
    const known = Number((await this.redis.hget(this.headKey(), 'n')) ?? 0);
    if (known > last)
      throw new ArchiveError(`the archive's newest entry ${known} is missing from the store (the chain is broken)`);
    if (!last) return { n: 0, sha: null };
    const e = await this.entry(last);
    if (!e) throw new ArchiveError(`manifest ${last} vanished`);
    return { n: last, sha: e.sha };
  }

  /** Writes a day's entry: the new regions' objects, then the manifest; returns the manifest. One writer at a time. */
  async append(
    m: Omit<ArchiveManifest, 'v' | 'n' | 'previous' | 'objects' | 'createdAt'>,
    regions: RegionDay[],
    reused: ArchiveManifest['objects'] = [],
  ): Promise<ArchiveManifest> {
    return this.locked(async () => {
      const head = await this.head();
      const n = head.n + 1;
      const objects: ArchiveManifest['objects'] = [...reused];
      for (const r of regions) {
        // the schools' part (every view and export reads it) apart from the cameras' (only re-judging does)
        const { cameras, ...schools } = r;
        for (const [part, value] of [
          ['schools', schools],
          ['cameras', { cameras }],
        ] as const) {
          const body = await gz(Buffer.from(JSON.stringify(value)));
          const key = `archive/days/${m.day}/${n}/${r.regionCode}.${part}.json.gz`;
          await this.store.put(key, body, 'application/gzip');
          objects.push({ key, regionCode: r.regionCode, part, sha256: sha256(body), bytes: body.length });
        }
      }
      objects.sort((a, b) => (a.key < b.key ? -1 : 1));
      const manifest: ArchiveManifest = {
        v: 1,
        n,
        ...m,
        previous: head.sha,
        createdAt: new Date().toISOString(),
        objects,
      };
      const bytes = Buffer.from(`${JSON.stringify(manifest)}\n`);
      await this.store.put(manifestKey(n), bytes, 'application/json');
      await this.redis
        .multi()
        .hset(this.headKey(), 'n', n, 'sha', sha256(bytes), 'day', m.day)
        .hset(this.daysKey(), m.day, n)
        .exec();
      return manifest;
    });
  }

  /** Each day's current entry number (the last one written for it). */
  async days(): Promise<Map<string, number>> {
    let h = await this.redis.hgetall(this.daysKey());
    if (Object.keys(h).length === 0 && (await this.entryNumbers()).length) h = await this.reindex();
    return new Map(Object.entries(h).map(([d, n]) => [d, Number(n)]));
  }

  /** Rebuilds the Redis index from the store (a rebuilt Redis). */
  async reindex(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    let last: { n: number; sha: string; day: string } | undefined;
    for (const n of await this.entryNumbers()) {
      const e = await this.entry(n);
      if (!e) continue;
      out[e.manifest.day] = String(n);
      last = { n, sha: e.sha, day: e.manifest.day };
    }
    const tx = this.redis.multi().del(this.daysKey());
    if (Object.keys(out).length) tx.hset(this.daysKey(), out);
    if (last) tx.hset(this.headKey(), 'n', last.n, 'sha', last.sha, 'day', last.day);
    await tx.exec();
    return out;
  }

  /** One object of an entry, checked against the manifest's hash, unzipped and parsed. */
  private async part(m: ArchiveManifest, o: ArchiveManifest['objects'][number]): Promise<unknown> {
    const got = await this.store.get(o.key);
    if (!got) throw new ArchiveError(`object ${o.key} of day ${m.day} is missing`);
    if (sha256(got.body) !== o.sha256) throw new ArchiveError(`object ${o.key} of day ${m.day} was altered`);
    return JSON.parse((await gunz(got.body)).toString('utf8'));
  }

  /**
   * A region's day of an entry: its schools, and with `cameras` its cameras too (else an empty list). Each object is
   * checked against the manifest's hash first, then against the schema.
   */
  async region(m: ArchiveManifest, regionCode: string, o: { cameras?: boolean } = {}): Promise<RegionDay | undefined> {
    const schools = m.objects.find((x) => x.regionCode === regionCode && x.part === 'schools');
    if (!schools) return undefined;
    const head = (await this.part(m, schools)) as Omit<RegionDay, 'cameras'>;
    let cameras: unknown[] = [];
    if (o.cameras) {
      const c = m.objects.find((x) => x.regionCode === regionCode && x.part === 'cameras');
      if (!c) throw new ArchiveError(`day ${m.day} has no cameras' object for ${regionCode}`);
      cameras = ((await this.part(m, c)) as { cameras: unknown[] }).cameras;
    }
    const r = RegionDay.safeParse({ ...head, cameras });
    if (!r.success)
      throw new ArchiveError(`the ${regionCode} objects of day ${m.day} do not read: ${r.error.issues[0]?.message}`);
    return r.data;
  }

  /**
   * Re-reads the chain: every link (each entry names the hash of the one before), no entry missing, the newest
   * where Redis says it is, and every object of the days in [from, to] against its hash. Lists every problem.
   */
  async verify(from?: string, to?: string): Promise<ArchiveVerification> {
    const problems: ArchiveVerification['problems'] = [];
    const ns = await this.entryNumbers();
    let prev: { n: number; sha: string; day: string } | undefined;
    let objects = 0;
    let entries = 0;
    for (let i = 0; i < ns.length; i++) {
      const n = ns[i]!;
      const expected = (prev?.n ?? 0) + 1;
      if (n !== expected)
        problems.push({
          n: expected,
          ...(prev ? { day: prev.day } : {}),
          problem: `manifest ${expected} is missing: the chain breaks after ${prev ? `day ${prev.day} (entry ${prev.n})` : 'its start'}`,
        });
      let e: Awaited<ReturnType<ArchiveRepository['entry']>>;
      try {
        e = await this.entry(n);
      } catch (err) {
        problems.push({ n, key: manifestKey(n), problem: (err as Error).message });
        prev = undefined;
        continue;
      }
      if (!e) continue;
      entries++;
      const m = e.manifest;
      if (m.n !== n)
        problems.push({ n, day: m.day, key: manifestKey(n), problem: `manifest ${n} says it is entry ${m.n}` });
      if (n === expected && (m.previous ?? null) !== (prev?.sha ?? null))
        problems.push({
          n,
          day: m.day,
          key: manifestKey(n),
          problem: `manifest ${n} (day ${m.day}) does not name the hash of entry ${n - 1}: one of them was altered`,
        });
      if ((!from || m.day >= from) && (!to || m.day <= to))
        for (const o of m.objects) {
          objects++;
          const got = await this.store.get(o.key);
          if (!got) problems.push({ n, day: m.day, key: o.key, problem: `object ${o.key} is missing` });
          else if (sha256(got.body) !== o.sha256)
            problems.push({ n, day: m.day, key: o.key, problem: `object ${o.key} was altered (its SHA-256 differs)` });
        }
      prev = { n, sha: e.sha, day: m.day };
    }
    const known = Number((await this.redis.hget(this.headKey(), 'n')) ?? 0);
    if (known > (ns.at(-1) ?? 0))
      problems.push({ n: known, problem: `the newest entry ${known} is missing from the store (deleted)` });
    return {
      ok: problems.length === 0,
      checkedAt: new Date().toISOString(),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      entries,
      objects,
      problems,
    };
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    const key = this.keys.lock('archive');
    const token = randomUUID();
    for (let i = 0; ; i++) {
      if (await this.redis.set(key, token, 'PX', 600_000, 'NX')) break;
      if (i > 600) throw new ArchiveError('the archive is locked by another writer');
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      return await fn();
    } finally {
      await this.redis.eval(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
        1,
        key,
        token,
      );
    }
  }
}
