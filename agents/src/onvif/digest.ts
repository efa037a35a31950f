import { createHash, randomBytes } from 'node:crypto';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop?: string;
  opaque?: string;
  algorithm?: string;
}

/** Parses `key="value", key=value` parameter lists (WWW-Authenticate). */
export function parseAuthParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}

/** The Digest challenge of a WWW-Authenticate header, or undefined when it offers none. */
export function parseDigestChallenge(header: string | null | undefined): DigestChallenge | undefined {
  if (!header) return undefined;
  const i = header.search(/digest\s/i);
  if (i < 0) return undefined;
  const p = parseAuthParams(header.slice(i + 7));
  if (!p.realm || !p.nonce) return undefined;
  return { realm: p.realm, nonce: p.nonce, qop: p.qop, opaque: p.opaque, algorithm: p.algorithm };
}

/**
 * Client side of HTTP/RTSP Digest (RFC 7616, MD5; qop=auth when offered). Keeps the nonce and a nonce count,
 * so later requests authenticate without another round trip.
 */
export class DigestSession {
  private nc = 0;
  constructor(
    private challenge: DigestChallenge,
    private readonly username: string,
    private readonly password: string,
  ) {}

  update(challenge: DigestChallenge): void {
    this.challenge = challenge;
    this.nc = 0;
  }

  authorization(method: string, uri: string, cnonce = randomBytes(8).toString('hex')): string {
    const c = this.challenge;
    if (c.algorithm && c.algorithm.toUpperCase() !== 'MD5')
      throw new Error(`unsupported digest algorithm ${c.algorithm}`);
    const ha1 = md5(`${this.username}:${c.realm}:${this.password}`);
    const ha2 = md5(`${method}:${uri}`);
    const q = (s: string) => s.replace(/[\\"]/g, '\\$&');
    const parts = [
      `username="${q(this.username)}"`,
      `realm="${q(c.realm)}"`,
      `nonce="${q(c.nonce)}"`,
      `uri="${q(uri)}"`,
    ];
    const qop = c.qop
      ?.split(',')
      .map((s) => s.trim())
      .includes('auth')
      ? 'auth'
      : undefined;
    if (qop) {
      this.nc++;
      const nc = this.nc.toString(16).padStart(8, '0');
      parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
      parts.push(`response="${md5(`${ha1}:${c.nonce}:${nc}:${cnonce}:${qop}:${ha2}`)}"`);
    } else {
      parts.push(`response="${md5(`${ha1}:${c.nonce}:${ha2}`)}"`);
    }
    if (c.opaque) parts.push(`opaque="${q(c.opaque)}"`);
    parts.push('algorithm=MD5');
    return `Digest ${parts.join(', ')}`;
  }
}
