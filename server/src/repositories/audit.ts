import { AuditEntry, AuditSay } from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { Keys } from './redis.ts';

/** entries kept (a capped stream: the newest ~100,000 views) */
export const AUDIT_MAXLEN = 100_000;

/** What a reader of the log asks for: the newest entries, filtered by camera, action and user when asked. */
export interface AuditQuery {
  limit: number;
  cameraId?: string | undefined;
  action?: string | undefined;
  username?: string | undefined;
}

/** Who did what (views of pictures, logins, access changes), append-only, newest first when read. */
export class AuditRepository {
  /**
   * Where `list` reads when set: a worker thread with its own connection (threads/audit-thread.ts). A filter that
   * matches little reads the whole stream — 100,000 entries, about half a second of parsing — which on the event
   * loop held up every agent's acknowledgement for as long.
   */
  offThread?: (q: AuditQuery) => Promise<AuditEntry[]>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
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

  /** Reads the stream here, whichever thread this is. */
  async read({ limit, cameraId, action, username }: AuditQuery): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let end = '+';
    // newest first; filtered by camera when asked (reads on in pages until enough are found or the stream ends)
    while (out.length < limit) {
      const page = await this.redis.xrevrange(this.keys.audit(), end, '-', 'COUNT', 500);
      for (const [, f] of page) {
        const o: Record<string, unknown> = {};
        for (let i = 0; i < f.length; i += 2) o[f[i]!] = f[i + 1]!;
        // the filters first, on the raw fields: a filter that matches little reads the whole stream (100,000
        // entries), and checking each entry's schema first cost most of a second of the event loop
        if (
          (cameraId && o.cameraId !== cameraId) ||
          (action && o.action !== action) ||
          (username && o.username !== username)
        )
          continue;
        if (typeof o.say === 'string') {
          const say = said(o.say);
          if (say) o.say = say;
          else delete o.say;
        }
        const r = AuditEntry.safeParse(o);
        if (r.success) out.push(r.data);
        if (out.length >= limit) break;
      }
      if (page.length < 500) break;
      end = `(${page.at(-1)![0]}`;
    }
    return out;
  }
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
