import { readFileSync } from 'node:fs';
import { fieldProblem, type Localized } from '@kuzet/protocol';
import type { Redis, Result } from 'ioredis';
import type { z } from 'zod';
import type { ObjectStore } from './object-store.ts';

/** A document (file or request) with every problem listed (in kk, ru and en where the schema says it). */
export class DocumentError extends Error {
  constructor(
    /** what the document is ("requirements", "alerting") */
    what: string,
    readonly problems: string[],
    readonly localized: Localized[] = [],
  ) {
    super(`invalid ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses a document with its schema; every problem listed, each after `where` and the field it is in. */
export function parseDocument<S extends z.ZodType>(schema: S, what: string, raw: unknown, where: string): z.output<S> {
  const r = schema.safeParse(raw, { reportInput: true });
  if (!r.success)
    throw new DocumentError(
      what,
      r.error.issues.map((i) => `${where} ${i.path.join('.')}: ${i.message}`),
      r.error.issues.map((i) => fieldProblem(i.path.join('.') || where, i)),
    );
  return r.data;
}

/** A document's file (JSON), parsed; unreadable or invalid: a DocumentError naming the file. */
export function readDocumentFile<S extends z.ZodType>(schema: S, what: string, file: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DocumentError(what, [`${file}: ${(err as Error).message}`]);
  }
  return parseDocument(schema, what, raw, file);
}

/**
 * Replaces the stored document only if its version is the one the change was made against (optimistic: two admins
 * editing at once cannot overwrite each other). ARGV: expected version, new document (whose version is expected + 1)
 * → 1 stored, 0 conflict (another version is stored now)
 */
const REPLACE = `
local cur = redis.call('GET', KEYS[1])
local v = 0
if cur then v = tonumber(cjson.decode(cur).version) end
if v ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kuzetReplaceVersioned(key: string, expected: number, doc: string): Result<number, Context>;
  }
}

/**
 * A document administrators change as a whole, one version after another (the requirement profiles, the alerting
 * configuration): stored in Redis (shared by every instance), every version also kept in the object store
 * (`<prefix>v<n>.json`: what applied when, for audits, and what a Redis that came back empty is rebuilt from). The
 * file in the configuration seeds it and wins when its version is higher than the stored one.
 */
export class VersionedDocument<T extends { version: number }> {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly store: ObjectStore,
    /** where its versions are kept in the object store ("requirements/") */
    private readonly prefix: string,
    private readonly parse: (raw: unknown) => T,
  ) {
    redis.defineCommand('kuzetReplaceVersioned', { numberOfKeys: 1, lua: REPLACE });
  }

  async current(): Promise<T | undefined> {
    const v = await this.redis.get(this.key);
    return v ? this.parse(JSON.parse(v)) : undefined;
  }

  /**
   * At start: the stored document, the file's when newer, else the newest version kept in the object store.
   * `fileIgnored`: the file says something else than the stored document but is not newer (edited without raising
   * its version: the caller warns).
   */
  async seed(file: T): Promise<{ doc: T; source: 'stored' | 'file' | 'archive'; fileIgnored?: boolean }> {
    const stored = await this.current();
    if (stored && stored.version >= file.version)
      return {
        doc: stored,
        source: 'stored',
        ...(JSON.stringify(stored) !== JSON.stringify(file) ? { fileIgnored: true } : {}),
      };
    const archived = stored ? undefined : await this.newestArchived();
    const doc = archived && archived.version >= file.version ? archived : file;
    await this.redis.set(this.key, JSON.stringify(doc));
    await this.archive(doc);
    return { doc, source: doc === file ? 'file' : 'archive' };
  }

  /** Stores a new version made against `expectedVersion`; false when another change came first. */
  async replace(doc: T, expectedVersion: number): Promise<boolean> {
    if (doc.version !== expectedVersion + 1) return false;
    const ok = (await this.redis.kuzetReplaceVersioned(this.key, expectedVersion, JSON.stringify(doc))) === 1;
    if (ok) await this.archive(doc);
    return ok;
  }

  private async archive(doc: T): Promise<void> {
    await this.store.put(
      `${this.prefix}v${doc.version}.json`,
      Buffer.from(JSON.stringify(doc, null, 2)),
      'application/json',
    );
  }

  async newestArchived(): Promise<T | undefined> {
    const all = await this.store.list(this.prefix);
    const newest = all
      .map((o) => ({ o, v: Number(/v(\d+)\.json$/.exec(o.key)?.[1] ?? 0) }))
      .sort((a, b) => b.v - a.v)[0];
    if (!newest) return undefined;
    return this.stored(newest.o.key);
  }

  /** A kept version (for audits: what applied then). */
  async version(n: number): Promise<T | undefined> {
    return this.stored(`${this.prefix}v${n}.json`);
  }

  private async stored(key: string): Promise<T | undefined> {
    const got = await this.store.get(key);
    return got ? this.parse(JSON.parse(got.body.toString('utf8'))) : undefined;
  }
}
