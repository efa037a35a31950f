import os from 'node:os';
import type { CameraIdentity } from '@kuzet/protocol';
import type { Logger } from 'pino';
import { CheckMemory } from './check-memory.ts';
import { CameraChecks, type CheckContext, makeLimits } from './checks.ts';
import type { AgentConfig } from './config.ts';
import { discoverAll, type Found, identifyHeard, WsDiscovery } from './discovery/index.ts';
import type { Heard } from './discovery/wsd.ts';
import { cameraIdFor, type Identified, liveProfile } from './identify.ts';
import type { LiveSource } from './live/relay.ts';
import { resolveInterfaces } from './net.ts';
import { isRecorder, NvrIndex } from './nvr.ts';
import { MessageFactory, type MessageSink } from './output.ts';
import { withCredentials } from './probe/ffmpeg.ts';
import { configSecrets, RedactingSink, Redactor } from './redact.ts';
import { ReferenceStore } from './references.ts';
import type { RetentionThresholds } from './retention.ts';
import { Scheduler } from './scheduler.ts';

export const AGENT_VERSION = '0.1.0';

/** The school agent: discovers cameras, keeps checking each of them, and reports everything to a sink. */
export class Agent {
  readonly cameras = new Map<string, CameraChecks>();
  private readonly byEndpoint = new Map<string, string>();
  private readonly missing = new Map<string, number>();
  private readonly goneReported = new Set<string>();
  private readonly identifying = new Set<string>();
  private readonly scheduler = new Scheduler();
  private readonly messages: MessageFactory;
  private readonly ctx: CheckContext;
  private wsd?: WsDiscovery;
  private readonly startedAt = new Date();
  private discoveryTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  /** every message goes out through the redactor: no camera or NVR password in any text (details, errors, URLs) */
  private readonly sink: MessageSink;

  /** what the centre said of the school's profile for retention searches (or, without a centre, the config's) */
  private thresholds?: RetentionThresholds;

  constructor(
    readonly config: AgentConfig,
    sink: MessageSink,
    private readonly log?: Logger,
    redactor = new Redactor(configSecrets(config)),
    thresholds?: RetentionThresholds,
    /** the cameras' confirmed reference views (kept in memory only when none is given) */
    readonly references = new ReferenceStore(),
    /** the deep checks' last results, believed across a restart (kept in memory only when no file is given) */
    checksFile?: string,
  ) {
    this.thresholds = thresholds;
    this.sink = new RedactingSink(sink, redactor);
    this.messages = new MessageFactory(config.agentId);
    this.ctx = {
      config,
      scheduler: this.scheduler,
      sink: this.sink,
      messages: this.messages,
      nvrs: new NvrIndex(config.nvrs, { timeoutMs: config.timeouts.onvifMs }),
      limits: makeLimits(config),
      log,
      thresholds: () => this.thresholds,
      reference: (cameraId) => references.get(cameraId),
      memory: new CheckMemory(checksFile, {
        stream: 2 * config.intervals.streamSeconds * 1000,
        retention: 2 * config.intervals.retentionSeconds * 1000,
      }),
    };
  }

  get checksInFlight(): number {
    return this.scheduler.inFlight;
  }

  async start(): Promise<void> {
    const interfaces = this.config.discovery.multicast ? resolveInterfaces(this.config.discovery.interfaces) : [];
    this.sink.send(
      this.messages.make('hello', {
        agentVersion: AGENT_VERSION,
        hostname: os.hostname(),
        schoolId: this.config.schoolId,
        startedAt: this.startedAt.toISOString(),
        interfaces: interfaces.map((i) => `${i.name}=${i.address}`),
      }),
    );
    this.wsd = new WsDiscovery(interfaces, this.config.discovery.listenHello);
    this.wsd.on('hello', (h) => void this.onHello(h));
    this.wsd.on('bye', (ref) => this.onBye(ref));
    await this.wsd.start();
    await this.discoveryRound();
    const loop = () => {
      this.discoveryTimer = setTimeout(async () => {
        await this.discoveryRound().catch((err) => this.log?.error({ err }, 'discovery round failed'));
        loop();
      }, this.config.discovery.intervalSeconds * 1000);
    };
    loop();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.config.intervals.heartbeatSeconds * 1000);
    this.heartbeatTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.discoveryTimer) clearTimeout(this.discoveryTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.scheduler.stop();
    this.wsd?.stop();
    this.ctx.memory?.flush();
  }

  /** Everything the centre needs after a reconnect: every camera's identity and current state. */
  /** Runs a camera's check of one tier now (an operator asking "look at it again"); false for an unknown camera. */
  checkNow(cameraId: string, tier: Parameters<CameraChecks['runNow']>[0]): boolean {
    const c = this.cameras.get(cameraId);
    c?.runNow(tier);
    return c !== undefined;
  }

  /** The centre's thresholds arrived (or changed): retention searches run now with them. */
  setThresholds(t: RetentionThresholds): void {
    const first = !this.thresholds;
    // (the picture's limits apply from the next deep check on; only the retention search is run again at once)
    const changed =
      first || t.maxGapMinutes !== this.thresholds!.maxGapMinutes || t.gapWindowDays !== this.thresholds!.gapWindowDays;
    this.thresholds = t;
    if (changed) for (const c of this.cameras.values()) c.runNow('retention');
  }

  /** The stream a live view relays (substream preferred), with the camera's credentials; never logged or sent. */
  liveSource(cameraId: string): LiveSource | undefined {
    const c = this.cameras.get(cameraId);
    const p = c && liveProfile(c.identity);
    if (!c || !p?.streamUri) return undefined;
    return {
      url: withCredentials(p.streamUri, c.creds.username, c.creds.password),
      transport: this.config.stream.transport,
    };
  }

  /** A reference view from the centre: kept, and the camera's picture compared with it at once. */
  async setReference(cameraId: string, version: string, jpegBase64?: string): Promise<void> {
    await this.references.set(cameraId, version, jpegBase64);
    this.checkNow(cameraId, 'stream');
  }

  /**
   * Every camera's identity and state, in batches of their own (nothing else mixed in): the centre stores such a
   * batch in one packed call, decoded and packed off its event loop.
   */
  resync(): void {
    this.sink.flush?.();
    for (const c of this.cameras.values()) {
      this.sink.send(this.messages.make('camera', { camera: c.identity }));
      this.sink.send(this.messages.make('state', { state: c.tracker.snapshot() }));
    }
    this.sink.flush?.();
  }

  private heartbeat(): void {
    this.sink.send(
      this.messages.make('heartbeat', {
        uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
        cameras: this.cameras.size,
        checksInFlight: this.scheduler.inFlight,
        rssMb: Math.round(process.memoryUsage().rss / 1e5) / 10,
      }),
      { routine: true },
    );
  }

  /** A known camera answering at the address it had: nothing to identify again. */
  private isKnownAt(h: Heard): boolean {
    const id = this.byEndpoint.get(h.endpointRef);
    const cam = id ? this.cameras.get(id) : undefined;
    return Boolean(cam && h.rawXAddrs.some((x) => x.includes(`//${cam.identity.host}:`)) && !cam.tracker.offline);
  }

  async discoveryRound(): Promise<void> {
    if (!this.wsd) return;
    const { heard, found, durationMs } = await discoverAll(this.wsd, this.config, (h) => this.isKnownAt(h));
    for (const f of found) this.adopt(f);
    const seen = new Set(heard.map((h) => this.byEndpoint.get(h.endpointRef)).filter(Boolean));
    for (const f of found) if (f.identified) seen.add(f.identified.identity.cameraId);
    for (const id of this.cameras.keys()) {
      if (seen.has(id)) {
        this.missing.delete(id);
        const cam = this.cameras.get(id);
        // reported missing, answering again: announced again (the centre clears "gone" and its alert)
        if (this.goneReported.delete(id) && cam) this.sink.send(this.messages.make('camera', { camera: cam.identity }));
        continue;
      }
      const n = (this.missing.get(id) ?? 0) + 1;
      this.missing.set(id, n);
      if (n >= this.config.discovery.missingRounds && !this.goneReported.has(id)) {
        this.goneReported.add(id);
        this.sink.send(this.messages.make('camera_gone', { cameraId: id, how: 'missing' }));
      }
    }
    this.sink.send(this.messages.make('discovery', { durationMs, devices: found.map((f) => f.device) }));
    this.log?.info(
      { heard: heard.length, identified: found.filter((f) => f.identified).length, durationMs },
      'discovery round',
    );
  }

  private async onHello(h: Heard): Promise<void> {
    // a camera reported gone that says Hello again (it rebooted): announced again, so that the centre clears it
    const known = this.byEndpoint.get(h.endpointRef);
    if (known && this.goneReported.has(known) && this.isKnownAt(h)) {
      this.goneReported.delete(known);
      this.missing.delete(known);
      const cam = this.cameras.get(known);
      if (cam) this.sink.send(this.messages.make('camera', { camera: cam.identity }));
      return;
    }
    if (this.isKnownAt(h) || this.identifying.has(h.endpointRef)) return;
    this.identifying.add(h.endpointRef);
    try {
      const f = await identifyHeard(h, this.config);
      this.adopt(f);
      this.sink.send(this.messages.make('discovery', { durationMs: 0, devices: [f.device] }));
    } finally {
      this.identifying.delete(h.endpointRef);
    }
  }

  private onBye(endpointRef: string): void {
    const id = this.byEndpoint.get(endpointRef);
    if (!id) return;
    this.goneReported.add(id);
    this.sink.send(this.messages.make('camera_gone', { cameraId: id, how: 'bye' }));
  }

  /**
   * Two devices that give the same id (the same serial number: cloned firmware) are two cameras, never one: the
   * newcomer's id is made from its MAC address (else its endpoint reference), and it says which camera it collides
   * with; the agent's log says it too. The same device at another address (same MAC or endpoint) is not a collision.
   */
  private unmerged(identity: CameraIdentity): CameraIdentity {
    const other = this.cameras.get(identity.cameraId)?.identity;
    if (!other) return identity;
    const differ = (a?: string, b?: string) => a !== undefined && b !== undefined && a !== b;
    const same =
      (identity.mac !== undefined && identity.mac === other.mac) ||
      (identity.endpointRef !== undefined && identity.endpointRef === other.endpointRef);
    if (same || !(differ(identity.mac, other.mac) || differ(identity.endpointRef, other.endpointRef))) return identity;
    const id = cameraIdFor(identity.manufacturer, identity.serial, identity.endpointRef, {
      mac: identity.mac,
      host: identity.host,
      avoidSerial: true,
    });
    this.log?.warn(
      { serial: identity.serial, host: identity.host, other: other.host, cameraId: id.cameraId },
      'two cameras give the same serial number: kept apart',
    );
    return { ...identity, cameraId: id.cameraId, idBasis: id.basis, collidesWith: other.cameraId };
  }

  /** Starts watching an identified camera, or updates one that came back at another address. */
  private adopt(f: Found): void {
    const idf: Identified | undefined = f.identified;
    if (!idf) return;
    if (isRecorder(f.device, idf.identity)) return; // a recorder (NVR), not a camera
    const identity = this.unmerged(idf.identity);
    idf.identity = identity;
    if (identity.endpointRef) this.byEndpoint.set(identity.endpointRef, identity.cameraId);
    this.missing.delete(identity.cameraId);
    const wasGone = this.goneReported.delete(identity.cameraId);
    const existing = this.cameras.get(identity.cameraId);
    if (existing && existing.identity.xaddr === identity.xaddr) {
      // reported gone, heard again where it was (a reboot): announced again, so that the centre clears it
      if (wasGone) this.sink.send(this.messages.make('camera', { camera: existing.identity }));
      return;
    }
    existing?.stop();
    const checks = new CameraChecks(identity, idf.device, idf.device.soap.creds, this.ctx);
    this.cameras.set(identity.cameraId, checks);
    this.sink.send(this.messages.make('camera', { camera: identity }));
    checks.start();
  }
}
