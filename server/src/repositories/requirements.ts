import { readFileSync } from 'node:fs';
import { fieldProblem, type Localized, RequirementsDoc } from '@kuzet/protocol';
import type { Redis, Result } from 'ioredis';
import type { ObjectStore } from './object-store.ts';
import type { Keys } from './redis.ts';

/** A requirements document (file or request) with every problem listed (in kk, ru and en where the schema says it). */
export class RequirementsError extends Error {
  constructor(
    readonly problems: string[],
    readonly localized: Localized[] = [],
  ) {
    super(`invalid requirements:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function parseRequirements(raw: unknown, where = 'requirements'): RequirementsDoc {
  const r = RequirementsDoc.safeParse(raw, { reportInput: true });
  if (!r.success)
    throw new RequirementsError(
      r.error.issues.map((i) => `${where} ${i.path.join('.')}: ${i.message}`),
      r.error.issues.map((i) => fieldProblem(i.path.join('.') || where, i)),
    );
  return r.data;
}

export function readRequirementsFile(file: string): RequirementsDoc {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RequirementsError([`${file}: ${(err as Error).message}`]);
  }
  return parseRequirements(raw, file);
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
    kuzetReplaceRequirements(key: string, expected: number, doc: string): Result<number, Context>;
  }
}

/**
 * The requirement document in force: stored in Redis (shared by every instance), every version also kept in the
 * object store (`requirements/v<n>.json`: what applied when, for audits, and what a Redis that came back empty is
 * rebuilt from). The file in config/ seeds it and wins when its version is higher than the stored one.
 */
export class RequirementsRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly store: ObjectStore,
  ) {
    redis.defineCommand('kuzetReplaceRequirements', { numberOfKeys: 1, lua: REPLACE });
  }

  async current(): Promise<RequirementsDoc | undefined> {
    const v = await this.redis.get(this.keys.requirements());
    return v ? RequirementsDoc.parse(JSON.parse(v)) : undefined;
  }

  /** At start: the stored document, the file's when newer, else the newest version kept in the object store. */
  async seed(file: RequirementsDoc): Promise<{ doc: RequirementsDoc; source: 'stored' | 'file' | 'archive' }> {
    const stored = await this.current();
    if (stored && stored.version >= file.version) return { doc: stored, source: 'stored' };
    const archived = stored ? undefined : await this.newestArchived();
    const doc = archived && archived.version >= file.version ? archived : file;
    await this.redis.set(this.keys.requirements(), JSON.stringify(doc));
    await this.archive(doc);
    return { doc, source: doc === file ? 'file' : 'archive' };
  }

  /** Stores a new version made against `expectedVersion`; false when another change came first. */
  async replace(doc: RequirementsDoc, expectedVersion: number): Promise<boolean> {
    if (doc.version !== expectedVersion + 1) return false;
    const ok =
      (await this.redis.kuzetReplaceRequirements(this.keys.requirements(), expectedVersion, JSON.stringify(doc))) === 1;
    if (ok) await this.archive(doc);
    return ok;
  }

  private async archive(doc: RequirementsDoc): Promise<void> {
    await this.store.put(
      `requirements/v${doc.version}.json`,
      Buffer.from(JSON.stringify(doc, null, 2)),
      'application/json',
    );
  }

  async newestArchived(): Promise<RequirementsDoc | undefined> {
    const all = await this.store.list('requirements/');
    const newest = all
      .map((o) => ({ o, v: Number(/v(\d+)\.json$/.exec(o.key)?.[1] ?? 0) }))
      .sort((a, b) => b.v - a.v)[0];
    if (!newest) return undefined;
    const got = await this.store.get(newest.o.key);
    return got ? RequirementsDoc.parse(JSON.parse(got.body.toString('utf8'))) : undefined;
  }

  /** A kept version (for audits: what applied then). */
  async version(n: number): Promise<RequirementsDoc | undefined> {
    const got = await this.store.get(`requirements/v${n}.json`);
    return got ? RequirementsDoc.parse(JSON.parse(got.body.toString('utf8'))) : undefined;
  }
}
