import { createHash } from 'node:crypto';
import {
  type Alert,
  type AlertingConfig,
  adminTarget,
  episodeStart,
  type NotifyTarget,
  notifiedLine,
  pagedTargets,
  snoozed,
  targetLabel,
} from '@kuzet/protocol';
import type { Job, Queue } from 'bullmq';
import type { AlertRepository } from '../repositories/alerts.ts';
import type { AlertJob, NotifyJob } from './alert-jobs.ts';
import type { DeltaBus } from './bus.ts';
import type { Metrics } from './metrics.ts';
import type { Notification, Notifier } from './notifier.ts';

const targetKey = (t: NotifyTarget) => createHash('sha1').update(JSON.stringify(t)).digest('hex').slice(0, 12);

/** An alert's escalation episode: 0 from its opening, n from its n-th reopening. */
const episodeOf = (a: Pick<Alert, 'reopens'>) => a.reopens ?? 0;

/**
 * Who hears of an alert, and when: a notification job per contact of the level (retried by the notify queue), the
 * escalation steps of an unacknowledged critical alert as delayed jobs (waiting out a snooze), reminders, and the
 * assignee's own contacts. The alert's timeline records each notification and each failed one.
 */
export class AlertPaging {
  constructor(
    private readonly d: {
      alerts: AlertRepository;
      bus: DeltaBus;
      metrics: Metrics;
      notifier: Notifier;
      /** the configuration in force (administrators change it while the server runs) */
      config: () => AlertingConfig;
      dashboardUrl?: string;
      queue: Queue<AlertJob>;
      notifyQueue: Queue<NotifyJob>;
      /** the names people use, added to what is sent; ids only without them */
      names: () => ((a: Alert[]) => Promise<Alert[]>) | undefined;
    },
  ) {}

  /**
   * An escalation step, queued: its job id names the alert, its episode (a reopened alert's steps begin anew, and the
   * queue drops a job whose id it already holds), the level and the reminder.
   */
  private step(alertId: string, episode: number, level: number, renotify: number, delay: number, suffix = '') {
    return this.d.queue.add(
      'escalate',
      { kind: 'escalate', alertId, level, renotify, ...(episode ? { episode } : {}) },
      { delay, jobId: `esc-${alertId}${episode ? `-r${episode}` : ''}-${level}-${renotify}${suffix}` },
    );
  }

  /** A new (or reopened) critical alert: its first escalation step, when the configuration has one. */
  async scheduleFirstStep(alert: Alert): Promise<void> {
    const first = this.d.config().escalation.afterMinutes[0];
    if (alert.severity === 'critical' && first !== undefined)
      await this.step(alert.id, episodeOf(alert), 1, 0, first * 60_000);
  }

  async escalate(alertId: string, level: number, renotify: number, episode = 0): Promise<void> {
    // still to do: open (not acknowledged or resolved in time), not suppressed, not done already (a snooze's early
    // end brought it on), and of the alert's current episode (one queued before it resolved and reopened is not)
    const due = (x: Alert) =>
      x.state === 'open' &&
      !x.suppressed &&
      !(renotify === 0 && x.escalationLevel >= level) &&
      episodeOf(x) === episode;
    const a = await this.d.alerts.get(alertId);
    if (!a || !due(a)) return;
    const now = new Date().toISOString();
    if (await this.d.alerts.inMaintenance(a.schoolId, a.cameraId, now)) return;
    const esc = this.d.config().escalation;
    let snoozedMeanwhile: Alert | undefined;
    const updated = await this.d.alerts.update(alertId, (x) => {
      // checked where the step is written: an acknowledgement, a resolution or a snooze stored since the read above
      // wins (the update is retried if the alert changes under it); a snoozed alert's step waits for the snooze
      if (!due(x)) return undefined;
      if (snoozed(x)) {
        snoozedMeanwhile = x;
        return undefined;
      }
      return {
        ...x,
        escalationLevel: level,
        updatedAt: now,
        events: [
          ...x.events,
          { at: now, type: 'escalated', text: renotify ? `level ${level}, reminder ${renotify}` : `level ${level}` },
        ],
      };
    });
    if (snoozedMeanwhile) return this.afterSnooze(snoozedMeanwhile, level, renotify);
    if (!updated) return;
    await this.d.bus.publishAlerts([updated]);
    await this.page(updated, renotify ? 'renotify' : 'escalated', level);
    const next = esc.afterMinutes[level];
    const prev = esc.afterMinutes[level - 1] ?? 0;
    if (next !== undefined) await this.step(alertId, episode, level + 1, 0, (next - prev) * 60_000);
    else if (esc.renotifyMinutes > 0 && renotify < esc.maxRenotify)
      await this.step(alertId, episode, level, renotify + 1, esc.renotifyMinutes * 60_000);
  }

  /** A snoozed alert's step waits for the end of the snooze (a new snooze later moves it again). */
  private async afterSnooze(a: Alert, level: number, renotify: number): Promise<void> {
    const until = Date.parse(a.snoozedUntil!);
    await this.step(a.id, episodeOf(a), level, renotify, until - Date.now(), `-s${until}`);
  }

  /**
   * Queues one notification per contact of the level (0 the region's operators and the school's own contacts, 1 duty
   * officer, 2+ akimat).
   */
  async page(a: Alert, event: Notification['event'], level: number): Promise<void> {
    const targets = pagedTargets(this.d.config(), a.regionCode, a.schoolId, level);
    const n = a.events.filter((e) => e.type === 'escalated').length;
    // each episode of a reopened alert is told (its resolution and its reopening again)
    const r = a.reopens ? `-r${a.reopens}` : '';
    await this.d.notifyQueue.addBulk(
      targets.map((target) => ({
        name: target.channel,
        data: { alertId: a.id, event, level, target },
        opts: { jobId: `n-${a.id}-${event}-${level}-${n}${r}-${targetKey(target)}` },
      })),
    );
  }

  async deliver(job: Job<NotifyJob>): Promise<void> {
    const raw = await this.d.alerts.get(job.data.alertId);
    if (!raw) return;
    // named when the store answers; by ids rather than not at all when it does not
    const names = this.d.names();
    const a = names ? ((await names([raw]).catch(() => [raw]))[0] ?? raw) : raw;
    // a target no administrator set (a school's own contact) is never posted to an internal address
    await this.d.notifier.send(
      job.data.target,
      { event: job.data.event, level: job.data.level, alert: a, dashboardUrl: this.d.dashboardUrl },
      String(job.id),
      !adminTarget(this.d.config(), job.data.target),
    );
    this.d.metrics.notifications.inc({ channel: job.data.target.channel });
    await this.event(a.id, 'notified', notifiedLine(job.data.event, targetLabel(job.data.target)));
  }

  async event(id: string, type: 'notified' | 'notify_failed', text: string): Promise<void> {
    const at = new Date().toISOString();
    const a = await this.d.alerts.update(id, (x) => ({ ...x, events: [...x.events, { at, type, text }] }));
    if (a) await this.d.bus.publishAlerts([a]);
  }

  /** The assignee's own contacts (alerting config `people`) hear that the alert is theirs now. */
  async tellAssignee(a: Alert): Promise<void> {
    const targets = a.assignee ? (this.d.config().people[a.assignee] ?? []) : [];
    const n = a.events.filter((e) => e.type === 'assigned').length;
    await this.d.notifyQueue.addBulk(
      targets.map((target) => ({
        name: target.channel,
        data: { alertId: a.id, event: 'assigned' as const, level: 0, target },
        opts: { jobId: `n-${a.id}-assigned-${n}-${targetKey(target)}` },
      })),
    );
  }

  /**
   * A snooze ended early: the next escalation step comes when it was due (at once if it fell in the snooze). The
   * step put off to the snooze's end still runs then, and finds it done.
   */
  async wake(a: Alert): Promise<void> {
    const level = a.escalationLevel + 1;
    const after = this.d.config().escalation.afterMinutes[level - 1];
    if (a.state !== 'open' || a.suppressed || a.severity !== 'critical' || after === undefined) return;
    const due = Date.parse(episodeStart(a)) + after * 60_000;
    await this.step(a.id, episodeOf(a), level, 0, Math.max(0, due - Date.now()), `-w${Date.parse(a.updatedAt)}`);
  }
}
