import { describe, expect, it } from 'vitest';
import { DigestSession, parseDigestChallenge } from './digest.ts';

describe('HTTP Digest client', () => {
  it('computes the RFC 2617 example response', () => {
    const c = parseDigestChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    expect(c).toBeDefined();
    const header = new DigestSession(c!, 'Mufasa', 'Circle Of Life').authorization(
      'GET',
      '/dir/index.html',
      '0a4f113b',
    );
    expect(header).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(header).toContain('nc=00000001');
    expect(header).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  });

  it('counts nonce uses and ignores non-digest challenges', () => {
    const s = new DigestSession({ realm: 'r', nonce: 'n', qop: 'auth' }, 'u', 'p');
    s.authorization('POST', '/a');
    expect(s.authorization('POST', '/a')).toContain('nc=00000002');
    expect(parseDigestChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseDigestChallenge(undefined)).toBeUndefined();
  });

  it('uses the legacy form without qop', () => {
    const h = new DigestSession({ realm: 'r', nonce: 'n' }, 'u', 'p').authorization('DESCRIBE', 'rtsp://h/s');
    expect(h).not.toContain('qop=');
    expect(h).toMatch(/response="[0-9a-f]{32}"/);
  });
});
