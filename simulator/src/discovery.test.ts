import { describe, expect, it } from 'vitest';
import { probeMatches } from './discovery.ts';
import type { OnvifDeviceModel } from './onvif/model.ts';

const device = (kind: 'camera' | 'nvr') =>
  ({
    kind,
    scopes: () => ['onvif://www.onvif.org/type/NetworkVideoTransmitter', 'onvif://www.onvif.org/name/gate'],
  }) as unknown as OnvifDeviceModel;

describe('Probe matching', () => {
  it('matches by types (all requested types) and scope prefixes', () => {
    expect(probeMatches(device('camera'), '', '')).toBe(true);
    expect(probeMatches(device('camera'), 'dn:NetworkVideoTransmitter', '')).toBe(true);
    expect(probeMatches(device('nvr'), 'dn:NetworkVideoTransmitter', '')).toBe(false);
    expect(probeMatches(device('nvr'), 'tds:Device', '')).toBe(true);
    expect(probeMatches(device('camera'), '', 'onvif://www.onvif.org/name')).toBe(true);
    expect(probeMatches(device('camera'), '', 'onvif://www.onvif.org/na')).toBe(false);
    expect(probeMatches(device('camera'), '', 'onvif://www.onvif.org/name/gate onvif://www.onvif.org/location')).toBe(
      false,
    );
  });
});
