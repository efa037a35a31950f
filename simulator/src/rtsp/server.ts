import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { type Credentials, type DigestAlgorithm, DigestVerifier } from '../auth.ts';
import type { Clip } from '../clips.ts';
import { RTP_PAYLOAD_TYPE, RtpPacketizer } from './rtp.ts';

export interface RtspServerOptions {
  host: string;
  port: number;
  realm: string;
  /** the Digest challenges of a 401, in order (default MD5 only) */
  digestAlgorithms?: DigestAlgorithm[];
  credentials: () => Credentials;
  /** the clip a stream path serves right now, or null for 404 */
  resolveStream: (path: string) => Promise<Clip | null>;
  /** told of each frame sent: its number in the session (from 0 at PLAY) and when (benchmarks measure delay) */
  onFrame?: (path: string, frameNo: number, atMs: number) => void;
}

interface Session {
  id: string;
  /** the stream path it was set up for */
  path: string;
  clip: Clip;
  socket: net.Socket;
  transport: { kind: 'tcp'; channel: number } | { kind: 'udp'; address: string; port: number };
  timer?: NodeJS.Timeout;
  frame: number;
  tsBase: number;
  rtp: RtpPacketizer;
  lastActivity: number;
}

const SESSION_TIMEOUT_S = 60;
const MAX_TCP_BACKLOG = 2 * 1024 * 1024;

/**
 * A small RTSP responder (RFC 2326) serving pre-encoded H.264 clips over TCP-interleaved or UDP RTP, with Digest
 * auth. Streams run only while a client is playing them.
 */
export class RtspServer {
  private server?: net.Server;
  private udp?: dgram.Socket;
  private readonly sockets = new Set<net.Socket>();
  private readonly sessions = new Map<string, Session>();
  private readonly digest: DigestVerifier;
  private reaper?: NodeJS.Timeout;

  constructor(private readonly opts: RtspServerOptions) {
    this.digest = new DigestVerifier(opts.realm, opts.digestAlgorithms);
  }

  get playing(): number {
    return [...this.sessions.values()].filter((s) => s.timer).length;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((socket) => this.onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    server.on('error', () => {});
    this.server = server;
    this.reaper = setInterval(() => this.reapIdle(), 5_000).unref();
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (this.reaper) clearInterval(this.reaper);
    for (const s of this.sessions.values()) this.endSession(s);
    for (const sock of this.sockets) sock.destroy();
    this.udp?.close();
    this.udp = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private reapIdle(): void {
    const now = Date.now();
    for (const s of this.sessions.values()) {
      if (s.transport.kind === 'udp' && now - s.lastActivity > SESSION_TIMEOUT_S * 1000) this.endSession(s);
    }
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buf = Buffer.alloc(0);
    let busy = Promise.resolve();
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > 64 * 1024) {
        socket.destroy();
        return;
      }
      for (;;) {
        if (buf.length && buf[0] === 0x24) {
          // interleaved RTCP from the client: skip it
          if (buf.length < 4) break;
          const len = buf.readUInt16BE(2);
          if (buf.length < 4 + len) break;
          buf = buf.subarray(4 + len);
          continue;
        }
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = buf.subarray(0, end).toString('utf8');
        const lenMatch = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        const bodyLen = lenMatch ? Number(lenMatch[1]) : 0;
        if (buf.length < end + 4 + bodyLen) break;
        buf = buf.subarray(end + 4 + bodyLen);
        busy = busy
          .then(() => this.handle(socket, head))
          .catch(() => {
            socket.destroy();
          });
      }
    });
    const cleanup = () => {
      this.sockets.delete(socket);
      for (const s of this.sessions.values()) if (s.socket === socket && s.transport.kind === 'tcp') this.endSession(s);
    };
    socket.on('close', cleanup);
    socket.on('error', () => socket.destroy());
  }

  private async handle(socket: net.Socket, head: string): Promise<void> {
    const [requestLine, ...lines] = head.split('\r\n');
    const [method = '', uri = ''] = (requestLine ?? '').split(' ');
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const cseq = headers.cseq ?? '0';
    const reply = (status: string, extra: Record<string, string | string[]> = {}, body = '') => {
      if (socket.destroyed) return;
      let out = `RTSP/1.0 ${status}\r\nCSeq: ${cseq}\r\nServer: kuzet-sim\r\n`;
      for (const [k, v] of Object.entries(extra)) for (const one of [v].flat()) out += `${k}: ${one}\r\n`;
      if (body) out += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
      socket.write(`${out}\r\n${body}`);
    };
    if (method === 'OPTIONS') {
      reply('200 OK', { Public: 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER' });
      return;
    }
    if (!this.digest.verify(headers.authorization, method, this.opts.credentials())) {
      reply('401 Unauthorized', { 'WWW-Authenticate': this.digest.challenges() });
      return;
    }
    let path: string;
    try {
      path = new URL(uri).pathname;
    } catch {
      reply('400 Bad Request');
      return;
    }
    const sessionId = headers.session?.split(';')[0];
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (session) session.lastActivity = Date.now();
    switch (method) {
      case 'DESCRIBE': {
        const clip = await this.opts.resolveStream(path.replace(/\/trackID=\d+$/, ''));
        if (!clip) return reply('404 Not Found');
        const base = uri.endsWith('/') ? uri : `${uri}/`;
        return reply('200 OK', { 'Content-Type': 'application/sdp', 'Content-Base': base }, this.sdp(clip));
      }
      case 'SETUP': {
        const clip = await this.opts.resolveStream(path.replace(/\/trackID=\d+$/, ''));
        if (!clip) return reply('404 Not Found');
        const t = headers.transport ?? '';
        const s: Session = session ?? {
          id: randomBytes(6).toString('hex'),
          path: path.replace(/\/trackID=\d+$/, ''),
          clip,
          socket,
          transport: { kind: 'tcp', channel: 0 },
          frame: 0,
          tsBase: Math.floor(Math.random() * 0xffffffff),
          rtp: new RtpPacketizer(),
          lastActivity: Date.now(),
        };
        let transportReply: string;
        if (/RTP\/AVP\/TCP/i.test(t)) {
          const ch = Number(/interleaved=(\d+)/.exec(t)?.[1] ?? 0);
          s.transport = { kind: 'tcp', channel: ch };
          transportReply = `RTP/AVP/TCP;unicast;interleaved=${ch}-${ch + 1};ssrc=${s.rtp.ssrc.toString(16)}`;
        } else {
          const ports = /client_port=(\d+)(?:-(\d+))?/.exec(t);
          if (!ports) return reply('461 Unsupported Transport');
          const udp = await this.udpSocket();
          const local = udp.address().port;
          s.transport = { kind: 'udp', address: socket.remoteAddress ?? '127.0.0.1', port: Number(ports[1]) };
          transportReply = `RTP/AVP;unicast;client_port=${ports[1]}-${ports[2] ?? Number(ports[1]) + 1};server_port=${local}-${local + 1};ssrc=${s.rtp.ssrc.toString(16)}`;
        }
        this.sessions.set(s.id, s);
        return reply('200 OK', { Transport: transportReply, Session: `${s.id};timeout=${SESSION_TIMEOUT_S}` });
      }
      case 'PLAY': {
        if (!session) return reply('454 Session Not Found');
        this.play(session);
        return reply('200 OK', { Session: session.id, Range: 'npt=0.000-', 'RTP-Info': `url=${uri};seq=0;rtptime=0` });
      }
      case 'GET_PARAMETER':
      case 'SET_PARAMETER':
        return reply('200 OK', session ? { Session: session.id } : {});
      case 'TEARDOWN': {
        if (session) this.endSession(session);
        return reply('200 OK');
      }
      default:
        return reply('405 Method Not Allowed', { Allow: 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER' });
    }
  }

  private sdp(clip: Clip): string {
    const sprop = `${clip.sps.toString('base64')},${clip.pps.toString('base64')}`;
    const host = this.opts.host;
    return [
      'v=0',
      `o=- ${Date.now()} 1 IN IP4 ${host}`,
      's=Kuzet simulated camera',
      `c=IN IP4 ${host}`,
      't=0 0',
      'a=control:*',
      'a=range:npt=0-',
      `m=video 0 RTP/AVP ${RTP_PAYLOAD_TYPE}`,
      `a=rtpmap:${RTP_PAYLOAD_TYPE} H264/90000`,
      `a=fmtp:${RTP_PAYLOAD_TYPE} packetization-mode=1;profile-level-id=${clip.profileLevelId};sprop-parameter-sets=${sprop}`,
      `a=framerate:${clip.spec.fps}`,
      'a=control:trackID=0',
      '',
    ].join('\r\n');
  }

  private async udpSocket(): Promise<dgram.Socket> {
    if (this.udp) return this.udp;
    const udp = dgram.createSocket('udp4');
    udp.on('error', () => {});
    await new Promise<void>((resolve) => udp.bind(0, this.opts.host, () => resolve()));
    this.udp = udp;
    return udp;
  }

  private play(s: Session): void {
    if (s.timer) return;
    const { clip } = s;
    const step = 90_000 / clip.spec.fps;
    let wantKeyframe = false;
    s.timer = setInterval(() => {
      const idx = s.frame % clip.frames.length;
      const frame = clip.frames[idx]!;
      const isKey = frame.some((n) => (n[0]! & 0x1f) === 5);
      const ts = (s.tsBase + Math.round(s.frame * step)) >>> 0;
      this.opts.onFrame?.(s.path, s.frame, Date.now());
      s.frame++;
      if (s.transport.kind === 'tcp') {
        if (s.socket.writableLength > MAX_TCP_BACKLOG) {
          wantKeyframe = true; // slow reader: drop frames until the next key frame
          return;
        }
        if (wantKeyframe && !isKey) return;
        wantKeyframe = false;
        const ch = s.transport.channel;
        const parts: Buffer[] = [];
        for (const p of s.rtp.packetize(frame, ts)) {
          const h = Buffer.from([0x24, ch, 0, 0]);
          h.writeUInt16BE(p.length, 2);
          parts.push(h, p);
        }
        s.socket.write(Buffer.concat(parts));
      } else if (this.udp) {
        const { address, port } = s.transport;
        for (const p of s.rtp.packetize(frame, ts)) this.udp.send(p, port, address);
      }
    }, 1000 / clip.spec.fps);
  }

  private endSession(s: Session): void {
    if (s.timer) clearInterval(s.timer);
    s.timer = undefined;
    this.sessions.delete(s.id);
  }
}
