import { type AgentLiveFrame, LIVE_FRAGMENT, LIVE_INIT, LIVE_KEY_FRAGMENT, type LiveEndReason } from '@kuzet/protocol';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { type LiveMode, liveStream, ToolError } from '../probe/ffmpeg.ts';
import { codecOf, Fmp4Splitter, sizeOf } from './fmp4.ts';

/** The centre's order to relay a camera (see protocol ServerFrame live_start). */
export interface LiveOrder {
  sessionId: string;
  cameraId: string;
  /** the session ends then unless extended (the same order again, later) */
  untilMs: number;
  /** the school's uplink budget for live video, shared by its sessions */
  maxKbps: number;
}

export interface LiveSource {
  /** the RTSP URL with credentials (never logged nor sent) */
  url: string;
  transport: 'tcp' | 'udp';
}

/** a copy measured over this long decides whether the camera's own stream fits the budget */
const MEASURE_MS = 3000;
/** a viewer link this far behind gets no more fragments until the next key frame (live video never queues) */
const MAX_BUFFERED = 2 * 1024 * 1024;

/**
 * Live views at the school (issue 16): for each session the centre orders, the agent pulls the camera's RTSP
 * stream (substream preferred) and relays it as fragmented MP4 over its own outbound websocket — a socket of its
 * own per session, so video never queues in front of the status link's batches. The camera's H.264 is copied as it
 * is; another codec, or a stream over the session's share of the school's budget, is re-encoded (libx264). No
 * camera credential leaves: ffmpeg's texts lose URL userinfo before they are sent.
 */
export class LiveRelay {
  private readonly sessions = new Map<string, LiveSession>();

  constructor(
    private readonly o: {
      /** a new socket to the centre for this session */
      open: (sessionId: string) => WebSocket;
      /** the stream to relay for a camera (undefined: no such camera here) */
      source: (cameraId: string) => LiveSource | undefined;
      /** sessions at once at this school (each one ffmpeg and one upstream) */
      maxSessions: number;
      log?: Logger;
    },
  ) {}

  get active(): number {
    return this.sessions.size;
  }

  start(order: LiveOrder): void {
    const running = this.sessions.get(order.sessionId);
    if (running) {
      running.until = order.untilMs; // extended
      return;
    }
    const ws = this.o.open(order.sessionId);
    const refuse = (reason: LiveEndReason, detail: string) => {
      ws.on('error', () => undefined);
      ws.once('open', () => {
        ws.send(JSON.stringify({ type: 'error', reason, detail } satisfies AgentLiveFrame));
        ws.close(1000);
      });
    };
    if (this.sessions.size >= this.o.maxSessions) {
      refuse('limit_school', `this school's agent relays at most ${this.o.maxSessions} cameras at once`);
      return;
    }
    const src = this.o.source(order.cameraId);
    if (!src) {
      refuse('camera_refused', 'the agent does not know this camera (or it has no stream)');
      return;
    }
    const budget = Math.floor(order.maxKbps / (this.sessions.size + 1));
    const s = new LiveSession(order, src, ws, budget, this.o.log);
    this.sessions.set(order.sessionId, s);
    s.onEnd = () => this.sessions.delete(order.sessionId);
  }

  stop(sessionId: string): void {
    this.sessions.get(sessionId)?.end('ended');
  }

  stopAll(): void {
    for (const s of this.sessions.values()) s.end('ended');
  }
}

class LiveSession {
  until: number;
  onEnd?: () => void;
  private stream?: ReturnType<typeof liveStream>;
  private ended = false;
  private mode: LiveMode = { kind: 'copy' };
  private sentInit = false;
  private skipping = false;
  private measuredFrom = 0;
  private measuredBytes = 0;
  private readonly clock: NodeJS.Timeout;

  constructor(
    readonly order: LiveOrder,
    private readonly src: LiveSource,
    private readonly ws: WebSocket,
    private readonly budgetKbps: number,
    private readonly log?: Logger,
  ) {
    this.until = order.untilMs;
    ws.on('close', () => this.end('ended', undefined, false));
    ws.on('error', () => undefined); // 'close' follows
    ws.once('open', () => this.run());
    this.clock = setInterval(() => {
      if (Date.now() > this.until) this.end('expired');
    }, 1000);
  }

  private text(f: AgentLiveFrame): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(f));
  }

  private binary(kind: number, data: Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(Buffer.concat([Buffer.from([kind]), data]));
  }

  private run(): void {
    if (this.ended) return;
    const splitter = new Fmp4Splitter();
    const stream = liveStream(this.src.url, this.src.transport, this.mode);
    this.stream = stream;
    this.sentInit = false;
    stream.output.on('data', (chunk: Buffer) => {
      if (this.stream !== stream || this.ended) return;
      try {
        for (const p of splitter.push(chunk)) this.piece(p);
      } catch (err) {
        this.end('failed', (err as Error).message);
      }
    });
    stream.done.then(
      () => this.stream === stream && this.end('ended', 'the camera ended its stream'),
      (err: unknown) => {
        if (this.stream !== stream || this.ended) return;
        const e = err instanceof ToolError ? err : new ToolError('no_video', String(err));
        if (this.sentInit) this.end('failed', e.message);
        else if (e.kind === 'unreachable' || e.kind === 'timeout') this.end('camera_refused', e.message);
        else if (this.mode.kind === 'transcode') this.end('codec_unplayable', e.message);
        else this.end('camera_refused', e.message);
      },
    );
  }

  /** Starts over, re-encoding (another codec, or over budget): the viewers are told a new init follows. */
  private transcode(why: string): void {
    this.log?.info({ cameraId: this.order.cameraId, why }, 'live view re-encoded');
    this.mode = { kind: 'transcode', kbps: Math.max(200, Math.floor(this.budgetKbps * 0.9)) };
    const old = this.stream;
    this.stream = undefined;
    old?.stop();
    if (this.sentInit) this.text({ type: 'restart' });
    this.run();
  }

  private piece(p: ReturnType<Fmp4Splitter['push']>[number]): void {
    if (p.kind === 'init') {
      const codec = codecOf(p.data);
      if (!codec) {
        if (this.mode.kind === 'copy') this.transcode('the camera does not send H.264');
        else this.end('codec_unplayable', 'the re-encoded stream is not H.264');
        return;
      }
      const size = sizeOf(p.data) ?? { width: 1, height: 1 };
      this.text({ type: 'info', info: { codec, ...size, transcoded: this.mode.kind === 'transcode' } });
      this.binary(LIVE_INIT, p.data);
      this.sentInit = true;
      this.measuredFrom = Date.now();
      this.measuredBytes = 0;
      return;
    }
    if (this.mode.kind === 'copy') {
      this.measuredBytes += p.data.length;
      const ms = Date.now() - this.measuredFrom;
      if (ms >= MEASURE_MS && (this.measuredBytes * 8) / ms > this.budgetKbps * 1.1) {
        this.transcode(`${Math.round((this.measuredBytes * 8) / ms)} kbit/s over ${this.budgetKbps}`);
        return;
      }
    }
    // a viewer link that cannot keep up loses fragments up to the next key frame, never gets them late
    if (this.ws.bufferedAmount > MAX_BUFFERED) this.skipping = true;
    if (this.skipping && !p.key) return;
    this.skipping = false;
    this.binary(p.key ? LIVE_KEY_FRAGMENT : LIVE_FRAGMENT, p.data);
  }

  end(reason: LiveEndReason, detail?: string, tell = true): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.clock);
    this.stream?.stop();
    this.stream = undefined;
    if (tell && this.ws.readyState === WebSocket.OPEN) {
      this.text({ type: 'error', reason, ...(detail ? { detail: detail.slice(0, 300) } : {}) });
      this.ws.close(1000);
    } else if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    this.onEnd?.();
  }
}

/** Live views for a linked agent: the link's orders start and stop relays of the agent's cameras. */
export function relayLive(
  link: Pick<import('../link.ts').ServerLink, 'on' | 'openLive'>,
  agent: { liveSource: (cameraId: string) => LiveSource | undefined; config: { live: { maxSessions: number } } },
  log?: Logger,
): LiveRelay {
  const relay = new LiveRelay({
    open: (id) => link.openLive(id),
    source: (id) => agent.liveSource(id),
    maxSessions: agent.config.live.maxSessions,
    log,
  });
  link.on('live_start', (o) => {
    log?.info({ cameraId: o.cameraId, sessionId: o.sessionId }, 'live view ordered');
    relay.start(o);
  });
  link.on('live_stop', (id) => relay.stop(id));
  link.on('disconnected', () => relay.stopAll());
  return relay;
}
