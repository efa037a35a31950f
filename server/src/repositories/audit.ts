import { AuditEntry, AuditSay } from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { AuditArchiveRepository, RawAuditEntry } from './audit-archive.ts';
import type { Keys } from './redis.ts';

/** entries kept (a capped stream: the newest ~100,000 views) */
export const AUDIT_MAXLEN = 100_000;

/** What a reader of the log asks for: the newest entries, filtered by camera, action and user when asked. */
export interface AuditQuery {
  limit: number;
  cameraId?: string | undefined;
  action?: string | undefined;
  username?: string | undefined;
  /** days (YYYY-MM-DD, the deployment's time zone) read from the object store, in this order, instead of the newest */
  days?: string[] | undefined;
}

/** Who did what (views of pictures, logins, access changes), append-only, newest first when read. */
export class AuditRepository {
  /**
   * Where `list` reads when set: a worker thread with its own connection (threads/audit-thread.ts). A filter that
   * matches little reads the whole stream — 100,000 entries, a quarter of a second of the event loop's time in
   * slices, time in which agents' batches wait — and a day of the archive is as many entries to unzip and parse.
   */
  offThread?: (q: AuditQuery) => Promise<AuditEntry[]>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** where days are read (the thread that reads has it) */
    private readonly archive?: AuditArchiveRepository,
  ) {}

  async record(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void> {
    const e = { at: new Date().toISOString(), ...entry };
    // what it says is kept as JSON (a stream entry's values are strings)
    const fields = Object.entries(e).flatMap(([k, v]) =>
      v === undefined ? [] : [k, typeof v === 'object' ? JSON.stringify(v) : String(v)],
    );
    await this.redis.xadd(this.keys.audit(), 'MAXLEN', '~', AUDIT_MAXLEN, '*', ...fields);
  }

  /** The newest entries, filtered by camera, action and user when asked (in the thread when there is one). */
  list(q: AuditQuery): Promise<AuditEntry[]> {
    return this.offThread ? this.offThread(q) : this.read(q);
  }

  /** Reads the stream (or a day of the archive) here, whichever thread this is. */
  async read(q: AuditQuery): Promise<AuditEntry[]> {
    if (q.days?.length) {
      if (!this.archive) throw new Error('the audit archive is not configured in this thread');
      const out: AuditEntry[] = [];
      for (const day of q.days) {
        if (out.length >= q.limit) break;
        for (const e of await this.archive.readDay(day)) {
          const entry = auditEntry(e, q);
          if (entry) out.push(entry);
          if (out.length >= q.limit) break;
        }
      }
      return out;
    }
    const out: AuditEntry[] = [];
    let end = '+';
    // newest first; filtered when asked (reads on in pages until enough are found or the stream ends)
    while (out.length < q.limit) {
      const page = await this.redis.xrevrange(this.keys.audit(), end, '-', 'COUNT', 500);
      for (const e of page) {
        const entry = auditEntry(e as RawAuditEntry, q);
        if (entry) out.push(entry);
        if (out.length >= q.limit) break;
      }
      if (page.length < 500) break;
      end = `(${page.at(-1)![0]}`;
    }
    return out;
  }
}

/**
 * One entry as stored (the stream's or the archive's), if it matches the query's filters and still reads. The filters
 * compare the raw fields first: a filter that matches little reads the whole stream (100,000 entries), and checking
 * each entry's schema first cost most of a second.
 */
function auditEntry([, f]: RawAuditEntry, q: AuditQuery): AuditEntry | undefined {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < f.length; i += 2) o[f[i]!] = f[i + 1]!;
  if (
    (q.cameraId && o.cameraId !== q.cameraId) ||
    (q.action && o.action !== q.action) ||
    (q.username && o.username !== q.username)
  )
    return undefined;
  if (typeof o.say === 'string') {
    const say = said(o.say);
    if (say) o.say = say;
    else delete o.say;
  }
  const r = AuditEntry.safeParse(o);
  return r.success ? r.data : undefined;
}

/**
 * What an entry says, read back; undefined when it no longer reads (a text renamed since): the entry is still listed,
 * with its English detail alone.
 */
function said(json: string): AuditSay | undefined {
  try {
    const r = AuditSay.safeParse(JSON.parse(json));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
