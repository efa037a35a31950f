import { createHash, randomBytes } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';
const hasher = (algorithm: string) => {
  const name = algorithm.toUpperCase().startsWith('SHA-256') ? 'sha256' : 'md5';
  return (s: string) => createHash(name).update(s).digest('hex');
};

export interface Credentials {
  username: string;
  password: string;
}

/**
 * Server side of HTTP/RTSP Digest authentication (RFC 7616): one challenge per algorithm it offers, in its order
 * (real cameras send MD5 and SHA-256 as two WWW-Authenticate headers, in either order), qop=auth or none.
 */
export class DigestVerifier {
  private readonly nonces = new Map<string, number>();

  constructor(
    readonly realm: string,
    readonly algorithms: readonly DigestAlgorithm[] = ['MD5'],
    private readonly maxNonces = 1024,
  ) {}

  /** The challenges of one 401: a header value each. */
  challenges(): string[] {
    return this.algorithms.map((a) => {
      const nonce = randomBytes(16).toString('hex');
      this.nonces.set(nonce, Date.now());
      if (this.nonces.size > this.maxNonces) {
        const oldest = this.nonces.keys().next().value;
        if (oldest) this.nonces.delete(oldest);
      }
      return `Digest realm="${this.realm}", nonce="${nonce}", qop="auth", algorithm=${a}`;
    });
  }

  /** The first challenge alone (one header). */
  challenge(): string {
    return this.challenges()[0]!;
  }

  /** true when the Authorization header proves knowledge of the password for this method/uri. */
  verify(header: string | undefined, method: string, creds: Credentials): boolean {
    if (!header?.startsWith('Digest ')) return false;
    const p = parseAuthParams(header.slice(7));
    if (!p.nonce || !this.nonces.has(p.nonce) || p.username !== creds.username || !p.uri || !p.response) return false;
    if (p.realm !== this.realm) return false;
    const algorithm = this.algorithms.find((a) => a.toUpperCase() === (p.algorithm ?? 'MD5').toUpperCase());
    if (!algorithm) return false;
    const h = hasher(algorithm);
    let ha1 = h(`${creds.username}:${this.realm}:${creds.password}`);
    if (algorithm.endsWith('-sess')) ha1 = h(`${ha1}:${p.nonce}:${p.cnonce ?? ''}`);
    const ha2 = h(`${method}:${p.uri}`);
    const expected = p.qop ? h(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : h(`${ha1}:${p.nonce}:${ha2}`);
    return expected === p.response;
  }
}

/** Parses `key="value", key=value` lists as used by Digest headers. */
export function parseAuthParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}

/** Verifies a WS-Security UsernameToken with PasswordDigest against the device's own clock. */
export function verifyUsernameToken(
  token: { username?: string; password?: string; nonce?: string; created?: string },
  creds: Credentials,
  deviceNowMs: number,
  maxSkewMs: number,
): 'ok' | 'bad' | 'expired' {
  if (!token.username || !token.password || !token.nonce || !token.created) return 'bad';
  if (token.username !== creds.username) return 'bad';
  const created = Date.parse(token.created);
  if (Number.isNaN(created)) return 'bad';
  const digest = createHash('sha1')
    .update(
      Buffer.concat([Buffer.from(token.nonce, 'base64'), Buffer.from(token.created), Buffer.from(creds.password)]),
    )
    .digest('base64');
  if (digest !== token.password) return 'bad';
  if (Math.abs(created - deviceNowMs) > maxSkewMs) return 'expired';
  return 'ok';
}
