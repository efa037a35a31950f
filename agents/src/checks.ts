import { type CameraIdentity, type HealthTier, MAX_SNAPSHOT_BYTES, type Reason } from '@kuzet/protocol';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { CheckMemory } from './check-memory.ts';
import type { AgentConfig } from './config.ts';
import { mainProfile } from './identify.ts';
import type { NvrIndex } from './nvr.ts';
import type { OnvifDevice } from './onvif/client.ts';
import { OnvifError } from './onvif/errors.ts';
import type { Credentials } from './onvif/soap.ts';
import type { MessageFactory, MessageSink } from './output.ts';
import { describeStream } from './probe/rtsp.ts';
import { checkStream } from './probe/stream.ts';
import { measureRetention, type RetentionSource, type RetentionThresholds, retentionReasons } from './retention.ts';
import type { Scheduler } from './scheduler.ts';
import { CameraStateTracker } from './state.ts';

type Limit = ReturnType<typeof pLimit>;

export interface CheckContext {
  config: AgentConfig;
  scheduler: Scheduler;
  sink: MessageSink;
  messages: MessageFactory;
  nvrs: NvrIndex;
  limits: { onvif: Limit; rtsp: Limit; stream: Limit };
  /** the process's logger (its lines are redacted before they are written) */
  log?: Logger;
  /** what the centre said of the school's profile for retention searches; undefined until it has */
  thresholds: () => RetentionThresholds | undefined;
  /** the camera's confirmed reference view (references.ts), if staff have confirmed one */
  reference?: (cameraId: string) => Uint8Array | undefined;
  /** the deep checks' last results, kept across the agent's restarts (check-memory.ts) */
  memory?: CheckMemory;
}

export function makeLimits(config: AgentConfig): CheckContext['limits'] {
  return {
    onvif: pLimit(config.concurrency.onvif),
    rtsp: pLimit(config.concurrency.rtsp),
    stream: pLimit(config.concurrency.stream),
  };
}

/** checks run rarely (the stream's analysis, the recording search) whose failure an outage can leave behind */
const DEEP_TIERS: HealthTier[] = ['stream', 'retention'];

const errText = (err: unknown) => ((err as Error).message ?? String(err)).slice(0, 500);

/** All checks of one camera, each tier on its own interval, and the camera's resulting state. */
export class CameraChecks {
  readonly tracker: CameraStateTracker;
  /** recording searches failed in a row, and the timer of the next try (see `retention`) */
  private retentionFailures = 0;
  private retentionRetry?: NodeJS.Timeout;

  constructor(
    public identity: CameraIdentity,
    public device: OnvifDevice,
    readonly creds: Credentials,
    private readonly ctx: CheckContext,
  ) {
    this.tracker = new CameraStateTracker(identity.cameraId);
    // what the deep checks found before the agent restarted holds until they run again (their first run falls
    // anywhere in their interval): a black picture is not reported fine meanwhile
    for (const [tier, reasons] of ctx.memory?.recall(identity.cameraId) ?? []) this.tracker.update(tier, reasons);
  }

  get id(): string {
    return this.identity.cameraId;
  }

  private key(tier: string): string {
    return `${this.id}:${tier}`;
  }

  /** Runs this tier's check now instead of at its next time (if it is not running already). */
  runNow(tier: 'reachability' | 'session' | 'rtsp' | 'stream' | 'clock' | 'retention'): void {
    this.ctx.scheduler.runNow(this.key(tier));
  }

  /** Arms every tier. Deep and slow checks start at a random point of their interval, so they spread out. */
  start(): void {
    const i = this.ctx.config.intervals;
    const { onvif, rtsp, stream } = this.ctx.limits;
    const s = this.ctx.scheduler;
    const spread = (sec: number) => Math.random() * sec * 1000;
    s.every(this.key('reachability'), i.reachabilitySeconds * 1000, 0, onvif, () => this.reachability());
    s.every(this.key('session'), i.sessionSeconds * 1000, 0, onvif, () => this.guard('session', () => this.session()));
    s.every(this.key('clock'), i.clockSeconds * 1000, 0, onvif, () => this.guard('clock', () => this.clock()));
    s.every(this.key('rtsp'), i.rtspSeconds * 1000, spread(Math.min(i.rtspSeconds, 5)), rtsp, () =>
      this.guard('rtsp', () => this.rtsp()),
    );
    s.every(this.key('stream'), i.streamSeconds * 1000, spread(i.streamSeconds), stream, () =>
      this.guard('stream', () => this.stream()),
    );
    s.every(this.key('retention'), i.retentionSeconds * 1000, spread(Math.min(i.retentionSeconds, 30)), onvif, () =>
      this.guard('retention', () => this.retention()),
    );
    s.every(
      this.key('state'),
      i.stateSeconds * 1000,
      i.stateSeconds * 1000,
      (f) => f(),
      async () => this.emitState(true),
    );
  }

  stop(): void {
    this.ctx.scheduler.cancelPrefix(`${this.id}:`);
    clearTimeout(this.retentionRetry);
  }

  /** Deeper tiers are pointless while the camera is unreachable: skip them until it is back. */
  private async guard(_tier: HealthTier, fn: () => Promise<void>): Promise<void> {
    if (this.tracker.offline) return;
    await fn();
  }

  /** the camera's state: a change goes at once; the periodic repeat is routine, it may wait for a larger batch */
  private emitState(routine = false): void {
    this.ctx.sink.send(this.ctx.messages.make('state', { state: this.tracker.snapshot() }), { routine });
  }

  private record(tier: HealthTier, reasons: Reason[], latencyMs?: number, detail?: string): void {
    const sample = {
      cameraId: this.id,
      at: new Date().toISOString(),
      tier,
      ok: reasons.length === 0,
      reasons,
      latencyMs,
      detail: detail?.slice(0, 500),
    };
    this.ctx.sink.send(this.ctx.messages.make('health', { sample }), { routine: true });
    if (reasons.length) this.ctx.log?.debug({ cameraId: this.id, tier, reasons, detail }, 'check failed');
    const wasOffline = this.tracker.offline;
    const back = (t: CameraStateTracker) => wasOffline && !t.offline;
    // back from offline: what we knew of its stream and session is stale — forgotten before the state goes out, so
    // the centre hears "online" at once, not the stale "rtsp_down" until the next periodic state (a minute later)
    const changed = this.tracker.update(tier, reasons);
    if (DEEP_TIERS.includes(tier)) this.ctx.memory?.remember(this.id, tier, reasons);
    const stale = back(this.tracker) ? this.forgetStale() : [];
    if (changed || stale.length) {
      const t = this.tracker;
      this.ctx.log?.info(
        { cameraId: this.id, host: this.identity.host, status: t.status, reasons: t.reasons, tier, detail },
        'camera state changed',
      );
      this.emitState();
    }
    if (back(this.tracker)) this.recovered(stale);
  }

  /**
   * Forgets what went stale while the camera was offline: its stream and session, and any deeper check that failed
   * (a stream analysis or recording search cut off by the outage says rtsp_down or retention_unknown, and would be
   * believed until its next run: an hour). Returns the deeper tiers forgotten, to be run again.
   */
  private forgetStale(): HealthTier[] {
    this.tracker.forget('rtsp');
    this.tracker.forget('session');
    const deep = DEEP_TIERS.filter((t) => this.tracker.failing(t));
    for (const t of deep) {
      this.tracker.forget(t);
      this.ctx.memory?.forget(this.id, t);
    }
    return deep;
  }

  /** Back from offline: look at its stream and session again now, and at the deeper checks that had failed. */
  private recovered(deep: HealthTier[]): void {
    const s = this.ctx.scheduler;
    s.runNow(this.key('session'));
    s.runNow(this.key('rtsp'));
    s.runNow(this.key('clock'));
    for (const t of deep) s.runNow(this.key(t));
  }

  async reachability(): Promise<void> {
    const t0 = Date.now();
    try {
      await this.device.clock(this.ctx.config.timeouts.onvifMs);
      const latency = Date.now() - t0;
      this.record('reachability', latency > this.ctx.config.timeouts.slowMs ? ['slow_response'] : [], latency);
    } catch (err) {
      const reason = err instanceof OnvifError ? err.reason : 'unreachable';
      this.record('reachability', [reason], Date.now() - t0, errText(err));
    }
  }

  async session(): Promise<void> {
    const t0 = Date.now();
    try {
      await this.device.deviceInformation();
      this.record('session', [], Date.now() - t0);
    } catch (err) {
      const reason: Reason = err instanceof OnvifError ? err.reason : 'onvif_error';
      // a timeout here is a slow camera, not a missing one (reachability decides that)
      this.record(
        'session',
        [reason === 'unreachable' || reason === 'onvif_timeout' ? 'slow_response' : reason],
        Date.now() - t0,
        errText(err),
      );
    }
  }

  async clock(): Promise<void> {
    try {
      const c = await this.device.clock(this.ctx.config.timeouts.onvifMs);
      const drift = Math.round(c.offsetMs / 100) / 10;
      this.tracker.measured.clockDriftSeconds = drift;
      this.ctx.sink.send(
        this.ctx.messages.make('clock', {
          reading: { cameraId: this.id, at: new Date().toISOString(), driftSeconds: drift, ntp: c.ntp },
        }),
        { routine: true },
      );
      // how much drift is too much is the centre's decision (it has the reading)
      this.record('clock', [], c.rttMs, `drift ${drift} s`);
    } catch (err) {
      if (err instanceof OnvifError && err.kind === 'bad_response')
        this.record('clock', ['onvif_error'], undefined, errText(err));
      // unreachable/timeouts are the reachability tier's business
    }
  }

  async rtsp(): Promise<void> {
    const p = mainProfile(this.identity);
    if (!p?.streamUri) {
      this.record('rtsp', ['no_video'], undefined, 'no stream URI from the camera');
      return;
    }
    const r = await describeStream(p.streamUri, this.creds, this.ctx.config.timeouts.rtspMs);
    this.record('rtsp', r.reason ? [r.reason] : [], r.latencyMs, r.detail);
  }

  async stream(): Promise<void> {
    const p = mainProfile(this.identity);
    if (!p) {
      this.record('stream', ['no_video'], undefined, 'the camera has no video profile');
      return;
    }
    const cfg = this.ctx.config;
    const r = await checkStream(p, this.creds, {
      transport: cfg.stream.transport,
      analyseSeconds: cfg.stream.analyseSeconds,
      timeoutMs: cfg.timeouts.streamMs,
      // a picture only when the centre can take it now (pictures are not kept for later: only the latest counts)
      snapshot: cfg.stream.snapshots && (this.ctx.sink.wantsSnapshots?.() ?? false),
      limits: this.ctx.thresholds(),
      reference: this.ctx.reference?.(this.id),
    });
    if (r.measurement) {
      const m = { cameraId: this.id, at: new Date().toISOString(), ...r.measurement };
      Object.assign(this.tracker.measured, { width: m.width, height: m.height, fps: m.fps });
      this.ctx.sink.send(this.ctx.messages.make('stream', { measurement: m }));
    }
    if (r.snapshot && r.snapshot.length <= MAX_SNAPSHOT_BYTES)
      this.ctx.sink.send(
        this.ctx.messages.make('snapshot', {
          snapshot: {
            cameraId: this.id,
            at: new Date().toISOString(),
            contentType: 'image/jpeg',
            data: r.snapshot.toString('base64'),
          },
        }),
      );
    this.record('stream', r.reasons, r.measurement?.durationMs, r.detail);
  }

  private async retentionSource(): Promise<RetentionSource | { reason: string }> {
    const rs = this.identity.recordingSearch;
    if (rs.kind === 'camera') return { device: this.device, searchUrl: rs.xaddr, kind: 'camera' };
    if (this.ctx.nvrs.size === 0) return { reason: rs.kind === 'none' ? rs.reason : 'no NVR configured' };
    await this.ctx.nvrs.refresh();
    const found = this.ctx.nvrs.find(this.identity);
    if ('reason' in found) return found;
    return { device: found.nvr, searchUrl: found.searchUrl, recordingToken: found.recordingToken, kind: 'nvr' };
  }

  async retention(): Promise<void> {
    const t0 = Date.now();
    const cfg = this.ctx.config;
    // the gap size worth reporting and the window come from the centre (the school's profile): not yet known, no search
    const thresholds = this.ctx.thresholds();
    if (!thresholds) return;
    let report: Parameters<typeof retentionReasons>[0];
    try {
      const src = await this.retentionSource();
      if ('reason' in src) {
        report = { state: 'unknown', cameraId: this.id, at: new Date().toISOString(), reason: src.reason };
      } else {
        const deviceNow = Date.now() + src.device.soap.clockOffsetMs;
        report = await measureRetention(this.id, src, thresholds, cfg.retention.maxGapWindowDays, deviceNow);
      }
      this.retentionFailures = 0;
      clearTimeout(this.retentionRetry);
    } catch (err) {
      report = {
        state: 'unknown',
        cameraId: this.id,
        at: new Date().toISOString(),
        reason: `recording search failed: ${errText(err)}`,
      };
      // a search that failed (a timeout on a busy camera or NVR) is no answer for an hour: tried again soon
      const i = cfg.intervals;
      const retryS = Math.min(i.retentionSeconds, i.retentionRetrySeconds * 2 ** this.retentionFailures++);
      clearTimeout(this.retentionRetry);
      this.retentionRetry = setTimeout(() => this.runNow('retention'), retryS * 1000);
      this.retentionRetry.unref();
    }
    if (report.state === 'known') this.tracker.measured.retainedDays = report.retainedDays;
    this.ctx.sink.send(this.ctx.messages.make('retention', { report }));
    this.record(
      'retention',
      retentionReasons(report),
      Date.now() - t0,
      report.state === 'unknown' ? report.reason : undefined,
    );
  }
}
