import type { IncomingMessage } from 'node:http';
import { MAX_FRAME_BYTES, type ServerFrame } from '@kuzet/protocol';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { AgentRecord, AgentRepository } from '../repositories/agents.ts';
import type { RegistryRepository } from '../repositories/registry.ts';
import type { AlertService } from '../services/alerts.ts';
import type { ArchiveService } from '../services/archive.ts';
import type { DeltaBus } from '../services/bus.ts';
import type { ComplianceService } from '../services/compliance.ts';
import type { DecodedFrame } from '../services/frame-decode.ts';
import type { IngestResult, IngestService } from '../services/ingest.ts';
import type { LinkMonitor } from '../services/link-monitor.ts';
import type { Metrics } from '../services/metrics.ts';
import type { ReferenceService } from '../services/references.ts';
import type { FrameDecoder } from './frame-decoder.ts';
import { asBuffer, refuseUpgrade } from './upgrade.ts';

const MAX_BAD_FRAMES = 5;

export interface AgentLinkDeps {
  agents: AgentRepository;
  registry: RegistryRepository;
  ingest: IngestService;
  /** parses and validates frames (in worker threads) */
  decoder: FrameDecoder;
  bus: DeltaBus;
  monitor: LinkMonitor;
  alerts?: AlertService;
  metrics: Metrics;
  log: Logger;
  heartbeatSeconds: number;
  /** frames read but not yet handled, over all links, before the server stops reading (default 2,000) */
  maxFramesInFlight?: number;
  /** their bytes, at most (default 32 MB): past either bound every link stops being read until half are done */
  maxBytesInFlight?: number;
  /** decides compliance: told of schools whose facts changed; gives the agents their profile's thresholds */
  compliance?: ComplianceService;
  /** the daily compliance archive: told of changes observed on days it already holds */
  archive?: ArchiveService;
  /** the cameras' confirmed reference views, sent to their agents */
  references?: ReferenceService;
}

/** The agents' websocket endpoint (/agent/link): bearer-token auth, batches with acks, heartbeats. */
/** how long a revoked link may take to close by the handshake before it is cut */
const REVOKED_GRACE_MS = 2000;

export class AgentLinkServer {
  readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly sockets = new Map<string, WebSocket>();
  /** the token (by hash) each open link authenticated with: a revoked token's links close on every instance */
  private readonly tokenOf = new WeakMap<WebSocket, string>();
  /**
   * Overload: frames read but not yet handled. Past the limit, each link that delivers another frame stops being
   * read (its agent keeps the batches in its journal, TCP holds the rest) until half the backlog is done. Without
   * it, a server offered more than it can store reads everything anyway, and its event loop drowns in pending work
   * (measured: 14 s stalls at 6x nominal load), dashboards and health checks included.
   */
  private inFlight = 0;
  /** bytes of the frames in flight: thousands of links each sending one large frame at once (every agent's resync
   * after a restart) would otherwise all be read, parsed and held — gigabytes — before any is stored */
  private bytesInFlight = 0;
  private readonly maxBytesInFlight: number;
  private readonly paused = new Set<WebSocket>();
  private readonly maxInFlight: number;
  private closing = false;

  constructor(private readonly d: AgentLinkDeps) {
    this.maxInFlight = d.maxFramesInFlight ?? 2000;
    this.maxBytesInFlight = d.maxBytesInFlight ?? 32 * 1024 * 1024;
    d.metrics.agentFrames.collect = () => ({ inFlight: this.inFlight, paused: this.paused.size });
    d.bus.on('control', (m) => {
      if (m.kind === 'token_revoked') {
        const ws = this.sockets.get(m.agentId);
        if (ws && this.tokenOf.get(ws) === m.tokenHash) this.revoked(ws, m.agentId);
      } else if (m.kind === 'agents_moved') {
        // the placement a link stores under is read when it connects: a link of a moved school reconnects
        for (const id of m.agentIds) this.sockets.get(id)?.close(4004, 'school placement changed');
      } else if (m.kind === 'resync_agents') {
        for (const ws of this.sockets.values()) this.send(ws, { type: 'resync', reason: m.reason });
      } else if (m.kind === 'live_start' || m.kind === 'live_stop') {
        const ws = this.sockets.get(m.agentId);
        if (ws)
          this.send(
            ws,
            m.kind === 'live_start'
              ? { type: 'live_start', ...m.order }
              : { type: 'live_stop', sessionId: m.sessionId },
          );
      } else if (m.kind === 'reference') {
        const ws = this.sockets.get(m.agentId);
        if (ws && d.references)
          d.references.frame(m.cameraId).then(
            (f) => f && this.send(ws, f),
            (err) => d.log.error({ err, cameraId: m.cameraId }, 'sending a reference view failed'),
          );
      }
    });
    // a revocation published while this instance's subscription was down is missed: check every open link's token.
    // (Not on a timer: a Redis that came back empty holds no tokens until the accounts are restored, and a periodic
    // check then closed every link as revoked — the chaos test caught it.)
    d.bus.on('resubscribed', () => void this.revalidate().catch((err) => d.log.error({ err }, 'token check failed')));
  }

  /** What the agent needs of its school's profile for its own work (the gap size worth reporting, the window). */
  private async sendRequirements(ws: WebSocket, agent: Pick<AgentRecord, 'agentId' | 'schoolId'>): Promise<void> {
    const school = agent.schoolId ? await this.d.registry.school(agent.schoolId) : undefined;
    if (!school || !this.d.compliance) return;
    const doc = await this.d.compliance.current();
    const p = await this.d.compliance.profileOf(school);
    this.send(ws, {
      type: 'requirements',
      profile: p.name,
      version: doc.version,
      maxGapMinutes: p.maxGapMinutes,
      gapWindowDays: p.gapWindowDays,
      maxBlur: p.maxBlur,
      minContrast: p.minContrast,
      minSceneSimilarity: p.minSceneSimilarity,
    });
  }

  /** The requirement document changed: every agent linked here gets its school's thresholds again. */
  async requirementsChanged(): Promise<void> {
    for (const [agentId, ws] of this.sockets) {
      const rec = await this.d.agents.get(agentId);
      if (rec) await this.sendRequirements(ws, rec);
    }
  }

  private revoked(ws: WebSocket, agentId: string): void {
    this.d.log.warn({ agentId }, 'agent token revoked: link closed');
    this.d.metrics.badFrames.inc({ reason: 'revoked' });
    this.send(ws, { type: 'error', code: 'revoked', message: "this agent's token was revoked" });
    ws.close(4001, 'token revoked');
    // an agent that never completes the closing handshake (or a link paused for backpressure, whose answer is not
    // read) would otherwise hold the connection until the library's 30 s close timeout
    setTimeout(() => {
      if (ws.readyState !== ws.CLOSED) ws.terminate();
    }, REVOKED_GRACE_MS).unref();
  }

  /** Closes every open link whose token no longer authenticates its agent (one pipelined read per link). */
  async revalidate(): Promise<void> {
    const links = [...this.sockets].flatMap(([agentId, ws]) => {
      const hash = this.tokenOf.get(ws);
      return hash ? [{ agentId, ws, hash }] : [];
    });
    const valid = await Promise.all(links.map((l) => this.d.agents.tokenValid(l.agentId, l.hash)));
    for (const [i, l] of links.entries())
      if (!valid[i] && this.sockets.get(l.agentId) === l.ws) this.revoked(l.ws, l.agentId);
  }

  /** Agents are waiting: links paused at the bound, or a quarter of the frame bound read and not yet stored. */
  backlogged(): boolean {
    return this.paused.size > 0 || this.inFlight >= this.maxInFlight / 4;
  }

  private frameDone(bytes: number): void {
    this.inFlight--;
    this.bytesInFlight -= bytes;
    if (this.paused.size === 0 || this.inFlight > this.maxInFlight / 2) return;
    if (this.bytesInFlight > this.maxBytesInFlight / 2) return;
    for (const ws of this.paused) ws.resume();
    this.paused.clear();
  }

  /** Over a bound: no link is read (TCP and the agents' journals hold the rest) until half the backlog is done. */
  private pauseAll(): void {
    for (const ws of this.sockets.values())
      if (!ws.isPaused) {
        ws.pause();
        this.paused.add(ws);
      }
    this.d.metrics.linkPauses.inc();
  }

  /** Called from the HTTP server's upgrade event. */
  async handleUpgrade(req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): Promise<void> {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const agent = token ? await this.d.agents.authenticate(token) : undefined;
    if (!agent) {
      this.d.metrics.badFrames.inc({ reason: 'auth' });
      refuseUpgrade(socket, '401 Unauthorized');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.tokenOf.set(ws, agent.tokenHash);
      this.onConnection(ws, agent);
    });
  }

  private send(ws: WebSocket, f: ServerFrame): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(f));
  }

  private async placement(agent: AgentRecord) {
    const school = agent.schoolId ? await this.d.registry.school(agent.schoolId) : undefined;
    if (!school) return undefined;
    return {
      agentId: agent.agentId,
      schoolId: school.id,
      districtId: school.districtId,
      regionCode: school.regionCode,
    };
  }

  private onConnection(ws: WebSocket, agent: AgentRecord): void {
    const { log, metrics } = this.d;
    // one link per agent: a newer connection replaces the old one
    this.sockets.get(agent.agentId)?.close(4000, 'replaced by a newer connection');
    this.sockets.set(agent.agentId, ws);
    metrics.agentsConnected.set(this.sockets.size);
    void this.d.monitor.linked(agent.agentId).catch(() => undefined);
    let bad = 0;
    let lastHeard = Date.now();
    let pingedAt = 0;
    let queue = Promise.resolve();
    const place = this.placement(agent);
    // a link that is talking needs no ping: only one quiet for a whole interval gets one, and is dropped if it does
    // not answer by the next beat (with 7,500 agents reporting every 10 s, pinging every link cost 500 socket
    // writes a second). Each link's beat starts at a random point of the interval: after a server restart every
    // agent reconnects within seconds, and 7,500 pings in one burst stalled the event loop for ~100 ms (profiled).
    const period = this.d.heartbeatSeconds * 1000;
    const beat = () => {
      const now = Date.now();
      if (ws.isPaused) {
        lastHeard = now; // not reading it is the server's doing, not the agent's silence
        pingedAt = 0;
        return;
      }
      if (pingedAt && lastHeard < pingedAt) {
        ws.terminate();
        return;
      }
      pingedAt = 0;
      if (now - lastHeard >= period * 0.9) {
        pingedAt = now;
        ws.ping();
      }
    };
    let ping: NodeJS.Timeout = setTimeout(() => {
      beat();
      ping = setInterval(beat, period);
    }, Math.random() * period);
    ws.on('pong', () => {
      lastHeard = Date.now();
    });
    const refuse = (code: string, message: string) => {
      metrics.badFrames.inc({ reason: code });
      this.send(ws, { type: 'error', code, message });
      if (++bad >= MAX_BAD_FRAMES) ws.close(4002, 'too many bad frames');
    };
    ws.on('message', (data, isBinary) => {
      lastHeard = Date.now();
      const received = performance.now();
      if (isBinary) return refuse('binary', 'frames are JSON text');
      const buf = asBuffer(data);
      this.bytesInFlight += buf.length;
      if (++this.inFlight >= this.maxInFlight || this.bytesInFlight >= this.maxBytesInFlight) this.pauseAll();
      // decoded off the event loop, possibly out of order; handled strictly in order, frame after frame
      const decoded = this.d.decoder.decode(agent.agentId, buf, lastHeard);
      decoded.catch(() => undefined); // handled in turn below, however long the queue
      queue = queue
        .then(() => decoded)
        .then((d) => (d.ok ? this.onFrame(ws, agent, d, place, received) : refuse(d.code, d.message)))
        .catch((err) => {
          // while shutting down, frames still being decoded fail with the decoding threads: the agents resend them
          if (!this.closing) log.error({ err, agentId: agent.agentId }, 'agent frame failed');
          ws.close(1011, 'server error');
        })
        .finally(() => this.frameDone(buf.length));
    });
    ws.on('close', () => {
      clearTimeout(ping); // the first timeout or the interval after it (Node clears both alike)
      this.paused.delete(ws);
      if (this.sockets.get(agent.agentId) === ws) {
        this.sockets.delete(agent.agentId);
        if (!this.closing) void this.d.monitor.unlinked(agent.agentId).catch(() => undefined);
      }
      metrics.agentsConnected.set(this.sockets.size);
    });
    ws.on('error', () => ws.terminate());
  }

  private async onFrame(
    ws: WebSocket,
    agent: AgentRecord,
    decoded: Exclude<DecodedFrame, { ok: false }>,
    placeP: ReturnType<AgentLinkServer['placement']>,
    received: number,
  ): Promise<void> {
    const place = await placeP;
    // batches packed where they were decoded: health samples, or identities and states (a resync)
    if ('health' in decoded || 'cameras' in decoded) {
      if (!place) return this.unregistered(ws, agent);
      const end = this.d.metrics.ingestSeconds.startTimer();
      const [seq, count, r] =
        'health' in decoded
          ? [decoded.health.seq, decoded.health.count, await this.d.ingest.ingestHealth(place, decoded.health)]
          : [decoded.cameras.seq, decoded.cameras.ops.count, await this.d.ingest.ingestCameras(place, decoded.cameras)];
      end();
      return this.stored(ws, agent, place, seq, count, r, received);
    }
    const frame = decoded.frame;
    switch (frame.type) {
      case 'hello': {
        if (frame.agentId !== agent.agentId) {
          this.send(ws, { type: 'error', code: 'identity', message: 'agentId does not match the token' });
          ws.close(4003, 'identity');
          return;
        }
        const wasDown = await this.d.monitor.linkUp(agent.agentId);
        const seq = await this.d.agents.reconcileSequence(agent.agentId, frame.lastSeq, frame.journalId);
        if (seq.reset) {
          this.d.metrics.sequenceResets.inc();
          this.d.log.warn(
            { agentId: agent.agentId, stored: seq.previous, agentLastSeq: frame.lastSeq },
            'agent journal is new (reinstalled or reset): its sequence starts afresh',
          );
        }
        // a full resync only when the centre's record of the agent's cameras is incomplete: after a mere server
        // restart or a short drop it holds everything acknowledged, and the journal brings the rest (issue 17: the
        // restart of a 250,000-camera deployment is no longer 250,000 identities and states at once)
        const resync = wasDown || seq.reset || seq.ackedSeq === 0;
        this.send(ws, { type: 'welcome', ackedSeq: seq.ackedSeq, heartbeatSeconds: this.d.heartbeatSeconds, resync });
        await this.sendRequirements(ws, agent);
        if (this.d.references && agent.schoolId)
          for (const f of await this.d.references.framesForHello(agent.schoolId, frame.references ?? {}))
            this.send(ws, f);
        return;
      }
      case 'ping':
        await this.d.monitor.touch(agent.agentId);
        this.send(ws, { type: 'pong', t: frame.t });
        return;
      case 'batch': {
        if (!place) return this.unregistered(ws, agent);
        const foreign = frame.messages.find((m) => m.agentId !== agent.agentId);
        if (foreign) {
          this.d.metrics.badFrames.inc({ reason: 'identity' });
          this.send(ws, { type: 'error', code: 'identity', message: 'a message names another agent' });
          return;
        }
        const end = this.d.metrics.ingestSeconds.startTimer();
        const r = await this.d.ingest.ingest(place, frame.seq, frame.messages);
        end();
        return this.stored(ws, agent, place, frame.seq, frame.messages.length, r, received);
      }
    }
  }

  private unregistered(ws: WebSocket, agent: AgentRecord): void {
    this.send(ws, {
      type: 'error',
      code: 'unregistered',
      message: `agent ${agent.agentId} belongs to no school in the registry`,
    });
  }

  /** after a batch is stored: counts, live push, alerting, and last the acknowledgement */
  private async stored(
    ws: WebSocket,
    agent: AgentRecord,
    place: NonNullable<Awaited<ReturnType<AgentLinkServer['placement']>>>,
    seq: number,
    count: number,
    r: IngestResult,
    received: number,
  ): Promise<void> {
    this.d.metrics.batches.inc({ result: r.applied ? 'applied' : 'duplicate' });
    if (r.linkWasDown) {
      await this.d.monitor.linkUp(agent.agentId);
      // marked down while its link was open (a server too busy to read its frames in time): its cameras became
      // link_down, and only the agent knows their states — it resends them (the welcome did not ask for it)
      this.send(ws, { type: 'resync', reason: 'the link was marked down' });
    }
    if (r.applied) this.d.metrics.messages.inc(count);
    if (r.foreign) {
      this.d.metrics.foreignReports.inc(r.foreign);
      this.d.log.warn({ agentId: agent.agentId, cameras: r.foreign }, "reports about another school's cameras refused");
    }
    if (r.snapshots) {
      this.d.metrics.snapshots.inc({ result: 'stored' }, r.snapshots.stored);
      this.d.metrics.snapshots.inc({ result: 'refused' }, r.snapshots.refused);
    }
    await this.d.bus.publish(r.deltas);
    // the school's facts changed: its compliance verdict is decided again (within a second, batched; later while
    // this link's backlog keeps agents waiting: see ComplianceService.busy)
    if (r.touched || r.deltas.length) this.d.compliance?.markDirty(place.schoolId);
    // clock drifts that moved: judged again only when one crosses the school's limit
    else if (r.clock) this.d.compliance?.clockChanged({ ...place, id: place.schoolId }, r.clock);
    // changes observed on a day already archived (a journal replayed after an outage): that day is judged again
    if (r.deltas.length && this.d.archive)
      await this.d.archive.noticeLate(r.deltas.flatMap((x) => (x.observedAt ? [x.observedAt] : []))).catch((err) => {
        this.d.log.error({ err }, 'noting late changes for the archive failed');
        return false;
      });
    // alerting: state changes and camera events become jobs (idempotent ids; a resend adds nothing)
    if (this.d.alerts) {
      await this.d.alerts.camerasChanged(r.deltas);
      for (const e of r.events) await this.d.alerts.cameraEvent(e.rule, e.cameraId, place, e.at, e.detail);
    }
    this.send(ws, { type: 'ack', seq });
    this.d.metrics.ackSeconds.observe((performance.now() - received) / 1000);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const ws of this.sockets.values()) ws.close(1001, 'server shutting down');
    this.wss.close();
    await this.d.decoder.close();
  }
}
