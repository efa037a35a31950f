import { EventEmitter } from 'node:events';
import {
  type AgentFrame,
  type AgentMessage,
  MAX_BATCH,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  ServerFrame,
} from '@kuzet/protocol';
import WebSocket from 'ws';
import type { Journal } from './journal.ts';
import type { MessageSink } from './output.ts';
import { type CentreTls, tlsClientOptions } from './tls.ts';

export interface LinkOptions {
  /** the server's link URL, or several: after a failed or dropped connection the next one is tried */
  url?: string;
  urls?: string[];
  token: string;
  agentId: string;
  journal: Journal;
  /** messages are batched for at most this long (default 500 ms) */
  flushMs?: number;
  /**
   * routine messages (health samples, periodic states, clock readings, heartbeats) for at most this long, unless a
   * message that is news (a status change, a camera found or gone) sends them sooner (default 5 s; flushMs when
   * only that is given)
   */
  routineFlushMs?: number;
  /** while the centre is unreachable, for at most this long (larger batches compress better in the journal) */
  offlineFlushMs?: number;
  /** batches sent but not yet acknowledged, at most */
  window?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** ca/cert options for wss with private certificates */
  tls?: CentreTls;
  /** the cameras' reference views held (camera → version), named in the hello */
  references?: () => Record<string, string>;
}

export interface LinkEvents {
  /** welcomed; true: the centre wants every camera's identity and state again */
  connected: [resync: boolean];
  disconnected: [string];
  refused: [string];
  /** the centre asked for every camera's identity and state again (it lost its state) */
  resync: [string];
  /** pending batches renumbered above what the centre has stored */
  rebased: [number];
  /** the school's requirement profile, as far as the agent's own work needs it */
  requirements: [
    {
      profile: string;
      version: number;
      maxGapMinutes: number;
      gapWindowDays: number;
      maxBlur?: number;
      minContrast?: number;
      minSceneSimilarity?: number;
    },
  ];
  /** relay a camera live (live/relay.ts); the same session again: a later deadline */
  live_start: [{ sessionId: string; cameraId: string; untilMs: number; maxKbps: number }];
  live_stop: [string];
  /** a camera's reference view confirmed at the centre (without jpeg: it has none any more) */
  reference: [{ cameraId: string; version: string; jpeg?: string }];
}

/**
 * The agent's one outbound websocket to the centre: batches messages with sequence numbers, journals them on disk
 * until acknowledged, resends after reconnecting (backoff with jitter), heartbeats both ways.
 */
export class ServerLink extends EventEmitter<LinkEvents> implements MessageSink {
  private ws?: WebSocket;
  private buffer: AgentMessage[] = [];
  private flushTimer?: NodeJS.Timeout;
  /** when the armed flush fires (Date.now) */
  private flushAt = 0;
  private heartbeat?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private attempts = 0;
  private readonly urls: string[];
  private urlIndex = 0;
  private sentUpTo = 0;
  private lastHeard = 0;
  private lastSent = 0;
  private stopped = false;
  connected = false;
  heartbeatSeconds = 15;

  constructor(private readonly o: LinkOptions) {
    super();
    this.urls = o.urls?.length ? o.urls : o.url ? [o.url] : [];
    if (!this.urls.length) throw new Error('the link needs a server URL');
  }

  /** the server URL in use (or tried next) */
  get url(): string {
    return this.urls[this.urlIndex]!;
  }

  /**
   * Queues a message for the next batch. A routine one (o.routine: nothing changed that someone waits for) may wait
   * up to routineFlushMs with others; any other goes within flushMs, with everything buffered before it: a real
   * agent's samples spread over its checks' intervals, and sending each half-second's few as a batch of their own made
   * ~1.4 batches a second per school (10,000 a second at full scale) where one every few seconds carries the same.
   */
  send(msg: AgentMessage, o: { routine?: boolean } = {}): void {
    if (msg.type === 'snapshot') {
      // a picture is large (up to a third of a frame): it travels alone, after what was buffered before it
      this.flush();
      this.o.journal.append([msg]);
      this.pump();
      return;
    }
    this.buffer.push(msg);
    if (this.buffer.length >= MAX_BATCH) {
      this.flush();
      return;
    }
    const delay = !this.connected
      ? (this.o.offlineFlushMs ?? 30_000)
      : o.routine
        ? (this.o.routineFlushMs ?? this.o.flushMs ?? 5000)
        : (this.o.flushMs ?? 500);
    // an earlier deadline wins: news brings the routine messages buffered before it along
    if (this.flushTimer && this.flushAt <= Date.now() + delay) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushAt = Date.now() + delay;
    this.flushTimer = setTimeout(() => this.flush(), delay);
  }

  /** Pictures are taken only while the centre is reachable: a stale picture is worth nothing later. */
  wantsSnapshots(): boolean {
    return this.connected;
  }

  /** Moves buffered messages into a journaled batch and sends what the window allows. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    while (this.buffer.length) this.o.journal.append(this.buffer.splice(0, MAX_BATCH));
    this.pump();
  }

  private sendText(text: string): void {
    this.ws?.send(text);
    this.lastSent = Date.now();
  }

  private pump(): void {
    if (!this.connected || !this.ws) return;
    const window = this.o.window ?? 16;
    for (const b of this.o.journal.pending) {
      if (b.seq <= this.sentUpTo) continue;
      if (b.seq - this.o.journal.ackedSeq > window) break;
      const text = JSON.stringify({ type: 'batch', seq: b.seq, messages: b.messages } satisfies AgentFrame);
      if (text.length > MAX_FRAME_BYTES) {
        // cannot happen with MAX_BATCH small messages; never block the journal on it
        this.o.journal.ack(b.seq);
        continue;
      }
      this.sendText(text);
      this.sentUpTo = b.seq;
    }
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.flush();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.ws?.close(1000, 'agent stopping');
  }

  /** A socket of its own to the centre for a live view (the status link never carries video). */
  openLive(sessionId: string): WebSocket {
    const url = new URL(this.url);
    url.pathname = url.pathname.replace(/\/link$/, '/live');
    url.searchParams.set('session', sessionId);
    return new WebSocket(url.toString(), {
      headers: { authorization: `Bearer ${this.o.token}` },
      handshakeTimeout: 10_000,
      ...tlsClientOptions(this.o.tls),
    });
  }

  private connect(): void {
    const ws = new WebSocket(this.url, {
      headers: { authorization: `Bearer ${this.o.token}` },
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: 10_000,
      ...tlsClientOptions(this.o.tls),
    });
    this.ws = ws;
    ws.on('open', () => {
      this.lastHeard = Date.now();
      this.sendText(
        JSON.stringify({
          type: 'hello',
          v: PROTOCOL_VERSION,
          agentId: this.o.agentId,
          lastSeq: this.o.journal.lastSeq,
          journalId: this.o.journal.id,
          references: this.o.references?.(),
        } satisfies AgentFrame),
      );
    });
    ws.on('message', (data) => this.onFrame(String(data)));
    ws.on('unexpected-response', (_req, res) => {
      const reason = `server refused the link: HTTP ${res.statusCode}`;
      this.emit('refused', reason);
      ws.terminate();
    });
    ws.on('close', (_code, reason) => this.onClose(reason.toString() || 'closed'));
    ws.on('error', () => {
      /* 'close' follows */
    });
  }

  private onFrame(text: string): void {
    this.lastHeard = Date.now();
    let frame: ServerFrame;
    try {
      frame = ServerFrame.parse(JSON.parse(text));
    } catch {
      return; // a newer server's frame we do not know: ignore it
    }
    switch (frame.type) {
      case 'welcome': {
        // never number below what the centre has stored: its batches would be taken for resends and dropped
        if (frame.ackedSeq > this.o.journal.lastSeq) this.emit('rebased', this.o.journal.rebase(frame.ackedSeq));
        this.o.journal.ack(frame.ackedSeq);
        this.sentUpTo = this.o.journal.ackedSeq;
        this.heartbeatSeconds = frame.heartbeatSeconds;
        this.connected = true;
        this.attempts = 0;
        this.startHeartbeat();
        this.emit('connected', frame.resync !== false);
        this.flush(); // what waited for an offline batch goes now
        break;
      }
      case 'resync':
        this.emit('resync', frame.reason);
        break;
      case 'requirements':
        this.emit('requirements', frame);
        break;
      case 'reference':
        this.emit('reference', frame);
        break;
      case 'live_start':
        this.emit('live_start', frame);
        break;
      case 'live_stop':
        this.emit('live_stop', frame.sessionId);
        break;
      case 'ack':
        this.o.journal.ack(frame.seq);
        this.pump();
        break;
      case 'error':
        this.emit('refused', `${frame.code}: ${frame.message}`);
        break;
      case 'pong':
        break;
    }
  }

  private startHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastHeard > this.heartbeatSeconds * 3000) {
        this.ws?.terminate(); // the server went silent: reconnect
        return;
      }
      // a link carrying batches (each acknowledged) needs no ping: only a quiet one is pinged, so that the centre
      // hears from this agent at least once per interval and this agent hears the centre's pong
      if (Date.now() - this.lastSent >= this.heartbeatSeconds * 900)
        this.sendText(JSON.stringify({ type: 'ping', t: Date.now() } satisfies AgentFrame));
    }, this.heartbeatSeconds * 1000);
  }

  private onClose(reason: string): void {
    const was = this.connected;
    this.connected = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (was) this.emit('disconnected', reason);
    if (this.stopped) return;
    // that server is gone (or never answered): the next one of the deployment
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    // exponential backoff with full jitter
    const min = this.o.backoffMinMs ?? 1000;
    const max = this.o.backoffMaxMs ?? 60_000;
    const delay = Math.random() * Math.min(max, min * 2 ** this.attempts++);
    this.reconnectTimer = setTimeout(() => this.connect(), Math.max(min / 2, delay));
  }
}
