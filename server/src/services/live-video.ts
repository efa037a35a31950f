import { randomUUID } from 'node:crypto';
import {
  AgentLiveFrame,
  auditDetail,
  LIVE_INIT,
  LIVE_KEY_FRAGMENT,
  type LiveEndReason,
  type LiveInfo,
  type LiveVideoFrame,
  type LiveViewer,
  type User,
} from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AuditRepository } from '../repositories/audit.ts';
import type { Keys } from '../repositories/redis.ts';
import type { DeltaBus } from './bus.ts';
import type { Metrics } from './metrics.ts';

export interface LiveLimits {
  /** a viewer's time, extendable */
  sessionSeconds: number;
  perCamera: number;
  perSchool: number;
  /** the school's uplink budget for live video (shared by its sessions at the agent) */
  schoolKbps: number;
  /** how long the agent may take to send the stream's start */
  startSeconds: number;
}

/** One person watching, on this instance. */
export interface Viewer {
  id: string;
  user: User;
  cameraId: string;
  schoolId: string;
  sessionId: string;
  since: number;
  expiresAt: number;
  /** the pieces of video and the player's messages */
  send: (data: Buffer | LiveVideoFrame) => void;
  /** how far behind the viewer's socket is (bytes) */
  backlog: () => number;
  /** ends the viewer's socket */
  close: () => void;
  /** got the initialisation segment and a key frame: can take any fragment */
  ready: boolean;
  timer?: NodeJS.Timeout;
}

/** what this instance holds of a session its viewers watch: the start of the current group of pictures */
interface LocalSession {
  viewers: Set<Viewer>;
  info?: LiveInfo;
  init?: Buffer;
  gop: Buffer[];
  started: boolean;
  startTimer?: NodeJS.Timeout;
}

const MAX_GOP_PIECES = 300;
/** a viewer this far behind loses fragments up to the next key frame */
const MAX_BACKLOG = 4 * 1024 * 1024;

/**
 * Live views at the centre (issue 16). One session per camera however many watch (the agent pulls the camera once),
 * shared across instances through Redis: the session and its viewers are keys (the limits count there), the order to
 * start or stop goes to whichever instance holds the agent's link (bus control), and the video the agent relays to
 * any instance is published on the session's channel, which every instance with viewers of it subscribes to.
 * Every view is audited (start and end); a session ends when its last viewer leaves or runs out of time.
 */
export class LiveVideoService {
  private readonly local = new Map<string, LocalSession>();

  constructor(
    private readonly o: {
      redis: Redis;
      /** a connection of its own for the sessions' channels (subscriber mode) */
      sub: Redis;
      keys: Keys;
      bus: DeltaBus;
      audit: AuditRepository;
      metrics: Metrics;
      limits: LiveLimits;
      log?: Logger;
    },
  ) {
    o.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.onChannel(String(channel), message));
  }

  private deny(v: Pick<Viewer, 'send' | 'close'>, reason: LiveEndReason, detail?: string): void {
    v.send({ type: 'ended', reason, ...(detail ? { detail } : {}) });
    v.close();
  }

  /** A viewer wants to watch (access already checked): limits, the camera's session (started if needed), audit. */
  async join(v: Omit<Viewer, 'id' | 'sessionId' | 'since' | 'expiresAt' | 'ready'>): Promise<Viewer | undefined> {
    const { redis, keys, limits } = this.o;
    const now = Date.now();
    const agentId = await redis.hget(keys.cam(v.cameraId), 'agentId');
    const agent = agentId ? await redis.hmget(keys.agent(agentId), 'linkDown', 'lastSeen') : [];
    if (!agentId || agent[0] === '1' || !agent[1]) {
      this.deny(v, 'agent_offline');
      return undefined;
    }
    await redis.zremrangebyscore(keys.liveSchool(v.schoolId), '-inf', now);
    if ((await redis.zcard(keys.liveSchool(v.schoolId))) >= limits.perSchool) {
      this.deny(v, 'limit_school', `at most ${limits.perSchool} live views of a school at once`);
      return undefined;
    }
    const fresh = randomUUID();
    const ttl = limits.sessionSeconds * 1000 * 2;
    let created = (await redis.set(keys.liveCamera(v.cameraId), fresh, 'PX', ttl, 'NX')) !== null;
    const running = created ? null : await redis.get(keys.liveCamera(v.cameraId));
    // the running session ended between the two calls: this one starts a new session
    if (!created && !running) created = (await redis.set(keys.liveCamera(v.cameraId), fresh, 'PX', ttl)) !== null;
    const sessionId = running ?? fresh;
    if (!created) {
      await redis.zremrangebyscore(keys.liveViewers(sessionId), '-inf', now);
      if ((await redis.zcard(keys.liveViewers(sessionId))) >= limits.perCamera) {
        this.deny(v, 'limit_camera', `at most ${limits.perCamera} viewers of a camera at once`);
        return undefined;
      }
    } else
      await redis.hset(keys.liveSession(sessionId), { cameraId: v.cameraId, agentId, schoolId: v.schoolId, at: now });
    const viewer: Viewer = {
      ...v,
      id: `${v.user.username}|${v.user.role}|${now}|${randomUUID().slice(0, 8)}`,
      sessionId,
      since: now,
      expiresAt: now + limits.sessionSeconds * 1000,
      ready: false,
    };
    await this.register(viewer);
    await this.o.audit.record({
      username: v.user.username,
      role: v.user.role,
      action: 'live_view',
      cameraId: v.cameraId,
      schoolId: v.schoolId,
      ...auditDetail('live_session', { session: sessionId }),
    });
    this.o.metrics.liveViews.inc({ result: 'started' });
    viewer.send({ type: 'starting', sessionId, expiresAt: new Date(viewer.expiresAt).toISOString() });
    await this.attach(viewer, agentId);
    return viewer;
  }

  /** Keys of a viewer (the limits count them) and the agent's deadline: the latest of its viewers'. */
  private async register(v: Viewer): Promise<void> {
    const { redis, keys } = this.o;
    await redis
      .multi()
      .zadd(keys.liveViewers(v.sessionId), v.expiresAt, v.id)
      .zadd(keys.liveSchool(v.schoolId), v.expiresAt, v.id)
      .pexpire(keys.liveViewers(v.sessionId), v.expiresAt - Date.now() + 60_000)
      .pexpire(keys.liveSchool(v.schoolId), v.expiresAt - Date.now() + 60_000)
      .pexpire(keys.liveCamera(v.cameraId), v.expiresAt - Date.now() + 60_000)
      .pexpire(keys.liveSession(v.sessionId), v.expiresAt - Date.now() + 60_000)
      .exec();
    clearTimeout(v.timer);
    v.timer = setTimeout(() => void this.leave(v, 'expired'), v.expiresAt - Date.now());
  }

  private async order(sessionId: string, cameraId: string, agentId: string): Promise<void> {
    const latest = await this.o.redis.zrange(this.o.keys.liveViewers(sessionId), -1, -1, 'WITHSCORES');
    const untilMs = Number(latest[1] ?? Date.now() + this.o.limits.sessionSeconds * 1000) + 2000;
    await this.o.bus.publishControl({
      kind: 'live_start',
      agentId,
      order: { sessionId, cameraId, untilMs, maxKbps: this.o.limits.schoolKbps },
    });
  }

  /** This instance follows the session's channel; the viewer gets what is held of it, and the agent its order. */
  private async attach(v: Viewer, agentId: string): Promise<void> {
    let s = this.local.get(v.sessionId);
    if (!s) {
      s = { viewers: new Set(), gop: [], started: false };
      this.local.set(v.sessionId, s);
      await this.o.sub.subscribe(this.o.keys.liveData(v.sessionId), this.o.keys.liveControl(v.sessionId));
      // joining a session that runs elsewhere: its start (from Redis), then the next key frame
      const [info, init] = await Promise.all([
        this.o.redis.hget(this.o.keys.liveSession(v.sessionId), 'info'),
        this.o.redis.getBuffer(this.o.keys.liveInit(v.sessionId)),
      ]);
      if (info && init && !s.init) {
        s.info = JSON.parse(info) as LiveInfo;
        s.init = Buffer.concat([Buffer.from([LIVE_INIT]), init]);
        s.started = true;
      }
    }
    s.viewers.add(v);
    if (s.info && s.init) {
      v.send({ type: 'info', info: s.info });
      v.send(s.init);
      if (s.gop.length) {
        for (const p of s.gop) v.send(p);
        v.ready = true;
      }
    }
    await this.order(v.sessionId, v.cameraId, agentId);
    if (!s.started && !s.startTimer) {
      const session = s;
      s.startTimer = setTimeout(() => {
        if (!session.started) this.endSession(v.sessionId, 'no_answer', 'the school agent did not start the stream');
      }, this.o.limits.startSeconds * 1000);
    }
  }

  /** More time for a viewer (the agent's deadline follows). */
  async extend(v: Viewer): Promise<void> {
    v.expiresAt = Date.now() + this.o.limits.sessionSeconds * 1000;
    await this.register(v);
    const agentId = await this.o.redis.hget(this.o.keys.liveSession(v.sessionId), 'agentId');
    if (agentId) await this.order(v.sessionId, v.cameraId, agentId);
    v.send({ type: 'extended', expiresAt: new Date(v.expiresAt).toISOString() });
  }

  /** A viewer is gone (closed the player or the tab, ran out of time): audited; the last one stops the agent. */
  async leave(v: Viewer, reason: LiveEndReason = 'ended'): Promise<void> {
    const s = this.local.get(v.sessionId);
    if (!s?.viewers.delete(v)) return;
    clearTimeout(v.timer);
    if (reason !== 'ended') this.deny(v, reason);
    const { redis, keys } = this.o;
    await redis.multi().zrem(keys.liveViewers(v.sessionId), v.id).zrem(keys.liveSchool(v.schoolId), v.id).exec();
    await this.o.audit.record({
      username: v.user.username,
      role: v.user.role,
      action: 'live_view_end',
      cameraId: v.cameraId,
      schoolId: v.schoolId,
      ...auditDetail(`live_end_${reason}`, {
        session: v.sessionId,
        seconds: Math.round((Date.now() - v.since) / 1000),
      }),
    });
    if (!s.viewers.size) await this.drop(v.sessionId);
    await redis.zremrangebyscore(keys.liveViewers(v.sessionId), '-inf', Date.now());
    if ((await redis.zcard(keys.liveViewers(v.sessionId))) === 0) await this.stopSession(v.sessionId);
  }

  /** This instance no longer follows a session. */
  private async drop(sessionId: string): Promise<void> {
    const s = this.local.get(sessionId);
    if (s?.startTimer) clearTimeout(s.startTimer);
    this.local.delete(sessionId);
    await this.o.sub.unsubscribe(this.o.keys.liveData(sessionId), this.o.keys.liveControl(sessionId));
  }

  /** Nobody watches any more: the agent stops pulling the camera, the session's keys go. */
  private async stopSession(sessionId: string): Promise<void> {
    const { redis, keys } = this.o;
    const [cameraId, agentId] = await redis.hmget(keys.liveSession(sessionId), 'cameraId', 'agentId');
    if (agentId) await this.o.bus.publishControl({ kind: 'live_stop', agentId, sessionId });
    if (cameraId && (await redis.get(keys.liveCamera(cameraId))) === sessionId)
      await redis.del(keys.liveCamera(cameraId));
    await redis.del(keys.liveSession(sessionId), keys.liveInit(sessionId), keys.liveViewers(sessionId));
  }

  /** The session cannot go on (the agent said why, or never started): every viewer here is told and let go. */
  private endSession(sessionId: string, reason: LiveEndReason, detail?: string): void {
    const s = this.local.get(sessionId);
    if (!s) return;
    for (const v of [...s.viewers]) {
      v.send({ type: 'ended', reason, ...(detail ? { detail } : {}) });
      void this.leave(v, 'ended').catch(() => undefined);
      v.close();
    }
    if (reason !== 'ended') this.o.metrics.liveViews.inc({ result: reason });
  }

  private onChannel(channel: string, message: Buffer): void {
    const id = channel.slice(channel.lastIndexOf(':') + 1);
    const s = this.local.get(id);
    if (!s) return;
    if (channel === this.o.keys.liveControl(id)) {
      let f: AgentLiveFrame;
      try {
        f = AgentLiveFrame.parse(JSON.parse(String(message)));
      } catch {
        return;
      }
      if (f.type === 'info') s.info = f.info;
      else if (f.type === 'restart') {
        s.init = undefined;
        s.gop = [];
        for (const v of s.viewers) {
          v.ready = false;
          v.send({ type: 'restart' });
        }
      } else this.endSession(id, f.reason, f.detail);
      return;
    }
    this.piece(s, message);
  }

  /** A piece of video for this instance's viewers of a session. */
  private piece(s: LocalSession, p: Buffer): void {
    const kind = p[0];
    if (kind === LIVE_INIT) {
      s.init = p;
      s.gop = [];
      s.started = true;
      if (s.startTimer) clearTimeout(s.startTimer);
      for (const v of s.viewers) {
        if (s.info) v.send({ type: 'info', info: s.info });
        v.send(p);
        v.ready = false;
      }
      return;
    }
    if (kind === LIVE_KEY_FRAGMENT) s.gop = [p];
    else if (s.gop.length && s.gop.length < MAX_GOP_PIECES) s.gop.push(p);
    for (const v of s.viewers) {
      if (v.backlog() > MAX_BACKLOG) v.ready = false;
      if (!v.ready && kind !== LIVE_KEY_FRAGMENT) continue;
      v.ready = true;
      v.send(p);
    }
  }

  /** Who is watching a camera now (admins see it on the camera's page). */
  async viewers(cameraId: string): Promise<LiveViewer[]> {
    const sessionId = await this.o.redis.get(this.o.keys.liveCamera(cameraId));
    if (!sessionId) return [];
    const ids = await this.o.redis.zrangebyscore(this.o.keys.liveViewers(sessionId), Date.now(), '+inf');
    return ids.map((id) => {
      const [username = '', role = '', since = '0'] = id.split('|');
      return { username, role, since: new Date(Number(since)).toISOString() };
    });
  }

  /** Shutting down: every viewer here is let go (audited). */
  async close(): Promise<void> {
    for (const s of [...this.local.values()])
      for (const v of [...s.viewers]) await this.leave(v, 'ended').catch(() => undefined);
  }
}
