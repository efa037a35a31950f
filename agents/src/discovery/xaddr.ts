const isIPv4 = (h: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(h);

/**
 * Picks the device service address to use from what a device announced, fixing what real firmware gets wrong:
 * 0.0.0.0 or an empty host (use the address the datagram came from), several addresses (prefer the one we heard
 * from, then IPv4 outside link-local), IPv6 beside IPv4 (use IPv4). Returns undefined if nothing is usable.
 */
export function chooseXAddr(raw: string[], from: string): string | undefined {
  const candidates: { url: URL; score: number }[] = [];
  for (const s of raw) {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    let host = url.hostname;
    if (host === '0.0.0.0' || host === '' || host === 'localhost') {
      url.hostname = from;
      host = from;
    }
    let score: number;
    if (host.startsWith('[') || host.includes(':'))
      score = 1; // IPv6
    else if (!isIPv4(host))
      score = 2; // a DNS name
    else if (host === from) score = 5;
    else if (host.startsWith('169.254.') && !from.startsWith('169.254.')) score = 0;
    else score = sameSubnet24(host, from) ? 4 : 3;
    candidates.push({ url, score });
  }
  candidates.sort((a, b) => b.score - a.score);
  return candidates[0]?.url.toString();
}

function sameSubnet24(a: string, b: string): boolean {
  return a.split('.').slice(0, 3).join('.') === b.split('.').slice(0, 3).join('.');
}
