import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  AgentLiveFrame,
  CameraId,
  LIVE_INIT,
  LiveVideoClientFrame,
  type LiveVideoFrame,
  PICTURE_ROLES,
} from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { cameraSchool } from '../http/camera-scope.ts';
import { originAllowed } from '../http/origin.ts';
import { sessionIdFrom } from '../http/session.ts';
import type { AgentRepository } from '../repositories/agents.ts';
import type { Keys } from '../repositories/redis.ts';
import type { RegistryRepository } from '../repositories/registry.ts';
import type { UserRepository } from '../repositories/users.ts';
import type { LiveVideoService, Viewer } from '../services/live-video.ts';
import type { Metrics } from '../services/metrics.ts';
import { asBuffer, parseJson, refuseUpgrade } from './upgrade.ts';

/**
 * The live video sockets (issue 16): /agent/live, where a school's agent relays a session it was ordered to start
 * (its token, a session of its own), and /api/v1/video?camera=…, where a viewer watches (the session cookie; the
 * picture roles and the camera's scope, as for pictures). Refusals a player can explain come as `ended` frames.
 */
export class VideoSockets {
  private readonly agentWss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  private readonly viewerWss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });

  constructor(
    private readonly d: {
      redis: Redis;
      keys: Keys;
      registry: RegistryRepository;
      users: UserRepository;
      agents: AgentRepository;
      video: LiveVideoService;
      metrics: Metrics;
      allowedOrigins: ReadonlySet<string>;
      log: Logger;
    },
  ) {}

  /** the paths this serves */
  static handles(path: string): boolean {
    return path === '/agent/live' || path === '/api/v1/video';
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/agent/live') return this.agentUpgrade(req, url, socket, head);
    return this.viewerUpgrade(req, url, socket, head);
  }

  private async agentUpgrade(req: IncomingMessage, url: URL, socket: Duplex, head: Buffer): Promise<void> {
    const { redis, keys } = this.d;
    const auth = req.headers.authorization ?? '';
    const agent = auth.startsWith('Bearer ') ? await this.d.agents.authenticate(auth.slice(7)) : undefined;
    if (!agent) return refuseUpgrade(socket, '401 Unauthorized');
    const sessionId = url.searchParams.get('session') ?? '';
    const owner = /^[0-9a-f-]{36}$/.test(sessionId) ? await redis.hget(keys.liveSession(sessionId), 'agentId') : null;
    // a session this agent was not ordered to relay (or one already over)
    if (owner !== agent.agentId) return refuseUpgrade(socket, '404 Not Found');
    this.agentWss.handleUpgrade(req, socket, head, (ws) => {
      let told = false;
      const ttl = 10 * 60_000;
      ws.on('message', (data, isBinary) => {
        const buf = asBuffer(data);
        if (isBinary) {
          if (buf.length < 2) return;
          if (buf[0] === LIVE_INIT) void redis.set(keys.liveInit(sessionId), buf.subarray(1), 'PX', ttl);
          void redis.publish(keys.liveData(sessionId), buf);
          this.d.metrics.liveBytes.inc(buf.length);
          return;
        }
        const f = AgentLiveFrame.safeParse(parseJson(String(buf)));
        if (!f.success) return;
        if (f.data.type === 'info') void redis.hset(keys.liveSession(sessionId), 'info', JSON.stringify(f.data.info));
        if (f.data.type === 'error') told = true;
        void redis.publish(keys.liveControl(sessionId), JSON.stringify(f.data));
      });
      ws.on('close', () => {
        if (!told) void redis.publish(keys.liveControl(sessionId), JSON.stringify({ type: 'error', reason: 'ended' }));
      });
      ws.on('error', () => ws.terminate());
    });
  }

  private async viewerUpgrade(req: IncomingMessage, url: URL, socket: Duplex, head: Buffer): Promise<void> {
    if (!originAllowed(req, this.d.allowedOrigins)) return refuseUpgrade(socket, '403 Forbidden');
    const sid = sessionIdFrom(req.headers.cookie);
    const user = sid ? await this.d.users.sessionUser(sid) : undefined;
    if (!user) return refuseUpgrade(socket, '401 Unauthorized');
    const cameraId = CameraId.safeParse(url.searchParams.get('camera'));
    this.viewerWss.handleUpgrade(req, socket, head, (ws) => {
      const send = (x: Buffer | LiveVideoFrame) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.isBuffer(x) ? x : JSON.stringify(x));
      };
      const end = (reason: LiveVideoFrame & { type: 'ended' }) => {
        send(reason);
        ws.close(1000);
      };
      let viewer: Viewer | undefined;
      let closed = false;
      ws.on('close', () => {
        closed = true;
        if (viewer) void this.d.video.leave(viewer).catch((err) => this.d.log.error({ err }, 'live view end failed'));
      });
      ws.on('error', () => ws.terminate());
      ws.on('message', (data) => {
        const f = LiveVideoClientFrame.safeParse(parseJson(String(data)));
        if (f.success && viewer) void this.d.video.extend(viewer).catch(() => undefined);
      });
      void (async () => {
        // children appear in these images: only the roles that act on a camera, in their scope
        if (!PICTURE_ROLES.includes(user.role)) return end({ type: 'ended', reason: 'not_allowed' });
        const school = cameraId.success ? await cameraSchool(this.d, user, cameraId.data) : undefined;
        if (!school || !cameraId.success)
          return end({ type: 'ended', reason: 'not_allowed', detail: 'no such camera in your scope' });
        const v = await this.d.video.join({
          user,
          cameraId: cameraId.data,
          schoolId: school.id,
          send,
          backlog: () => ws.bufferedAmount,
          close: () => ws.close(1000),
        });
        if (v && closed) await this.d.video.leave(v);
        else viewer = v;
      })().catch((err) => {
        this.d.log.error({ err }, 'starting a live view failed');
        end({ type: 'ended', reason: 'failed' });
      });
    });
  }

  close(): void {
    for (const ws of this.agentWss.clients) ws.terminate();
    for (const ws of this.viewerWss.clients) ws.close(1001);
  }
}
