import { createHash } from 'node:crypto';
import type { Credentials } from './auth.ts';
import type { VendorBehaviour } from './personalities.ts';

/** A deterministic urn:uuid from a MAC address, as a device's EndpointReference stays the same across reboots. */
export function endpointRefFor(mac: string): string {
  const h = createHash('sha1').update(`kuzet-sim:${mac}`).digest('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function onvifScopes(kind: string, b: VendorBehaviour, name: string): string[] {
  return [
    `onvif://www.onvif.org/type/${kind}`,
    'onvif://www.onvif.org/Profile/Streaming',
    ...(kind === 'NVR' ? ['onvif://www.onvif.org/Profile/G'] : []),
    `onvif://www.onvif.org/hardware/${b.model}`,
    `onvif://www.onvif.org/name/${name}`,
    'onvif://www.onvif.org/location/country/kazakhstan',
  ];
}

/** A locally administered MAC address from a device's name and serial (stable, and unique per simulated device). */
export function macFor(name: string, serial: string): string {
  const h = createHash('sha1').update(`kuzet-sim-mac:${name}|${serial}`).digest();
  return ['02', ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

interface DeviceConfig {
  name: string;
  serial: string;
  host: string;
  onvifPort: number;
  username: string;
  password: string;
}

/** What every simulated ONVIF device (camera or NVR) has: its identity from the config and its credentials. */
export abstract class SimDevice<C extends DeviceConfig> {
  readonly endpointRef: string;
  readonly mac: string;

  constructor(public config: C) {
    this.mac = macFor(config.name, config.serial);
    // real devices make it from their MAC (two cameras with the same placeholder serial still differ)
    this.endpointRef = endpointRefFor(this.mac);
  }

  get name() {
    return this.config.name;
  }
  get serial() {
    return this.config.serial;
  }
  get host() {
    return this.config.host;
  }
  get onvifPort() {
    return this.config.onvifPort;
  }
  credentials(): Credentials {
    return { username: this.config.username, password: this.config.password };
  }
}
