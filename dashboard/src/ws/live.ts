import type { Alert, CameraDelta, ComplianceDelta, LiveScope, StatusCounts } from '@kuzet/protocol';
import { LiveServerFrame } from '@kuzet/protocol';

export type LinkState = 'connecting' | 'open' | 'lost';

export interface LiveEvents {
  state(s: LinkState): void;
  /** a (re)subscription was answered: everything loaded before may be stale, reload it */
  snapshot(counts: StatusCounts, epoch: number): void;
  deltas(d: CameraDelta[]): void;
  /** alerts that were opened or changed */
  alerts(a: Alert[]): void;
  /** schools whose compliance verdict changed */
  compliance(c: ComplianceDelta[]): void;
  /** the requirement document has a new version */
  requirements(version: number): void;
}

interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export interface LiveOptions {
  url: string;
  scope?: LiveScope;
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  /** ms; the first retry waits about this long, doubling up to maxDelay, with jitter */
  baseDelay?: number;
  maxDelay?: number;
  /** a ping is sent this often; no frame at all for 3 intervals means the link is dead */
  pingMs?: number;
}

/** Reconnect delay: exponential backoff with "equal jitter" (half fixed, half random). */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  const exp = Math.min(max, base * 2 ** attempt);
  return exp / 2 + (random() * exp) / 2;
}

/**
 * The dashboard's live link: subscribes to a scope, hands out deltas, reconnects with backoff + jitter, and after
 * every reconnect subscribes again — the server answers with a fresh snapshot (full resync).
 */
export class LiveClient {
  private ws?: SocketLike;
  private attempt = 0;
  private epoch = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private pinger?: ReturnType<typeof setInterval>;
  private lastFrame = 0;
  private stopped = false;
  state: LinkState = 'connecting';
  private readonly listeners: { [K in keyof LiveEvents]: Set<LiveEvents[K]> } = {
    state: new Set(),
    snapshot: new Set(),
    deltas: new Set(),
    alerts: new Set(),
    compliance: new Set(),
    requirements: new Set(),
  };

  constructor(private readonly o: LiveOptions) {}

  on<K extends keyof LiveEvents>(event: K, f: LiveEvents[K]): () => void {
    this.listeners[event].add(f);
    return () => this.listeners[event].delete(f);
  }

  private emit<K extends keyof LiveEvents>(event: K, ...args: Parameters<LiveEvents[K]>) {
    for (const f of this.listeners[event]) (f as (...a: Parameters<LiveEvents[K]>) => void)(...args);
  }

  private setState(s: LinkState) {
    if (this.state === s) return;
    this.state = s;
    this.emit('state', s);
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    this.ws?.close();
  }

  private connect(): void {
    const create = this.o.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    const ws = create(this.o.url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.lastFrame = Date.now();
      ws.send(JSON.stringify({ type: 'subscribe', scope: this.o.scope ?? { kind: 'mine' } }));
      const every = this.o.pingMs ?? 15_000;
      clearInterval(this.pinger);
      this.pinger = setInterval(() => {
        if (Date.now() - this.lastFrame > every * 3) ws.close();
        else ws.send(JSON.stringify({ type: 'ping' }));
      }, every);
    };
    ws.onmessage = (ev) => {
      this.lastFrame = Date.now();
      let frame: ReturnType<typeof LiveServerFrame.parse>;
      try {
        frame = LiveServerFrame.parse(JSON.parse(String(ev.data)));
      } catch {
        return; // a frame we do not understand is dropped, never fatal
      }
      if (frame.type === 'snapshot') {
        this.setState('open');
        this.emit('snapshot', frame.counts, ++this.epoch);
      } else if (frame.type === 'deltas') this.emit('deltas', frame.deltas);
      else if (frame.type === 'alerts') this.emit('alerts', frame.alerts);
      else if (frame.type === 'compliance') this.emit('compliance', frame.changes);
      else if (frame.type === 'requirements') this.emit('requirements', frame.version);
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      clearInterval(this.pinger);
      if (this.ws !== ws || this.stopped) return;
      this.setState('lost');
      const delay = backoffDelay(
        this.attempt++,
        this.o.baseDelay ?? 500,
        this.o.maxDelay ?? 15_000,
        this.o.random ?? Math.random,
      );
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}
