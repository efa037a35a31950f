import { describe, expect, it } from 'vitest';
import { expandRanges, hostMatches, parseRange, resolveInterfaces } from './net.ts';

describe('address helpers', () => {
  it('expands IPs, ranges and CIDRs', () => {
    expect(expandRanges(['10.0.0.1'])).toEqual(['10.0.0.1']);
    expect(expandRanges(['10.0.0.254-10.0.1.1'])).toEqual(['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
    expect(expandRanges(['192.168.1.0/30'])).toHaveLength(4);
    expect(() => expandRanges(['10.0.0.0/8'], 1000)).toThrow(/more than 1000/);
    expect(() => parseRange('10.0.0.300')).toThrow(/not an IPv4/);
  });
  it('matches hosts against rules', () => {
    expect(hostMatches('10.0.0.5', ['10.0.0.0/24'])).toBe(true);
    expect(hostMatches('10.0.1.5', ['10.0.0.0/24', '10.0.1.1-10.0.1.4'])).toBe(false);
    expect(hostMatches('anything', ['*'])).toBe(true);
  });
  it('resolves interfaces by name or address, loopback only when asked', () => {
    const all = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      eth0: [
        { address: '10.0.0.2', family: 'IPv4', internal: false },
        { address: 'fe80::1', family: 'IPv6', internal: false },
      ],
    } as unknown as Parameters<typeof resolveInterfaces>[1];
    expect(resolveInterfaces([], all)).toEqual([{ name: 'eth0', address: '10.0.0.2' }]);
    expect(resolveInterfaces(['lo'], all)).toEqual([{ name: 'lo', address: '127.0.0.1' }]);
    expect(resolveInterfaces(['10.0.0.2'], all)).toEqual([{ name: 'eth0', address: '10.0.0.2' }]);
    expect(() => resolveInterfaces(['wlan0'], all)).toThrow(/no IPv4 interface "wlan0"/);
  });
});
