import { auditDetail } from '@kuzet/protocol';
import type { Logger } from 'pino';
import type { AuditRepository } from '../repositories/audit.ts';
import type { AuditArchiveRepository, RawAuditEntry } from '../repositories/audit-archive.ts';
import { addDays, dayOf } from './archive-day.ts';
import type { Metrics } from './metrics.ts';

/** entries copied per step (one read from Redis, at most one object per day they span) */
const PAGE = 2000;

/**
 * The audit log kept beyond Redis's capped stream (AuditArchiveRepository): a housekeeping task copies new entries
 * every minute, a daily one folds each finished day into one object and removes days past the retention. An entry
 * the stream dropped before it was copied (a flood of entries between two copies, or an instance that copied
 * nothing for long) is counted, and the log itself records how many (`audit_gap`): a hole in who viewed what is
 * said, never silent.
 */
export class AuditArchiveService {
  /**
   * Where a day is folded when set: the audit thread (a day at a country's size is ~100,000 entries to unzip, parse,
   * sort and zip again: CPU that would otherwise hold up the event loop once a day).
   */
  compactOffThread?: (day: string) => Promise<number>;

  constructor(
    private readonly repo: AuditArchiveRepository,
    private readonly audit: AuditRepository,
    private readonly o: { timeZone: string; retentionDays: number; log: Logger; metrics?: Metrics },
  ) {}

  /** Copies every entry not yet copied; how many, and how many were lost before they could be. */
  async ship(): Promise<{ copied: number; lost: number }> {
    let copied = 0;
    let lost = 0;
    for (;;) {
      const page = await this.repo.page(PAGE);
      const { entries } = page;
      if (entries.length) await this.putByDay(entries);
      const last = entries.length < PAGE;
      // on the last page everything added so far is either copied or gone: what the counts do not cover was lost
      const gone = last ? Math.max(0, page.added - page.copied - entries.length) : 0;
      if (!entries.length && !gone) break;
      const to = entries.at(-1)?.[0] ?? page.cursor;
      if (!(await this.repo.advance(page.cursor, to, page.copied + entries.length + gone))) break; // another copier
      copied += entries.length;
      lost += gone;
      if (last) break;
    }
    this.o.metrics?.auditArchived.inc({ result: 'copied' }, copied);
    if (lost) {
      this.o.metrics?.auditArchived.inc({ result: 'lost' }, lost);
      this.o.log.warn({ lost }, 'audit entries dropped from the stream before they were copied');
      await this.audit.record({
        username: '-',
        role: 'system',
        action: 'audit_gap',
        ...auditDetail('audit_gap', { lost }),
      });
    }
    return { copied, lost };
  }

  /** Folds each finished day into one object and removes the days past the retention. */
  async daily(now = Date.now()): Promise<{ compacted: string[]; removed: string[] }> {
    const today = dayOf(now, this.o.timeZone);
    const oldest = addDays(today, -this.o.retentionDays);
    const compacted: string[] = [];
    const removed: string[] = [];
    for (const day of await this.repo.days()) {
      if (day < oldest) {
        await this.repo.deleteDay(day);
        removed.push(day);
      } else if (day < today && (await (this.compactOffThread ?? ((d) => this.repo.compact(d)))(day)) > 0)
        compacted.push(day);
    }
    return { compacted, removed };
  }

  private async putByDay(entries: RawAuditEntry[]): Promise<void> {
    let run: RawAuditEntry[] = [];
    let runDay = '';
    for (const e of entries) {
      // the entry's id is the time Redis added it (ms): its day in the deployment's zone
      const day = dayOf(Number(e[0].split('-')[0]), this.o.timeZone);
      if (day !== runDay && run.length) {
        await this.repo.putChunk(runDay, run);
        run = [];
      }
      runDay = day;
      run.push(e);
    }
    if (run.length) await this.repo.putChunk(runDay, run);
  }
}
