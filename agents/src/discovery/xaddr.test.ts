import { describe, expect, it } from 'vitest';
import { chooseXAddr } from './xaddr.ts';

describe('chooseXAddr', () => {
  it('replaces 0.0.0.0 with the address the answer came from', () => {
    expect(chooseXAddr(['http://0.0.0.0:8000/onvif/device_service'], '10.1.2.3')).toBe(
      'http://10.1.2.3:8000/onvif/device_service',
    );
  });
  it('prefers IPv4 over IPv6 and the sender over link-local', () => {
    expect(
      chooseXAddr(['http://[fe80::1]:80/onvif/device_service', 'http://10.0.0.5/onvif/device_service'], '10.0.0.5'),
    ).toBe('http://10.0.0.5/onvif/device_service');
    expect(chooseXAddr(['http://169.254.7.7:80/o', 'http://192.168.1.20:80/o'], '192.168.1.20')).toBe(
      'http://192.168.1.20/o',
    );
  });
  it('prefers the address in the sender subnet when none equals the sender', () => {
    expect(chooseXAddr(['http://172.16.0.9/o', 'http://192.168.1.21/o'], '192.168.1.20')).toBe('http://192.168.1.21/o');
  });
  it('falls back to IPv6 when that is all there is, and gives up on garbage', () => {
    expect(chooseXAddr(['http://[fe80::1]:80/o'], '10.0.0.1')).toBe('http://[fe80::1]/o');
    expect(chooseXAddr(['not a url', 'ftp://x/'], '10.0.0.1')).toBeUndefined();
  });
});
