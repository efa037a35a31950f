import { createHash, randomBytes } from 'node:crypto';

/** The algorithms this client speaks (RFC 7616), strongest first. */
export const DIGEST_ALGORITHMS = ['SHA-256-SESS', 'SHA-256', 'MD5-SESS', 'MD5'] as const;
const hasher = (algorithm: string) => {
  const name = algorithm.toUpperCase().startsWith('SHA-256') ? 'sha256' : 'md5';
  return (s: string) => createHash(name).update(s).digest('hex');
};

/** A Digest challenge this client cannot answer (an algorithm it does not speak). */
export class DigestError extends Error {
  override name = 'DigestError';
}

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

/**
 * Every challenge of a WWW-Authenticate value. A device may send several headers (Digest with MD5 and with SHA-256,
 * in either order; Basic too), which fetch and our RTSP client join with ", ": a new challenge starts wherever a
 * scheme name followed by a parameter appears at the top level (commas inside quoted values are not boundaries).
 */
export function parseChallenges(header: string): { scheme: string; params: string }[] {
  const starts: { at: number; scheme: string; paramsAt: number }[] = [];
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (c === '"' && header[i - 1] !== '\\') quoted = !quoted;
    if (quoted || (i > 0 && c !== ',')) continue;
    const m = /^,?\s*([A-Za-z][A-Za-z0-9_-]*)\s+(?=[A-Za-z0-9_-]+\s*=)/.exec(header.slice(i));
    if (m) starts.push({ at: i, scheme: m[1]!, paramsAt: i + m[0].length });
  }
  return starts.map((s, k) => ({
    scheme: s.scheme,
    params: header.slice(s.paramsAt, k + 1 < starts.length ? starts[k + 1]!.at : header.length),
  }));
}

/** Every Digest challenge of a WWW-Authenticate value, in the order given. */
export function parseDigestChallenges(header: string | null | undefined): DigestChallenge[] {
  if (!header) return [];
  const out: DigestChallenge[] = [];
  for (const c of parseChallenges(header)) {
    if (c.scheme.toLowerCase() !== 'digest') continue;
    const p = parseAuthParams(c.params);
    if (p.realm && p.nonce)
      out.push({ realm: p.realm, nonce: p.nonce, qop: p.qop, opaque: p.opaque, algorithm: p.algorithm });
  }
  return out;
}

/**
 * The challenge to answer: the strongest algorithm this client speaks; when none is spoken, the first (answering it
 * fails with a DigestError that says which algorithm); undefined when there is no Digest challenge.
 */
export function parseDigestChallenge(header: string | null | undefined): DigestChallenge | undefined {
  const all = parseDigestChallenges(header);
  const rank = (c: DigestChallenge) => {
    const i = (DIGEST_ALGORITHMS as readonly string[]).indexOf((c.algorithm ?? 'MD5').toUpperCase());
    return i < 0 ? DIGEST_ALGORITHMS.length : i;
  };
  return all.sort((a, b) => rank(a) - rank(b))[0];
}

/**
 * Client side of HTTP/RTSP Digest (RFC 7616: MD5, MD5-sess, SHA-256, SHA-256-sess; qop=auth when offered). Keeps the nonce and a nonce count,
 * so later requests authenticate without another round trip.
 */
export class DigestSession {
  private nc = 0;
  private cnonce = randomBytes(8).toString('hex');
  constructor(
    private challenge: DigestChallenge,
    private readonly username: string,
    private readonly password: string,
  ) {}

  update(challenge: DigestChallenge): void {
    this.challenge = challenge;
    this.nc = 0;
    this.cnonce = randomBytes(8).toString('hex');
  }

  authorization(method: string, uri: string, cnonce = this.cnonce): string {
    const c = this.challenge;
    const algorithm = c.algorithm ?? 'MD5';
    if (!(DIGEST_ALGORITHMS as readonly string[]).includes(algorithm.toUpperCase()))
      throw new DigestError(`the device asks for digest algorithm ${algorithm}, which is not supported`);
    const h = hasher(algorithm);
    let ha1 = h(`${this.username}:${c.realm}:${this.password}`);
    // -sess: the session key binds the nonce and the client nonce (one client nonce per challenge)
    if (algorithm.toUpperCase().endsWith('-SESS')) ha1 = h(`${ha1}:${c.nonce}:${cnonce}`);
    const ha2 = h(`${method}:${uri}`);
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
      parts.push(`response="${h(`${ha1}:${c.nonce}:${nc}:${cnonce}:${qop}:${ha2}`)}"`);
    } else {
      parts.push(`response="${h(`${ha1}:${c.nonce}:${ha2}`)}"`);
    }
    if (c.opaque) parts.push(`opaque="${q(c.opaque)}"`);
    parts.push(`algorithm=${algorithm}`);
    return `Digest ${parts.join(', ')}`;
  }
}
