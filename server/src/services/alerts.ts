import { randomUUID } from 'node:crypto';
import {
  type Alert,
  type AlertAction,
  type AlertingConfig,
  type AlertRule,
  BY_CENTRE,
  type CameraDelta,
  EVENT_TEXTS,
  type Localized,
  type NotifyTarget,
  targetLabel,
} from '@kuzet/protocol';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AlertRepository } from '../repositories/alerts.ts';
import type { Keys } from '../repositories/redis.ts';
import type { StateRepository } from '../repositories/state.ts';
import type { AlertJob, EventRule, NotifyJob, Place } from './alert-jobs.ts';
import { AlertPaging } from './alert-paging.ts';
import { CAMERA_STATE_RULES, cameraRules, effectiveRule } from './alert-rules.ts';
import type { DeltaBus } from './bus.ts';
import type { Metrics } from './metrics.ts';
import type { Notifier } from './notifier.ts';

export type { AlertJob, EventRule, NotifyJob, Place } from './alert-jobs.ts';

export interface AlertServiceOptions {
  redisUrl: string;
  keys: Keys;
  state: StateRepository;
  alerts: AlertRepository;
  bus: DeltaBus;
  metrics: Metrics;
  notifier: Notifier;
  config: AlertingConfig;
  log: Logger;
  /** run the workers in this process (else only enqueue; run them with `kuzet-server worker`) */
  workers: boolean;
  notifyBackoffMs: number;
  dashboardUrl?: string;
}

const ms = (iso: string) => Date.parse(iso);
/** only the placement fields (job data must not carry a caller's other fields, such as its own kind) */
const placeOf = (p: Place): Place => ({ schoolId: p.schoolId, districtId: p.districtId, regionCode: p.regionCode });

/**
 * The alerting pipeline: state changes become jobs (idempotent ids), workers evaluate the rules against the
 * camera's current state in Redis (so jobs may run in any order), open/repeat/resolve alerts (one open alert per
 * rule and subject), page through a notification queue with retries, and escalate with delayed jobs.
 */
export class AlertService {
  readonly queue: Queue<AlertJob>;
  readonly notifyQueue: Queue<NotifyJob>;
  /** school-level jobs (link down/up) in their own queue: a flood of camera jobs never delays a school's alert */
  readonly linkQueue: Queue<AlertJob>;
  private readonly conn: Redis;
  private readonly redis: Redis;
  private workers: Worker[] = [];
  private readonly paging: AlertPaging;

  /** the alerting configuration in force (the stored one once the server has read it: see setConfig) */
  private config: AlertingConfig;

  /** how long an alert may stay unacknowledged, per severity (the alerting configuration's) */
  get ackSla() {
    return this.config.ackSlaMinutes;
  }

  /**
   * A test message to one target, sent now (see Notifier.sendTest): undefined when it was delivered, else why not,
   * fit to show (failureText).
   */
  /** `guarded`: a webhook school staff set (never posted to an internal address: see WebhookPolicy) */
  async testNotification(target: NotifyTarget, by: string, guarded = false): Promise<string | undefined> {
    try {
      await this.o.notifier.sendTest(target, by, `test-${randomUUID()}`, this.o.dashboardUrl, guarded);
      return undefined;
    } catch (err) {
      return this.o.notifier.failureText((err as Error).message, target);
    }
  }

  /** Why school staff may not save this webhook (undefined: they may): see WebhookPolicy. */
  webhookRefusal(url: string): Promise<{ host: string; address: string } | undefined> {
    return this.o.notifier.webhookRefusal(url);
  }

  /** The configuration in force from now on (a version stored by an administrator, on any instance). */
  setConfig(c: AlertingConfig): void {
    this.config = c;
  }

  get alerting(): AlertingConfig {
    return this.config;
  }

  /** the names people use, added to what is sent (services/alert-names.ts); ids only without it */
  nameAlerts?: (a: Alert[]) => Promise<Alert[]>;

  constructor(private readonly o: AlertServiceOptions) {
    this.conn = new Redis(o.redisUrl, { maxRetriesPerRequest: null }).on('error', () => undefined);
    this.redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null }).on('error', () => undefined);
    const prefix = o.keys.bullPrefix();
    // bounded history in Redis; retries with exponential backoff
    const queue = <T>(name: string, attempts: number, backoffMs: number) =>
      new Queue<T>(name, {
        connection: this.conn,
        prefix,
        defaultJobOptions: {
          attempts,
          backoff: { type: 'exponential', delay: backoffMs },
          removeOnComplete: { count: 2000, age: 24 * 3600 },
          removeOnFail: { count: 5000, age: 14 * 24 * 3600 },
        },
      });
    this.queue = queue<AlertJob>('alerts', 5, 1000);
    this.linkQueue = queue<AlertJob>('links', 5, 1000);
    this.notifyQueue = queue<NotifyJob>('notify', 10, o.notifyBackoffMs);
    this.config = o.config;
    this.paging = new AlertPaging({
      ...o,
      config: () => this.config,
      queue: this.queue,
      notifyQueue: this.notifyQueue,
      names: () => this.nameAlerts,
    });
    // a lost connection surfaces in the failing calls and in readiness, not as unhandled 'error' events
    for (const q of [this.queue, this.linkQueue, this.notifyQueue])
      q.on('error', (err) => o.log.debug({ err, queue: q.name }, 'queue connection error'));
    o.metrics.queueDepth.addCollector(async () => {
      const out: [string, string, number][] = [];
      for (const q of [this.queue, this.linkQueue, this.notifyQueue]) {
        const c = await q.getJobCounts('waiting', 'delayed', 'active', 'failed');
        for (const [state, n] of Object.entries(c)) out.push([q.name, state, n]);
      }
      return out;
    });
    if (o.workers) this.startWorkers();
  }

  private startWorkers(): void {
    const prefix = this.o.keys.bullPrefix();
    const alerts = new Worker<AlertJob>('alerts', (job) => this.process(job), {
      connection: this.conn,
      prefix,
      concurrency: 16,
    });
    const links = new Worker<AlertJob>('links', (job) => this.process(job), {
      connection: this.conn,
      prefix,
      concurrency: 16,
    });
    const notify = new Worker<NotifyJob>('notify', (job) => this.paging.deliver(job), {
      connection: this.conn,
      prefix,
      concurrency: 8,
    });
    for (const w of [alerts, links, notify]) {
      w.on('completed', (job) => {
        const waited = (job.finishedOn ?? Date.now()) - job.timestamp - (job.opts.delay ?? 0);
        this.o.metrics.jobSeconds.observe({ queue: w.name }, Math.max(0, waited) / 1000);
      });
      w.on('failed', (job, err) => this.o.log.warn({ err, queue: w.name, jobId: job?.id }, 'job failed'));
      w.on('error', (err) => this.o.log.error({ err, queue: w.name }, 'worker error'));
    }
    notify.on('failed', (job) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
        void this.paging.event(
          job.data.alertId,
          'notify_failed',
          `${targetLabel(job.data.target)}: ${this.o.notifier.failureText(job.failedReason, job.data.target)}`,
        );
    });
    this.workers = [alerts, links, notify];
  }

  // ---- enqueueing (called by ingest and the link monitor) ----

  async camerasChanged(deltas: CameraDelta[]): Promise<void> {
    // a change to a state that raises nothing matters only for a camera that has an alert to resolve (a link
    // coming back turns thousands of cameras from link_down to online: most have nothing to do)
    const moved = deltas.filter((d) => d.status !== 'link_down');
    const raising = new Set(moved.filter((d) => cameraRules(d.status, d.reasons).size > 0));
    const alerted = await this.o.alerts.withAlerts(moved.filter((d) => !raising.has(d)).map((d) => d.cameraId));
    const jobs = moved
      .filter((d) => raising.has(d) || alerted.has(d.cameraId))
      .map((d) => ({
        name: 'camera',
        data: {
          kind: 'camera' as const,
          cameraId: d.cameraId,
          schoolId: d.schoolId,
          districtId: d.districtId,
          regionCode: d.regionCode,
        },
        opts: { jobId: `cam-${d.cameraId}-${ms(d.at)}-${d.status}-${d.reasons.join('.')}` },
      }));
    if (jobs.length) await this.queue.addBulk(jobs);
  }

  async linkChanged(agentId: string, place: Place, down: boolean, at: string, cameras: number): Promise<void> {
    await this.linkQueue.add(
      'link',
      { ...placeOf(place), kind: 'link', agentId, down, at, cameras },
      { jobId: `link-${agentId}-${down ? 'down' : 'up'}-${ms(at)}` },
    );
  }

  async cameraEvent(rule: EventRule, cameraId: string, place: Place, at: string, detail?: Localized): Promise<void> {
    await this.queue.add(
      'event',
      { kind: 'event', rule, cameraId, at, ...place, ...(detail ? { detail } : {}) },
      { jobId: `${rule}-${cameraId}-${ms(at)}` },
    );
  }

  /** The settings of a rule for a school (defaults and the configuration's overrides). */
  rule(rule: AlertRule, place: Place) {
    return effectiveRule(this.config, rule, place.regionCode, place.schoolId);
  }

  /** A school-level condition decided elsewhere (compliance), already debounced: opens or repeats its alert. */
  async raiseSchool(rule: AlertRule, place: Place, at: string, detail: Localized): Promise<void> {
    if (!this.rule(rule, place).enabled) return;
    await this.open(rule, { kind: 'school', id: place.schoolId }, placeOf(place), at, [], undefined, undefined, detail);
  }

  async isOpen(rule: AlertRule, subject: string): Promise<boolean> {
    return Boolean(await this.o.alerts.openFor(rule, subject));
  }

  /** The open alert's condition changed in its details (what fails now): its detail follows, nobody is paged. */
  async updateDetail(rule: AlertRule, subject: string, detail: Localized): Promise<void> {
    const open = await this.o.alerts.openFor(rule, subject);
    // compared language by language: the stored alert's keys come back from Lua's cjson in any order
    const was = open?.details;
    if (!open || (was?.kk === detail.kk && was.ru === detail.ru && was.en === detail.en)) return;
    const a = await this.o.alerts.update(open.id, (x) =>
      x.state === 'resolved' ? undefined : { ...x, ...detailOf(detail), updatedAt: new Date().toISOString() },
    );
    if (a) await this.o.bus.publishAlerts([a]);
  }

  /** The school-level condition is gone: its alert (if any) resolves. */
  async clearSchool(rule: AlertRule, schoolId: string, why: string): Promise<void> {
    const a = await this.o.alerts.openFor(rule, schoolId);
    if (a) await this.resolve(a.id, BY_CENTRE, why);
  }

  // ---- workers ----

  private async process(job: Job<AlertJob>): Promise<void> {
    const d = job.data;
    switch (d.kind) {
      case 'camera':
        return this.reconcileCamera(d.cameraId, d);
      case 'confirm-open':
        return this.confirmOpen(d);
      case 'confirm-resolve':
        return this.confirmResolve(d.alertId, d.since);
      case 'link':
        if (d.down) await this.open('link_down', { kind: 'school', id: d.schoolId }, d, d.at, [], undefined, d.cameras);
        else {
          const a = await this.o.alerts.openFor('link_down', d.schoolId);
          if (a) await this.resolve(a.id, BY_CENTRE, EVENT_TEXTS.schoolBack.en, d.at);
        }
        return;
      case 'event': {
        if (d.rule === 'camera_back') {
          const gone = (await this.o.alerts.activeOf(d.cameraId)).find((a) => a.rule === 'camera_gone');
          if (gone) await this.resolve(gone.id, BY_CENTRE, EVENT_TEXTS.cameraAnnounced.en, d.at);
          return;
        }
        await this.open(d.rule, { kind: 'camera', id: d.cameraId }, d, d.at, [], d.cameraId, undefined, d.detail);
        return;
      }
      case 'escalate':
        return this.paging.escalate(d.alertId, d.level, d.renotify, d.episode);
    }
  }

  /** Brings the camera's alerts in line with its current state (whatever order the jobs come in). */
  private async reconcileCamera(cameraId: string, place: Place): Promise<void> {
    const k = this.o.keys;
    // one round trip for what decides nothing-to-do (the usual case): state, alerts, pending episodes
    const [[cam], active, pendingVals] = await Promise.all([
      this.o.state.cameras([cameraId]),
      this.o.alerts.activeOf(cameraId),
      this.redis.mget(CAMERA_STATE_RULES.map((r) => k.pending(r, cameraId))),
    ]);
    if (!cam || cam.status === 'link_down') return; // the school's link_down alert speaks for it
    const pending = new Set(CAMERA_STATE_RULES.filter((_, i) => pendingVals[i] !== null));
    const now = new Date().toISOString();
    const desired = cameraRules(cam.status, cam.reasons);
    const gone = active.find((a) => a.rule === 'camera_gone');
    if (gone && cam.status !== 'offline') await this.resolve(gone.id, BY_CENTRE, EVENT_TEXTS.cameraReports.en, now);
    for (const rule of CAMERA_STATE_RULES) {
      const eff = effectiveRule(this.config, rule, place.regionCode, place.schoolId);
      const open = active.find((a) => a.rule === rule);
      if (desired.has(rule) && eff.enabled) {
        if (open) {
          // the condition came back before the alert resolved: one alert, one more repeat, no new page
          if ((await this.redis.del(this.o.keys.clearing(open.id))) === 1)
            await this.open(rule, { kind: 'camera', id: cameraId }, place, now, cam.reasons, cameraId);
          continue;
        }
        if (eff.openAfterSeconds === 0) {
          await this.open(rule, { kind: 'camera', id: cameraId }, place, now, cam.reasons, cameraId);
          continue;
        }
        const since = cam.since ?? now;
        const set = await this.redis.set(
          this.o.keys.pending(rule, cameraId),
          since,
          'EX',
          eff.openAfterSeconds * 4 + 60,
          'NX',
        );
        if (set)
          await this.queue.add(
            'confirm-open',
            { ...placeOf(place), kind: 'confirm-open', rule, cameraId, since },
            { delay: eff.openAfterSeconds * 1000, jobId: `open-${rule}-${cameraId}-${ms(since)}` },
          );
      } else {
        // shorter than openAfterSeconds: it never pages
        if (pending.has(rule)) await this.redis.del(this.o.keys.pending(rule, cameraId));
        if (!open) continue;
        if (eff.resolveAfterSeconds === 0 || !eff.enabled) {
          await this.resolve(open.id, BY_CENTRE, EVENT_TEXTS.cleared.en, now);
          continue;
        }
        const set = await this.redis.set(
          this.o.keys.clearing(open.id),
          now,
          'EX',
          eff.resolveAfterSeconds * 4 + 60,
          'NX',
        );
        if (set)
          await this.queue.add(
            'confirm-resolve',
            { kind: 'confirm-resolve', alertId: open.id, since: now },
            { delay: eff.resolveAfterSeconds * 1000, jobId: `clear-${open.id}-${ms(now)}` },
          );
      }
    }
  }

  private async confirmOpen(d: Extract<AlertJob, { kind: 'confirm-open' }>): Promise<void> {
    const key = this.o.keys.pending(d.rule, d.cameraId);
    if ((await this.redis.get(key)) !== d.since) return; // it cleared (or a newer episode took over)
    const [cam] = await this.o.state.cameras([d.cameraId]);
    if (!cam || !cameraRules(cam.status, cam.reasons).has(d.rule)) return;
    await this.redis.del(key);
    await this.open(d.rule, { kind: 'camera', id: d.cameraId }, d, new Date().toISOString(), cam.reasons, d.cameraId);
  }

  private async confirmResolve(alertId: string, since: string): Promise<void> {
    if ((await this.redis.get(this.o.keys.clearing(alertId))) !== since) return; // the condition came back
    const a = await this.o.alerts.get(alertId);
    if (!a || a.state === 'resolved' || !a.cameraId) return;
    const [cam] = await this.o.state.cameras([a.cameraId]);
    if (cam && cam.status !== 'link_down' && cameraRules(cam.status, cam.reasons).has(a.rule)) return;
    await this.resolve(alertId, BY_CENTRE, EVENT_TEXTS.cleared.en, new Date().toISOString());
  }

  private async open(
    rule: AlertRule,
    subject: Alert['subject'],
    place: Place,
    at: string,
    reasons: Alert['reasons'],
    cameraId?: string,
    cameras?: number,
    /** a text (events queued before details came in three languages), or the same in kk, ru and en */
    detail?: string | Localized,
  ): Promise<Alert> {
    const eff = effectiveRule(this.config, rule, place.regionCode, place.schoolId);
    const suppressed = await this.o.alerts.inMaintenance(place.schoolId, cameraId, at);
    const { alert, created, reopened } = await this.o.alerts.openOrRepeat({
      rule,
      severity: eff.severity,
      subject,
      schoolId: place.schoolId,
      districtId: place.districtId,
      regionCode: place.regionCode,
      ...(cameraId ? { cameraId } : {}),
      reasons,
      ...(cameras !== undefined ? { cameras } : {}),
      ...(detail ? detailOf(detail) : {}),
      suppressed,
      at,
      reopenWithinMinutes: eff.reopenWithinMinutes,
    });
    await this.o.bus.publishAlerts([alert]);
    if (created) this.o.metrics.alertsOpened.inc({ rule, severity: alert.severity, suppressed: String(suppressed) });
    if (reopened) this.o.metrics.alertsReopened.inc({ rule });
    if (created && !suppressed) {
      await this.paging.page(alert, 'opened', 0);
      await this.paging.scheduleFirstStep(alert);
    }
    // back soon after it resolved by itself: its operators are told, and it escalates as a new one would
    if (reopened && !suppressed) {
      await this.paging.page(alert, 'reopened', 0);
      await this.paging.scheduleFirstStep(alert);
    }
    return alert;
  }

  async resolve(id: string, by: string, reason: string, at = new Date().toISOString()): Promise<Alert | undefined> {
    const a = await this.o.alerts.update(id, (x) =>
      x.state === 'resolved'
        ? undefined
        : {
            ...x,
            state: 'resolved',
            resolvedAt: at,
            resolvedBy: by,
            updatedAt: at,
            events: [...x.events, { at, type: 'resolved', by, text: reason }],
          },
    );
    if (a) {
      await this.o.bus.publishAlerts([a]);
      if (!a.suppressed) await this.paging.page(a, 'resolved', 0);
    }
    return a;
  }

  /** What an operator does: acknowledge, assign, comment, resolve by hand. */
  async act(id: string, by: string, action: AlertAction): Promise<Alert | undefined> {
    if (action.action === 'resolve') return this.resolve(id, by, action.reason);
    const at = new Date().toISOString();
    const a = await this.o.alerts.update(id, (x) => {
      if (x.state === 'resolved' && action.action !== 'comment') return undefined;
      switch (action.action) {
        case 'ack':
          return {
            ...x,
            state: 'acknowledged',
            ackBy: by,
            ackAt: at,
            updatedAt: at,
            events: [
              ...x.events,
              { at, type: 'acknowledged', by, ...(action.comment ? { text: action.comment } : {}) },
            ],
          };
        case 'assign':
          return {
            ...x,
            assignee: action.to,
            updatedAt: at,
            events: [...x.events, { at, type: 'assigned', by, text: action.to }],
          };
        case 'comment':
          return { ...x, updatedAt: at, events: [...x.events, { at, type: 'commented', by, text: action.text }] };
        case 'snooze': {
          const { snoozedUntil: _, ...rest } = x;
          const until = new Date(Date.parse(at) + action.minutes * 60_000).toISOString();
          return {
            ...rest,
            ...(action.minutes > 0 ? { snoozedUntil: until } : {}),
            updatedAt: at,
            events: [
              ...x.events,
              // the minutes (0: ended); the dashboard words it in the reader's language
              { at, type: 'snoozed', by, text: String(action.minutes) },
            ],
          };
        }
      }
    });
    if (a) await this.o.bus.publishAlerts([a]);
    if (a && action.action === 'snooze' && action.minutes === 0) await this.paging.wake(a);
    if (a && action.action === 'assign') await this.paging.tellAssignee(a);
    return a;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await this.queue.close();
    await this.linkQueue.close();
    await this.notifyQueue.close();
    this.o.notifier.close();
    this.conn.disconnect();
    this.redis.disconnect();
  }
}

/** An alert's detail: a text (English), or the same in three languages (its English one is the detail). */
function detailOf(d: string | Localized): Pick<Alert, 'detail' | 'details'> {
  return typeof d === 'string' ? { detail: d.slice(0, 500) } : { detail: d.en, details: d };
}
