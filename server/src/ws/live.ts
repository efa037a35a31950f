import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Alert, type CameraDelta, LiveClientFrame, type LiveScope, type User } from '@kuzet/protocol';
import { WebSocket, WebSocketServer } from 'ws';
import { originAllowed } from '../http/origin.ts';
import { sessionIdFrom } from '../http/session.ts';
import type { RegistryRepository } from '../repositories/registry.ts';
import type { StateRepository } from '../repositories/state.ts';
import type { UserRepository } from '../repositories/users.ts';
import { countryAllowed, deltaVisible, scopeAllowed } from '../services/access.ts';
import type { DeltaBus } from '../services/bus.ts';
import type { Metrics } from '../services/metrics.ts';
import { refuseUpgrade } from './upgrade.ts';

interface Client {
  ws: WebSocket;
  user: User;
  scope?: LiveScope;
  pending: CameraDelta[];
  alive: boolean;
  lastSent: number;
  /** set while changes wait for the end of this client's push interval */
  flushTimer?: NodeJS.Timeout;
}

const SNAPSHOT_MAX_CAMERAS = 5000;

/** Live push for dashboards (/api/v1/live): subscribe to a scope, get a snapshot, then batched deltas. */
export class LiveServer {
  readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<Client>();
  private pingTimer?: NodeJS.Timeout;

  constructor(
    private readonly d: {
      users: UserRepository;
      registry: RegistryRepository;
      /** adds the names people use to alerts before they go out (services/alert-names.ts) */
      nameAlerts?: (alerts: Alert[]) => Promise<Alert[]>;
      state: StateRepository;
      bus: DeltaBus;
      metrics: Metrics;
      pushMs: number;
      heartbeatSeconds: number;
      /** origins besides the request's own (see http/origin.ts) */
      allowedOrigins: ReadonlySet<string>;
    },
  ) {
    d.bus.on('deltas', (deltas) => this.fanOut(deltas));
    // the pub/sub connection came back: changes of the gap are lost, so every client starts again from a snapshot
    d.bus.on('resubscribed', () => {
      for (const c of this.clients) if (c.scope) void this.subscribe(c, c.scope).catch(() => undefined);
    });
    // alert changes go out at once (they are few; an operator must see a new one without delay)
    d.bus.on('alerts', (raw) => {
      const send = (alerts: Alert[]) => {
        for (const c of this.clients) {
          if (!c.scope) continue;
          const mine = alerts.filter((a) => deltaVisible(c.user, a));
          if (mine.length) this.sendJson(c.ws, { type: 'alerts', alerts: mine });
        }
      };
      // named when the store answers; without names rather than not at all when it does not
      if (!d.nameAlerts || !this.clients.size) return send(raw);
      d.nameAlerts(raw).then(send, () => send(raw));
    });
    // verdicts change rarely (a new measurement, a profile change): at once, to whoever may see the school
    d.bus.on('compliance', (changes) => {
      for (const c of this.clients) {
        if (!c.scope) continue;
        const mine = changes.filter((x) => deltaVisible(c.user, x));
        if (mine.length) this.sendJson(c.ws, { type: 'compliance', changes: mine });
      }
    });
    // the requirement document changed (and this instance judges with it): pages showing requirements reload them
    d.bus.on('requirements', (version) => {
      for (const c of this.clients) if (c.scope) this.sendJson(c.ws, { type: 'requirements', version });
    });
    this.pingTimer = setInterval(() => this.heartbeat(), d.heartbeatSeconds * 1000);
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // a page of another origin (another port of this host included) must not read the live feed with the cookie
    if (!originAllowed(req, this.d.allowedOrigins)) {
      refuseUpgrade(socket, '403 Forbidden');
      return;
    }
    const sid = sessionIdFrom(req.headers.cookie);
    const user = sid ? await this.d.users.sessionUser(sid) : undefined;
    if (!user) {
      refuseUpgrade(socket, '401 Unauthorized');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, user));
  }

  private onConnection(ws: WebSocket, user: User): void {
    const c: Client = { ws, user, pending: [], alive: true, lastSent: 0 };
    this.clients.add(c);
    this.d.metrics.liveClients.set(this.clients.size);
    ws.on('pong', () => {
      c.alive = true;
    });
    ws.on('message', (data) => {
      c.alive = true;
      let frame: ReturnType<typeof LiveClientFrame.parse>;
      try {
        frame = LiveClientFrame.parse(JSON.parse(String(data)));
      } catch {
        this.sendJson(ws, { type: 'error', message: 'bad frame' });
        return;
      }
      if (frame.type === 'ping') return this.sendJson(ws, { type: 'pong' });
      void this.subscribe(c, frame.scope);
    });
    ws.on('close', () => {
      if (c.flushTimer) clearTimeout(c.flushTimer);
      this.clients.delete(c);
      this.d.metrics.liveClients.set(this.clients.size);
    });
    ws.on('error', () => ws.terminate());
  }

  private sendJson(ws: WebSocket, v: unknown): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(v));
  }

  private async subscribe(c: Client, scope: LiveScope): Promise<void> {
    const school = scope.kind === 'school' ? await this.d.registry.school(scope.id) : undefined;
    if (!scopeAllowed(c.user, scope, school?.regionCode)) {
      c.scope = undefined;
      this.sendJson(c.ws, { type: 'error', message: 'not allowed for this scope' });
      return;
    }
    c.scope = scope;
    c.pending = [];
    const u = c.user;
    const own = scope.kind === 'mine' && u.role === 'school' ? u.schoolId : scope.kind === 'school' ? scope.id : '';
    const scopes =
      scope.kind === 'region'
        ? [`region:${scope.code}`]
        : own !== ''
          ? own
            ? [`school:${own}`]
            : []
          : scope.kind === 'country' || countryAllowed(u)
            ? ['country']
            : u.regions.map((r) => `region:${r}`);
    const counts: Record<string, number> = {};
    for (const { counts: part } of await this.d.state.summaries(scopes))
      for (const [k, v] of Object.entries(part)) counts[k] = (counts[k] ?? 0) + v;
    let cameras: Awaited<ReturnType<StateRepository['cameras']>> = [];
    if (own) cameras = await this.d.state.cameras(await this.d.state.schoolCameraIds(own));
    else if (scope.kind !== 'mine') {
      // the big scopes get counts and the cameras in trouble only
      const ids = scope.kind === 'region' ? await this.d.registry.schoolIds({ regionCode: scope.code }) : [];
      for (const sid of ids) {
        const cams = (await this.d.state.cameras(await this.d.state.schoolCameraIds(sid))).filter(
          (x) => x.status !== 'online',
        );
        cameras.push(...cams);
        if (cameras.length >= SNAPSHOT_MAX_CAMERAS) break;
      }
    }
    this.sendJson(c.ws, { type: 'snapshot', scope, counts, cameras: cameras.slice(0, SNAPSHOT_MAX_CAMERAS) });
  }

  private fanOut(deltas: CameraDelta[]): void {
    const now = Date.now();
    for (const c of this.clients) {
      const s = c.scope;
      if (!s) continue;
      for (const d of deltas) {
        if (
          (s.kind === 'mine' && deltaVisible(c.user, d)) ||
          s.kind === 'country' ||
          (s.kind === 'region' && d.regionCode === s.code) ||
          (s.kind === 'school' && d.schoolId === s.id)
        )
          c.pending.push(d);
      }
      if (c.pending.length) this.schedule(c, now);
    }
  }

  /**
   * At most one frame per push interval per client (≤ 10/s by default): a client that got nothing for a whole
   * interval gets the change at once (leading edge); otherwise it goes out exactly when the interval ends.
   */
  private schedule(c: Client, now: number): void {
    const wait = c.lastSent + this.d.pushMs - now;
    if (wait <= 0) {
      if (c.flushTimer) clearTimeout(c.flushTimer);
      c.flushTimer = undefined;
      this.send(c, now);
    } else
      c.flushTimer ??= setTimeout(() => {
        c.flushTimer = undefined;
        if (c.pending.length) this.send(c, Date.now());
      }, wait);
  }

  private send(c: Client, now: number): void {
    const deltas = c.pending;
    c.pending = [];
    c.lastSent = now;
    this.sendJson(c.ws, { type: 'deltas', deltas });
    for (const d of deltas) if (d.sourceAt) this.d.metrics.pushLatency.observe((now - Date.parse(d.sourceAt)) / 1000);
  }

  private heartbeat(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  close(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    for (const c of this.clients) {
      if (c.flushTimer) clearTimeout(c.flushTimer);
      c.ws.close(1001, 'server shutting down');
    }
    this.wss.close();
  }
}
