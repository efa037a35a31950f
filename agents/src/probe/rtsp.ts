import net from 'node:net';
import type { Reason } from '@kuzet/protocol';
import { DigestError, DigestSession, parseDigestChallenge } from '../onvif/digest.ts';
import type { Credentials } from '../onvif/soap.ts';
import { stripUserinfo } from '../redact.ts';

export interface RtspCheck {
  ok: boolean;
  reason?: Reason;
  latencyMs: number;
  detail?: string;
}

interface RtspReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads RTSP replies off one TCP connection. */
class RtspConnection {
  private buf = '';
  private waiter?: (r: RtspReply) => void;
  private failer?: (e: Error) => void;
  private cseq = 0;

  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buf += d;
      if (this.buf.length > 256 * 1024) socket.destroy(new Error('RTSP answer too large'));
      this.tryParse();
    });
    socket.on('error', (e) => this.failer?.(e));
    socket.on('close', () => this.failer?.(new Error('connection closed by camera')));
  }

  private tryParse(): void {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiter) return;
    const head = this.buf.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of head.slice(1)) {
      const i = l.indexOf(':');
      if (i <= 0) continue;
      // a header sent twice (two WWW-Authenticate challenges) is joined as HTTP does
      const k = l.slice(0, i).trim().toLowerCase();
      const v = l.slice(i + 1).trim();
      headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
    }
    const len = Number(headers['content-length'] ?? 0);
    if (this.buf.length < end + 4 + len) return;
    const body = this.buf.slice(end + 4, end + 4 + len);
    this.buf = this.buf.slice(end + 4 + len);
    const m = /^RTSP\/1\.\d (\d{3})/.exec(head[0] ?? '');
    const w = this.waiter;
    this.waiter = undefined;
    if (!m) this.failer?.(new Error(`not an RTSP answer: ${(head[0] ?? '').slice(0, 60)}`));
    else w({ status: Number(m[1]), headers, body });
  }

  request(method: string, uri: string, headers: Record<string, string>): Promise<RtspReply> {
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failer = reject;
      let out = `${method} ${uri} RTSP/1.0\r\nCSeq: ${++this.cseq}\r\nUser-Agent: kuzet-agent\r\n`;
      for (const [k, v] of Object.entries(headers)) out += `${k}: ${v}\r\n`;
      this.socket.write(`${out}\r\n`);
      this.tryParse();
    });
  }
}

/** RTSP liveness: DESCRIBE the stream (Digest auth when asked) and check the SDP offers video. */
export async function describeStream(streamUri: string, creds: Credentials, timeoutMs: number): Promise<RtspCheck> {
  const t0 = Date.now();
  let url: URL;
  try {
    url = new URL(streamUri);
  } catch {
    return { ok: false, reason: 'rtsp_down', latencyMs: 0, detail: `bad stream URI ${stripUserinfo(streamUri)}` };
  }
  const uri = `rtsp://${url.host}${url.pathname}${url.search}`;
  const socket = net.connect({ host: url.hostname, port: Number(url.port || 554) });
  const timer = setTimeout(() => socket.destroy(new Error('timeout')), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const conn = new RtspConnection(socket);
    let reply = await conn.request('DESCRIBE', uri, { Accept: 'application/sdp' });
    if (reply.status === 401) {
      const challenge = parseDigestChallenge(reply.headers['www-authenticate']);
      const authorization = challenge
        ? new DigestSession(challenge, creds.username, creds.password).authorization('DESCRIBE', uri)
        : `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      reply = await conn.request('DESCRIBE', uri, { Accept: 'application/sdp', Authorization: authorization });
    }
    const latencyMs = Date.now() - t0;
    if (reply.status === 401)
      return { ok: false, reason: 'auth_failed', latencyMs, detail: 'RTSP credentials refused' };
    if (reply.status !== 200)
      return { ok: false, reason: 'rtsp_down', latencyMs, detail: `DESCRIBE answered ${reply.status}` };
    if (!/^m=video /m.test(reply.body)) return { ok: false, reason: 'no_video', latencyMs, detail: 'SDP has no video' };
    return { ok: true, latencyMs };
  } catch (err) {
    const msg = (err as Error).message;
    if (err instanceof DigestError)
      return { ok: false, reason: 'auth_failed', latencyMs: Date.now() - t0, detail: msg };
    return { ok: false, reason: 'rtsp_down', latencyMs: Date.now() - t0, detail: `RTSP ${url.host}: ${msg}` };
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}
