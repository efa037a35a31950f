import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook that school staff set may be sent: not into the centre's own networks. A school's contacts are
 * kept by its staff (the lowest role), and the server posts to them on every alert of the school; without a limit a
 * staff account could aim the server at its loopback, its Redis, the cloud's metadata address or the RRC's internal
 * services (server-side request forgery), and read what answered from the delivery's failure reason. Addresses of
 * these ranges are refused for such webhooks — when the address is saved, and again when the connection is made
 * (the name resolved then, so a name that changes its address after the check is caught) — unless the host or its
 * network is allowed in the configuration (KUZET_WEBHOOK_INTERNAL_ALLOW). Webhooks that administrators set (the
 * regions' contacts, people's) are theirs to aim, internal systems of the RRC included.
 */
const INTERNAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const)
  INTERNAL.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  INTERNAL.addSubnet(net, bits, 'ipv6');

/** An address's IPv4 form, if it has one (an IPv4 address written as IPv6, ::ffff:127.0.0.1, is the IPv4 address). */
const ipv4Of = (ip: string) => /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? (isIP(ip) === 4 ? ip : undefined);

/** Whether an address is one of the centre's own networks' (loopback, private, link-local, reserved…). */
export function internalAddress(ip: string): boolean {
  const v4 = ipv4Of(ip);
  if (v4) return INTERNAL.check(v4, 'ipv4');
  return isIP(ip) === 6 ? INTERNAL.check(ip, 'ipv6') : true;
}

/** the address of a URL's host, without IPv6's brackets */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

export class WebhookPolicy {
  private readonly hosts = new Set<string>();
  private readonly nets = new BlockList();

  /** `allow`: host names, addresses and networks (10.20.0.0/16) such webhooks may reach although internal */
  constructor(allow: string[] = []) {
    for (const raw of allow) {
      const a = raw.trim().toLowerCase();
      if (!a) continue;
      const [net, bits] = a.split('/');
      const v = isIP(net ?? '');
      if (v && bits !== undefined) this.nets.addSubnet(net!, Number(bits), v === 4 ? 'ipv4' : 'ipv6');
      else if (v) this.nets.addAddress(a, v === 4 ? 'ipv4' : 'ipv6');
      else this.hosts.add(a);
    }
  }

  /** Whether `address`, reached by the name `host`, may be posted to. */
  allows(host: string, address: string): boolean {
    if (!internalAddress(address)) return true;
    if (this.hosts.has(host.toLowerCase())) return true;
    const v4 = ipv4Of(address);
    return v4 ? this.nets.check(v4, 'ipv4') : this.nets.check(address, 'ipv6');
  }

  /**
   * Why a webhook URL may not be saved for a school (undefined: it may): its host is, or its name resolves to, an
   * internal address not allowed. A name that does not resolve now is accepted: the connection is checked again.
   */
  async refusal(url: string): Promise<{ host: string; address: string } | undefined> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return undefined; // not a URL: the schema says so
    }
    const host = hostOf(u);
    const addresses = isIP(host)
      ? [host]
      : await lookup(host, { all: true, verbatim: true }).then(
          (r) => r.map((x) => x.address),
          () => [],
        );
    const address = addresses.find((a) => !this.allows(host, a));
    return address ? { host, address } : undefined;
  }

  /**
   * The DNS lookup of a guarded connection (http.request's `lookup`): the name's addresses, or an error when one of
   * them is internal and not allowed (every address refused, not only the first: the connection may try any).
   */
  readonly lookup = (
    host: string,
    options: LookupOptions,
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(host, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const bad = addresses.find((a) => !this.allows(host, a.address));
      if (bad) return callback(internalError(host, bad.address), '');
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };

  /** Refuses a URL whose host is an internal address written out (no lookup is made for an address). */
  literalRefusal(url: URL): Error | undefined {
    const host = hostOf(url);
    return isIP(host) && !this.allows(host, host) ? internalError(host, host) : undefined;
  }
}

function internalError(host: string, address: string): Error {
  return Object.assign(new Error(`${host} is an internal address (${address}): not allowed for this webhook`), {
    code: 'EINTERNAL',
  });
}
