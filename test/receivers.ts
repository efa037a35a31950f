import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A local HTTP receiver (webhook or a Telegram-like bot API). `failFirst` answers 500 that many times first. */
export async function httpReceiver(o: { failFirst?: number } = {}) {
  const got: Received[] = [];
  let failures = o.failFirst ?? 0;
  let attempts = 0;
  const raw: string[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d) => {
      text += d;
    });
    req.on('end', () => {
      attempts++;
      if (failures > 0) {
        failures--;
        res.writeHead(500).end('not now');
        return;
      }
      raw.push(text);
      got.push({ at: Date.now(), headers: req.headers, body: JSON.parse(text) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    got,
    raw,
    attempts: () => attempts,
    /** whether the i-th body carries a valid HMAC-SHA256 signature with this secret */
    signed(i: number, secret: string) {
      const sig = String(got[i]?.headers['x-kuzet-signature'] ?? '');
      const want = `sha256=${createHmac('sha256', secret).update(raw[i]!).digest('hex')}`;
      return sig.length === want.length && timingSafeEqual(Buffer.from(sig), Buffer.from(want));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The text of a single-part message, decoded from its transfer encoding (base64 or quoted-printable). */
export function mailText(data: string): string {
  const cut = data.indexOf('\r\n\r\n');
  const head = data.slice(0, cut);
  const body = data.slice(cut + 4);
  const enc = /^content-transfer-encoding:\s*(\S+)/im.exec(head)?.[1]?.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const s = body.replace(/=\r?\n/g, '');
    const out: number[] = [];
    for (let i = 0; i < s.length; i++) {
      const hex = s.slice(i + 1, i + 3);
      if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
        out.push(Number.parseInt(hex, 16));
        i += 2;
      } else out.push(s.charCodeAt(i));
    }
    return Buffer.from(out).toString('utf8');
  }
  return body;
}

/** A local SMTP server (smtp-server from npm): collects the messages it is given (`text`: the decoded body). */
export async function smtpReceiver() {
  const mails: { to: string[]; data: string; text: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (d) => {
        data += d;
      });
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data, text: mailText(data) });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
