import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { LocalInterface } from '../net.ts';
import { type Announcement, buildProbe, PROBE_TYPES, parseDiscoveryMessage } from './messages.ts';

export const WSD_GROUP = '239.255.255.250';
export const WSD_PORT = 3702;

export interface Heard extends Announcement {
  from: string;
  via: 'multicast' | 'unicast' | 'hello';
}

export interface WsDiscoveryEvents {
  hello: [Heard];
  bye: [string];
}

const bindSocket = (s: dgram.Socket, port: number, address?: string) =>
  new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, address, () => {
      s.off('error', reject);
      resolve();
    });
  });

/**
 * WS-Discovery client: multicast Probes on each chosen interface only (never a default route), unicast Probes to
 * address lists, and a listener for Hello/Bye. Answers that are malformed are counted, never thrown.
 */
export class WsDiscovery extends EventEmitter<WsDiscoveryEvents> {
  private probeSockets: { iface: LocalInterface; socket: dgram.Socket }[] = [];
  private unicastSocket?: dgram.Socket;
  private listener?: dgram.Socket;
  private readonly pending = new Map<string, (h: Heard) => void>();
  malformed = 0;

  constructor(
    private readonly interfaces: LocalInterface[],
    private readonly listenHello: boolean,
  ) {
    super();
  }

  async start(): Promise<void> {
    for (const iface of this.interfaces) {
      const socket = dgram.createSocket('udp4');
      socket.on('error', () => {});
      await bindSocket(socket, 0, iface.address);
      socket.setMulticastInterface(iface.address);
      socket.setMulticastTTL(1);
      socket.setMulticastLoopback(true);
      try {
        socket.setRecvBufferSize(4 * 1024 * 1024);
      } catch {
        /* capped by the kernel: fine */
      }
      socket.on('message', (msg, rinfo) => this.onReply(msg, rinfo.address, 'multicast'));
      this.probeSockets.push({ iface, socket });
    }
    const uni = dgram.createSocket('udp4');
    uni.on('error', () => {});
    await bindSocket(uni, 0);
    uni.on('message', (msg, rinfo) => this.onReply(msg, rinfo.address, 'unicast'));
    this.unicastSocket = uni;
    if (this.listenHello && this.interfaces.length) {
      const l = dgram.createSocket({ type: 'udp4', reuseAddr: true });
      l.on('error', () => {});
      await bindSocket(l, WSD_PORT, WSD_GROUP); // multicast only: never a unicast datagram for another socket
      for (const iface of this.interfaces) l.addMembership(WSD_GROUP, iface.address);
      l.on('message', (msg, rinfo) => this.onAnnouncement(msg, rinfo.address));
      this.listener = l;
    }
  }

  stop(): void {
    for (const { socket } of this.probeSockets) socket.close();
    this.probeSockets = [];
    this.unicastSocket?.close();
    this.unicastSocket = undefined;
    this.listener?.close();
    this.listener = undefined;
  }

  private onReply(msg: Buffer, from: string, via: 'multicast' | 'unicast'): void {
    const m = parseDiscoveryMessage(msg);
    if (!m) {
      this.malformed++;
      return;
    }
    if (m.kind !== 'ProbeMatches') return;
    const sink = this.pending.get(m.relatesTo);
    if (!sink) return; // an answer to somebody else's probe, or too late
    for (const match of m.matches) sink({ ...match, from, via });
  }

  private onAnnouncement(msg: Buffer, from: string): void {
    const m = parseDiscoveryMessage(msg);
    if (!m) {
      this.malformed++;
      return;
    }
    if (m.kind === 'Hello') this.emit('hello', { ...m.match, from, via: 'hello' });
    else if (m.kind === 'Bye') this.emit('bye', m.endpointRef);
  }

  /**
   * One discovery round: `repeats` multicast Probes (for cameras and for devices such as NVRs) on every interface,
   * plus unicast Probes to `unicast` addresses, collecting answers for `waitMs`. `onNew` is called at once for
   * each device heard for the first time, so that identifying it can overlap with listening for others.
   */
  async probe(waitMs: number, repeats: number, unicast: string[] = [], onNew?: (h: Heard) => void): Promise<Heard[]> {
    const found = new Map<string, Heard>();
    const ids: string[] = [];
    const sink = (h: Heard) => {
      const prev = found.get(h.endpointRef);
      if (!prev) {
        found.set(h.endpointRef, h);
        onNew?.(h);
      } else if (prev.scopes.length === 0 && h.scopes.length) found.set(h.endpointRef, { ...h, via: prev.via });
    };
    const send = (socket: dgram.Socket, types: string, port: number, address: string) => {
      const { messageId, xml } = buildProbe(types);
      ids.push(messageId);
      this.pending.set(messageId, sink);
      socket.send(xml, port, address);
    };
    try {
      for (let r = 0; r < repeats; r++) {
        for (const { socket } of this.probeSockets) for (const t of PROBE_TYPES) send(socket, t, WSD_PORT, WSD_GROUP);
        if (this.unicastSocket) {
          // one Probe without Types per address: every kind of device answers it, once (UDP: repeated per round)
          for (let i = 0; i < unicast.length; i++) {
            send(this.unicastSocket, '', WSD_PORT, unicast[i]!);
            if (i % 200 === 199) await new Promise((res) => setTimeout(res, 50)); // ~4,000 probes/s at most
          }
        }
        if (r < repeats - 1) await new Promise((res) => setTimeout(res, Math.min(300, waitMs / (repeats + 1))));
      }
      await new Promise((res) => setTimeout(res, waitMs));
    } finally {
      for (const id of ids) this.pending.delete(id);
    }
    return [...found.values()];
  }
}
