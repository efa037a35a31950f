import { describe, expect, it } from 'vitest';
import { DigestError, DigestSession, parseDigestChallenge, parseDigestChallenges } from './digest.ts';

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

  // RFC 7616 §3.9.1: the same challenge with SHA-256 and with MD5, sent as two WWW-Authenticate headers
  const nonce = '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v';
  const opaque = 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS';
  const challengeWith = (algorithm: string) =>
    `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="${nonce}", opaque="${opaque}"`;
  const cnonce = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';

  it('answers the RFC 7616 example with SHA-256 and with MD5', () => {
    const answer = (algorithm: string) =>
      new DigestSession(parseDigestChallenge(challengeWith(algorithm))!, 'Mufasa', 'Circle of Life').authorization(
        'GET',
        '/dir/index.html',
        cnonce,
      );
    expect(answer('SHA-256')).toContain('response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"');
    expect(answer('SHA-256')).toContain('algorithm=SHA-256');
    expect(answer('MD5')).toContain('response="8ca523f5e9506fed4657c9700eebdbec"');
  });

  it('takes the strongest of several challenges, in either order, whatever commas their values hold', () => {
    for (const header of [
      `${challengeWith('MD5')}, ${challengeWith('SHA-256')}`,
      `${challengeWith('SHA-256')}, ${challengeWith('MD5')}`,
      `Basic realm="a, b", ${challengeWith('MD5')}, ${challengeWith('SHA-256')}`,
    ]) {
      expect(parseDigestChallenges(header)).toHaveLength(2);
      expect(parseDigestChallenge(header)).toMatchObject({
        algorithm: 'SHA-256',
        realm: 'http-auth@example.org',
        nonce,
      });
    }
    expect(parseDigestChallenge(`${challengeWith('MD5-sess')}, ${challengeWith('MD5')}`)?.algorithm).toBe('MD5-sess');
    // only an algorithm it does not speak: it says so, as a typed error
    const odd = parseDigestChallenge(challengeWith('SHA-512-256'))!;
    expect(() => new DigestSession(odd, 'u', 'p').authorization('GET', '/')).toThrow(DigestError);
    expect(() => new DigestSession(odd, 'u', 'p').authorization('GET', '/')).toThrow(/SHA-512-256/);
  });
});
