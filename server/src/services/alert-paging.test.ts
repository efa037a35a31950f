import type { Alert, AlertingConfig } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import type { AlertRepository } from '../repositories/alerts.ts';
import { AlertPaging } from './alert-paging.ts';

/**
 * An escalation step reads the alert, then writes the step: a snooze or an acknowledgement stored in between must
 * win (seen as a duty officer paged about a snoozed alert in a loaded fresh-clone run).
 */
const alert = (over: Partial<Alert> = {}): Alert => ({
  id: '7',
  rule: 'camera_offline',
  severity: 'critical',
  state: 'open',
  subject: { kind: 'camera', id: 'cam-1' },
  schoolId: 's',
  districtId: 'd',
  regionCode: 'KZ-75',
  cameraId: 'cam-1',
  reasons: ['unreachable'],
  openedAt: '2026-12-04T10:00:00.000Z',
  updatedAt: '2026-12-04T10:00:00.000Z',
  repeats: 0,
  suppressed: false,
  escalationLevel: 0,
  events: [],
  ...over,
});

/** the paging service over a store whose alert changes between the step's read and its write */
function paging(read: Alert, atWrite: Alert) {
  const queued: { data: unknown; opts: { delay?: number; jobId?: string } }[] = [];
  const paged: unknown[] = [];
  let written: Alert | undefined;
  const p = new AlertPaging({
    alerts: {
      get: async () => read,
      inMaintenance: async () => false,
      update: async (_id: string, f: (a: Alert) => Alert | undefined) => {
        written = f(atWrite);
        return written;
      },
    } as unknown as AlertRepository,
    bus: { publishAlerts: async () => {} } as never,
    metrics: {} as never,
    notifier: {} as never,
    config: () =>
      ({
        escalation: { afterMinutes: [1, 2], renotifyMinutes: 0, maxRenotify: 0 },
        contacts: { '*': { operators: [], duty: [{ channel: 'webhook', url: 'http://127.0.0.1:1/' }], akimat: [] } },
      }) as unknown as AlertingConfig,
    queue: { add: async (_n: string, data: unknown, opts: never) => void queued.push({ data, opts }) } as never,
    notifyQueue: { addBulk: async (jobs: unknown[]) => void paged.push(...jobs) } as never,
    names: () => undefined,
  });
  return { p, queued, paged, written: () => written };
}

describe('escalation steps against a change made meanwhile', () => {
  it('a step whose alert was snoozed after it was read waits for the snooze, and nobody is paged', async () => {
    const until = new Date(Date.now() + 60_000).toISOString();
    const t = paging(alert(), alert({ snoozedUntil: until }));
    await t.p.escalate('7', 1, 0);
    expect(t.written()).toBeUndefined();
    expect(t.paged).toEqual([]);
    expect(t.queued).toHaveLength(1);
    expect(t.queued[0]!.opts.jobId).toBe(`esc-7-1-0-s${Date.parse(until)}`);
    expect(t.queued[0]!.opts.delay).toBeGreaterThan(55_000);
  });

  it('a step whose alert was acknowledged after it was read is dropped', async () => {
    const t = paging(alert(), alert({ state: 'acknowledged', ackBy: 'op', ackAt: '2026-12-04T10:00:01.000Z' }));
    await t.p.escalate('7', 1, 0);
    expect(t.written()).toBeUndefined();
    expect(t.paged).toEqual([]);
    expect(t.queued).toEqual([]);
  });

  it('an unchanged alert is escalated: the step is written, the duty officer paged, the next step queued', async () => {
    const t = paging(alert(), alert());
    await t.p.escalate('7', 1, 0);
    expect(t.written()?.escalationLevel).toBe(1);
    expect(t.paged).toHaveLength(1);
    expect(t.queued.map((q) => q.opts.jobId)).toEqual(['esc-7-2-0']);
  });
});

describe('a reopened alert', () => {
  it('escalates anew: its first step again, and steps of its earlier episode are dropped', async () => {
    const t = paging(alert({ reopens: 2 }), alert({ reopens: 2 }));
    await t.p.scheduleFirstStep(alert({ reopens: 2 }));
    expect(t.queued).toEqual([
      {
        data: { kind: 'escalate', alertId: '7', level: 1, renotify: 0, episode: 2 },
        opts: { delay: 60_000, jobId: 'esc-7-r2-1-0' },
      },
    ]);
    // the level-2 step queued before it resolved (episode 0) finds it reopened: nothing is written, nobody paged
    await t.p.escalate('7', 2, 0, 0);
    expect(t.written()).toBeUndefined();
    expect(t.paged).toEqual([]);
    // its own step escalates, and queues the next of the same episode
    await t.p.escalate('7', 1, 0, 2);
    expect(t.written()?.escalationLevel).toBe(1);
    expect(t.queued.map((q) => q.opts.jobId)).toEqual(['esc-7-r2-1-0', 'esc-7-r2-2-0']);
  });

  it("tells each episode's notices apart (the queue would drop a repeated id)", async () => {
    const v = paging(alert(), alert());
    await v.p.page(alert({ reopens: 1 }), 'reopened', 1);
    await v.p.page(alert({ reopens: 2 }), 'reopened', 1);
    const ids = v.paged.map((j) => (j as { opts: { jobId: string } }).opts.jobId);
    expect(ids).toEqual([
      expect.stringMatching(/^n-7-reopened-1-0-r1-/),
      expect.stringMatching(/^n-7-reopened-1-0-r2-/),
    ]);
  });
});
