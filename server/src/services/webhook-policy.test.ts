import { describe, expect, it } from 'vitest';
import { internalAddress, WebhookPolicy } from './webhook-policy.ts';

describe("where a school's webhook may go", () => {
  it('knows the internal addresses: loopback, private, shared, link-local, reserved, multicast, and IPv6 alike', () => {
    for (const ip of [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '224.0.0.251',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd12:3456::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not-an-address',
    ])
      expect([ip, internalAddress(ip)]).toEqual([ip, true]);
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '95.59.1.1', '2a00:1450:4001::1', '::ffff:8.8.8.8'])
      expect([ip, internalAddress(ip)]).toEqual([ip, false]);
  });

  it('allows the hosts, addresses and networks the configuration names, and nothing else internal', () => {
    const p = new WebhookPolicy(['hooks.lan', ' 10.20.0.5', '10.30.0.0/16', '']);
    expect(p.allows('hooks.lan', '10.1.1.1')).toBe(true);
    expect(p.allows('HOOKS.LAN', '10.1.1.1')).toBe(true);
    expect(p.allows('x.kz', '10.20.0.5')).toBe(true);
    expect(p.allows('x.kz', '10.30.4.4')).toBe(true);
    expect(p.allows('x.kz', '10.31.0.1')).toBe(false);
    expect(p.allows('x.kz', '127.0.0.1')).toBe(false);
    expect(p.allows('x.kz', '8.8.8.8')).toBe(true);
    expect(new WebhookPolicy().allows('localhost', '127.0.0.1')).toBe(false);
  });

  it('refuses a URL whose host is, or resolves to, an internal address', async () => {
    const p = new WebhookPolicy();
    expect(await p.refusal('http://localhost:6379/')).toMatchObject({ host: 'localhost' });
    expect(await p.refusal('http://169.254.169.254/latest/meta-data')).toEqual({
      host: '169.254.169.254',
      address: '169.254.169.254',
    });
    expect(await p.refusal('https://[::1]:8443/x')).toEqual({ host: '::1', address: '::1' });
    expect(await p.refusal('http://8.8.8.8/hook')).toBeUndefined();
    expect(await new WebhookPolicy(['localhost']).refusal('http://localhost:6379/')).toBeUndefined();
    expect(p.literalRefusal(new URL('http://10.0.0.7/x'))?.message).toMatch(/10\.0\.0\.7 is an internal address/);
    expect(p.literalRefusal(new URL('http://localhost/x'))).toBeUndefined(); // a name: checked when it resolves
  });
});
