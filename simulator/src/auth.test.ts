import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DigestVerifier, parseAuthParams, verifyUsernameToken } from './auth.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const creds = { username: 'admin', password: 'secret' };

function token(password: string, created: string) {
  const nonce = randomBytes(16);
  const digest = createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(password)]))
    .digest('base64');
  return { username: 'admin', password: digest, nonce: nonce.toString('base64'), created };
}

describe('simulator auth', () => {
  it('verifies a Digest response computed by the client formula, and only for issued nonces', () => {
    const v = new DigestVerifier('cam');
    const { nonce } = parseAuthParams(v.challenge().slice(7));
    const ha1 = md5('admin:cam:secret');
    const ha2 = md5('POST:/onvif/device_service');
    const response = md5(`${ha1}:${nonce}:00000001:abc:auth:${ha2}`);
    const header = `Digest username="admin", realm="cam", nonce="${nonce}", uri="/onvif/device_service", qop=auth, nc=00000001, cnonce="abc", response="${response}"`;
    expect(v.verify(header, 'POST', creds)).toBe(true);
    expect(v.verify(header, 'GET', creds)).toBe(false);
    expect(v.verify(header, 'POST', { ...creds, password: 'other' })).toBe(false);
    expect(v.verify(header.replace(nonce!, 'f'.repeat(32)), 'POST', creds)).toBe(false);
  });

  it('checks UsernameToken digests against the device clock', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(verifyUsernameToken(token('secret', '2026-01-01T10:00:03Z'), creds, now, 10_000)).toBe('ok');
    expect(verifyUsernameToken(token('wrong', '2026-01-01T10:00:03Z'), creds, now, 10_000)).toBe('bad');
    expect(verifyUsernameToken(token('secret', '2026-01-01T10:01:00Z'), creds, now, 10_000)).toBe('expired');
    expect(verifyUsernameToken({ username: 'admin' }, creds, now, 10_000)).toBe('bad');
  });
});
