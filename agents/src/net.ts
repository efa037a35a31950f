import os from 'node:os';

export function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((n) => !Number.isInteger(n) || n < 0 || n > 255))
    throw new Error(`not an IPv4 address: ${ip}`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

export const intToIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** [first, last] of an IPv4 address, range (a-b) or CIDR. */
export function parseRange(spec: string): [number, number] {
  if (spec.includes('/')) {
    const [ip, bits] = spec.split('/');
    const b = Number(bits);
    if (!Number.isInteger(b) || b < 8 || b > 32) throw new Error(`bad prefix length in ${spec} (8..32)`);
    const mask = b === 32 ? 0xffffffff : ~(0xffffffff >>> b) >>> 0;
    const base = (ipToInt(ip!) & mask) >>> 0;
    return [base, (base | (~mask >>> 0)) >>> 0];
  }
  if (spec.includes('-')) {
    const [a, b] = spec.split('-');
    const lo = ipToInt(a!.trim());
    const hi = ipToInt(b!.trim());
    if (hi < lo) throw new Error(`empty range ${spec}`);
    return [lo, hi];
  }
  const n = ipToInt(spec);
  return [n, n];
}

/** Expands range specs into addresses (bounded: at most `max`). */
export function expandRanges(specs: string[], max = 65_536): string[] {
  const out: string[] = [];
  for (const s of specs) {
    const [lo, hi] = parseRange(s);
    if (hi - lo + 1 + out.length > max) throw new Error(`address ranges expand to more than ${max} addresses`);
    for (let n = lo; n <= hi; n++) out.push(intToIp(n));
  }
  return out;
}

export function hostMatches(host: string, patterns: string[]): boolean {
  return patterns.some((p) => {
    if (p === '*') return true;
    try {
      const [lo, hi] = parseRange(p);
      const n = ipToInt(host);
      return n >= lo && n <= hi;
    } catch {
      return p === host;
    }
  });
}

export interface LocalInterface {
  name: string;
  address: string;
}

/**
 * The IPv4 interfaces to run discovery on: the configured ones (by name or address), or every non-internal IPv4
 * interface when none is configured. Loopback is used only when asked for.
 */
export function resolveInterfaces(wanted: string[], all = os.networkInterfaces()): LocalInterface[] {
  const list: (LocalInterface & { internal: boolean })[] = [];
  for (const [name, addrs] of Object.entries(all)) {
    for (const a of addrs ?? []) if (a.family === 'IPv4') list.push({ name, address: a.address, internal: a.internal });
  }
  const strip = ({ name, address }: LocalInterface) => ({ name, address });
  if (wanted.length === 0) return list.filter((i) => !i.internal).map(strip);
  return wanted.flatMap((w) => {
    const found = list.filter((i) => i.name === w || i.address === w);
    if (found.length === 0)
      throw new Error(`no IPv4 interface "${w}" (have: ${list.map((i) => `${i.name}=${i.address}`).join(', ')})`);
    return found.map(strip);
  });
}
