import type { DiscoveredDevice } from '@kuzet/protocol';
import pLimit from 'p-limit';
import type { AgentConfig } from '../config.ts';
import { type Identified, identify } from '../identify.ts';
import { expandRanges, hostMatches } from '../net.ts';
import { OnvifError } from '../onvif/errors.ts';
import type { Credentials } from '../onvif/soap.ts';
import type { Heard, WsDiscovery } from './wsd.ts';
import { chooseXAddr } from './xaddr.ts';

export { WsDiscovery } from './wsd.ts';

export function credentialsFor(host: string, config: AgentConfig): Credentials {
  const rule = config.credentials.find((r) => hostMatches(host, r.hosts)) ?? config.credentials[0]!;
  return { username: rule.username, password: rule.password };
}

export interface Found {
  device: DiscoveredDevice;
  identified?: Identified;
}

/** Identifies one heard device (fixing its XAddr first); failures are reported on the device, not thrown. */
export async function identifyHeard(h: Heard, config: AgentConfig): Promise<Found> {
  const xaddr = chooseXAddr(h.rawXAddrs, h.from);
  const base: DiscoveredDevice = {
    endpointRef: h.endpointRef,
    rawXAddrs: h.rawXAddrs,
    xaddr: xaddr ?? '',
    scopes: h.scopes,
    types: h.types,
    via: h.via,
    from: h.from,
  };
  if (!xaddr) return { device: { ...base, error: 'no usable XAddr in the announcement' } };
  try {
    const identified = await identify(
      xaddr,
      credentialsFor(new URL(xaddr).hostname, config),
      { timeoutMs: config.timeouts.onvifMs, serviceAddresses: config.discovery.serviceAddresses },
      h.endpointRef,
    );
    // a device added by address, or one whose ProbeMatch carried none, is asked for its scopes: what it is (a
    // recorder is no camera) and what it calls itself
    const scopes = h.scopes.length ? h.scopes : await identified.device.scopes().catch(() => []);
    // what the device calls itself and where it says it is (ONVIF scopes): staff recognise their cameras by it
    const named = { ...identified.identity, ...scopeNames(scopes) };
    return { device: { ...base, scopes, identity: named }, identified: { ...identified, identity: named } };
  } catch (err) {
    // the reason first (a table cuts long messages): "auth_failed: GetDeviceInformation at http://…: …"
    const msg = (err as Error).message;
    return { device: { ...base, error: (err instanceof OnvifError ? `${err.reason}: ${msg}` : msg).slice(0, 500) } };
  }
}

/** The name and location a device announces in its scopes (onvif://www.onvif.org/name/…, …/location/…). */
export function scopeNames(scopes: string[]): { name?: string; location?: string } {
  const out: { name?: string; location?: string } = {};
  for (const s of scopes) {
    const m = /^onvif:\/\/www\.onvif\.org\/(name|location)\/(.+)$/i.exec(s.trim());
    if (!m) continue;
    let v = m[2]!;
    try {
      v = decodeURIComponent(v);
    } catch {
      /* as announced */
    }
    const key = m[1]!.toLowerCase() as 'name' | 'location';
    // several location scopes (country/…, city/…): joined
    out[key] = (out[key] ? `${out[key]} ` : '') + v.replace(/[_/]+/g, ' ').trim().slice(0, 100);
  }
  return out;
}

/** Static device URLs from the config, as if heard. */
export function staticHeard(config: AgentConfig): Heard[] {
  return config.discovery.static.map((xaddr) => ({
    endpointRef: `static:${xaddr}`,
    types: [],
    scopes: [],
    rawXAddrs: [xaddr],
    from: new URL(xaddr).hostname,
    via: 'unicast' as const,
  }));
}

/**
 * One full discovery round (multicast, unicast ranges, static list) with identification of every device found.
 * Identification starts as soon as a device answers, while the round still listens for the others.
 */
export async function discoverAll(
  wsd: WsDiscovery,
  config: AgentConfig,
  skip?: (h: Heard) => boolean,
): Promise<{ heard: Heard[]; found: Found[]; durationMs: number }> {
  const t0 = Date.now();
  const d = config.discovery;
  const limit = pLimit(config.concurrency.identify);
  const pending: Promise<Found>[] = [];
  const start = (h: Heard) => {
    if (!skip?.(h)) pending.push(limit(() => identifyHeard(h, config)));
  };
  staticHeard(config).forEach(start);
  const heard = await wsd.probe(d.waitMs, d.repeats, expandRanges(d.unicast), start);
  const found = await Promise.all(pending);
  return { heard: [...heard, ...staticHeard(config)], found, durationMs: Date.now() - t0 };
}
