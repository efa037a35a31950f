import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Alert, CameraDelta, ComplianceDelta } from '@kuzet/protocol';
import type { Redis } from 'ioredis';

/**
 * Fan-out of camera deltas and alert changes to every server instance (Redis pub/sub), so that any instance's live
 * subscribers see changes ingested (or alerts raised) by any other. An instance hands its own changes to its own
 * listeners at once, without waiting for the round trip through Redis (a busy Redis added its queueing delay to
 * every live push), and skips them when they come back from the channel.
 */
/** Orders for every instance: close the links of a revoked token; ask every agent for a full resync. */
export type ControlMessage =
  | { kind: 'token_revoked'; agentId: string; tokenHash: string }
  | { kind: 'resync_agents'; reason: string }
  /** the registry moved these agents' schools (or them to another school): their links reconnect to learn where */
  | { kind: 'agents_moved'; agentIds: string[] }
  /** grid entries changed behind the deltas' back (a camera released, a repair): reload (one region or all) */
  | { kind: 'grid_changed'; regionCode?: string }
  /** the requirement document has a new version: reload it, tell the agents */
  | { kind: 'requirements_changed'; version: number }
  /** the alerting configuration has a new version: every instance pages and escalates by it */
  | { kind: 'alerting_changed'; version: number }
  /** a camera's reference view was confirmed: the instance holding its agent's link sends it */
  | { kind: 'reference'; cameraId: string; agentId: string }
  /** a live view: the instance holding the agent's link orders it (again: a later deadline) or stops it */
  | {
      kind: 'live_start';
      agentId: string;
      order: { sessionId: string; cameraId: string; untilMs: number; maxKbps: number };
    }
  | { kind: 'live_stop'; agentId: string; sessionId: string };

export class DeltaBus extends EventEmitter<{
  deltas: [CameraDelta[]];
  alerts: [Alert[]];
  compliance: [ComplianceDelta[]];
  control: [ControlMessage];
  /** local only: this instance now judges with this version of the requirement document */
  requirements: [number];
  resubscribed: [];
}> {
  /** this instance, as the origin of what it publishes */
  readonly origin = randomUUID();
  /** how everything this instance publishes on the data channels begins */
  private readonly own = `{"o":${JSON.stringify(this.origin)},`;
  /** told when a listener failed on this instance's own changes (publishing goes on regardless) */
  onListenerError?: (err: unknown) => void;

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly channel: string,
    private readonly alertChannel = `${channel}:alerts`,
    private readonly controlChannel = `${channel}:control`,
    private readonly complianceChannel = `${channel}:compliance`,
  ) {
    super();
  }

  async start(): Promise<void> {
    await this.sub.subscribe(this.channel, this.alertChannel, this.controlChannel, this.complianceChannel);
    // after a reconnect (ioredis resubscribes by itself) messages of the gap are lost: listeners resync
    let first = this.sub.status !== 'ready';
    this.sub.on('ready', () => {
      if (!first) this.emit('resubscribed');
      first = false;
    });
    this.sub.on('message', (ch, text) => {
      if (ch === this.controlChannel) {
        try {
          const m = JSON.parse(text) as { o: string; c: ControlMessage };
          if (m.o !== this.origin && m.c) this.emit('control', m.c);
        } catch (err) {
          this.onListenerError?.(err);
        }
        return;
      }
      if (ch !== this.channel && ch !== this.alertChannel && ch !== this.complianceChannel) return;
      // this instance's own changes come back too: known by their first bytes, not parsed (a resync's are megabytes)
      if (text.startsWith(this.own)) return;
      try {
        const m = JSON.parse(text) as { o: string; d: unknown[] };
        if (m.o === this.origin || !Array.isArray(m.d)) return;
        if (ch === this.alertChannel) this.emit('alerts', m.d as Alert[]);
        else if (ch === this.complianceChannel) this.emit('compliance', m.d as ComplianceDelta[]);
        else this.emit('deltas', m.d as CameraDelta[]);
      } catch {
        /* not ours */
      }
    });
  }

  /** a failing listener must not fail the ingest that published the change, nor keep it from other instances */
  private local(event: 'deltas' | 'alerts', items: CameraDelta[] | Alert[]): void {
    try {
      if (event === 'deltas') this.emit('deltas', items as CameraDelta[]);
      else this.emit('alerts', items as Alert[]);
    } catch (err) {
      this.onListenerError?.(err);
    }
  }

  /** Sent to every instance: this one acts on it at once (before the request that caused it is answered). */
  async publishControl(m: ControlMessage): Promise<void> {
    try {
      this.emit('control', m);
    } catch (err) {
      this.onListenerError?.(err);
    }
    await this.pub.publish(this.controlChannel, JSON.stringify({ o: this.origin, c: m }));
  }

  /** Schools whose compliance verdict changed (to every instance's live clients). */
  async publishCompliance(changes: ComplianceDelta[]): Promise<void> {
    if (!changes.length) return;
    try {
      this.emit('compliance', changes);
    } catch (err) {
      this.onListenerError?.(err);
    }
    await this.pub.publish(this.complianceChannel, JSON.stringify({ o: this.origin, d: changes }));
  }

  async publishAlerts(alerts: Alert[]): Promise<void> {
    if (!alerts.length) return;
    this.local('alerts', alerts);
    await this.pub.publish(this.alertChannel, JSON.stringify({ o: this.origin, d: alerts }));
  }

  async publish(deltas: CameraDelta[]): Promise<void> {
    if (!deltas.length) return;
    this.local('deltas', deltas);
    await this.pub.publish(this.channel, JSON.stringify({ o: this.origin, d: deltas }));
  }
}
