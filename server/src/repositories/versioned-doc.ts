import { readFileSync } from 'node:fs';
import { type DocumentVersion, fieldProblem, IsoTime, type Localized } from '@kuzet/protocol';
import type { Redis, Result } from 'ioredis';
import { z } from 'zod';
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
 * Who stored a version, when and how, kept beside it in the object store (`<prefix>log/v<n>.json`): the version's
 * provenance outlives Redis and the audit log's bounded stream, as the version itself does.
 */
const VersionRecord = z.object({
  version: z.int().nonnegative(),
  at: IsoTime,
  by: z.string().optional(),
  source: z.enum(['edit', 'restore', 'file']),
  restoredFrom: z.int().nonnegative().optional(),
});
export type VersionRecord = z.infer<typeof VersionRecord>;

/** One kept version: its number, when it was stored, its record (absent when stored before records were kept). */
export interface KeptVersion<T> {
  version: number;
  at: string;
  record?: VersionRecord;
  /** the document (absent: it no longer reads as a valid document) */
  doc?: T;
}

/**
 * The newest `limit` of `kept` (see VersionedDocument.history), each as listed — when, who, how — with its document and
 * the one it replaced (when both are kept and read: the caller says what changed).
 */
export function listedVersions<T>(
  kept: KeptVersion<T>[],
  limit: number,
): { info: DocumentVersion; doc?: T; before?: T }[] {
  return kept.slice(0, limit).map((v, i) => {
    const prev = kept[i + 1];
    const before = v.doc && prev?.doc && prev.version === v.version - 1 ? prev.doc : undefined;
    return {
      info: {
        version: v.version,
        at: v.at,
        ...(v.record?.by ? { by: v.record.by } : {}),
        source: v.record?.source ?? 'unrecorded',
        ...(v.record?.restoredFrom !== undefined ? { restoredFrom: v.record.restoredFrom } : {}),
      },
      ...(v.doc ? { doc: v.doc } : {}),
      ...(before ? { before } : {}),
    };
  });
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
    if (doc === file) await this.keepRecord({ version: doc.version, at: new Date().toISOString(), source: 'file' });
    return { doc, source: doc === file ? 'file' : 'archive' };
  }

  /**
   * Stores a new version made against `expectedVersion`, recording who stored it (and the version it brings back,
   * for a restore); false when another change came first.
   */
  async replace(doc: T, expectedVersion: number, how: { by?: string; restoredFrom?: number } = {}): Promise<boolean> {
    if (doc.version !== expectedVersion + 1) return false;
    const ok = (await this.redis.kuzetReplaceVersioned(this.key, expectedVersion, JSON.stringify(doc))) === 1;
    if (!ok) return false;
    await this.archive(doc);
    await this.keepRecord({
      version: doc.version,
      at: new Date().toISOString(),
      ...(how.by ? { by: how.by } : {}),
      source: how.restoredFrom !== undefined ? 'restore' : 'edit',
      ...(how.restoredFrom !== undefined ? { restoredFrom: how.restoredFrom } : {}),
    });
    return true;
  }

  private async keepRecord(r: VersionRecord): Promise<void> {
    await this.store.put(`${this.prefix}log/v${r.version}.json`, Buffer.from(JSON.stringify(r)), 'application/json');
  }

  /** The kept versions' numbers and when each was stored, and which have a record. */
  private async kept(): Promise<{ versions: Map<number, Date>; records: Set<number> }> {
    const versions = new Map<number, Date>();
    const records = new Set<number>();
    for (const o of await this.store.list(this.prefix)) {
      const rest = o.key.slice(this.prefix.length);
      const v = /^v(\d+)\.json$/.exec(rest);
      if (v) versions.set(Number(v[1]), o.lastModified);
      const r = /^log\/v(\d+)\.json$/.exec(rest);
      if (r) records.add(Number(r[1]));
    }
    return { versions, records };
  }

  /**
   * The newest `limit` kept versions, newest first, each with its record and document — and the one before the
   * oldest of them, so that each listed version can be compared with the version it replaced.
   */
  async history(limit: number): Promise<KeptVersion<T>[]> {
    const { versions, records } = await this.kept();
    const newest = [...versions.keys()].sort((a, b) => b - a).slice(0, limit + 1);
    return Promise.all(
      newest.map(async (version) => {
        const [doc, record] = await Promise.all([
          // a version written under an older schema that no longer reads is listed without its document
          this.version(version).catch((err: unknown) => {
            if (err instanceof z.ZodError || err instanceof SyntaxError) return undefined;
            throw err;
          }),
          records.has(version) ? this.record(version) : undefined,
        ]);
        return {
          version,
          at: record?.at ?? versions.get(version)!.toISOString(),
          ...(record ? { record } : {}),
          ...(doc ? { doc } : {}),
        };
      }),
    );
  }

  private async record(n: number): Promise<VersionRecord | undefined> {
    const got = await this.store.get(`${this.prefix}log/v${n}.json`);
    if (!got) return undefined;
    try {
      const r = VersionRecord.safeParse(JSON.parse(got.body.toString('utf8')));
      return r.success ? r.data : undefined;
    } catch {
      return undefined;
    }
  }

  private async archive(doc: T): Promise<void> {
    await this.store.put(
      `${this.prefix}v${doc.version}.json`,
      Buffer.from(JSON.stringify(doc, null, 2)),
      'application/json',
    );
  }

  async newestArchived(): Promise<T | undefined> {
    // version 0 counts (the alerting configuration's defaults or file): the newest kept, whichever it is
    const { versions } = await this.kept();
    return versions.size ? this.version(Math.max(...versions.keys())) : undefined;
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
