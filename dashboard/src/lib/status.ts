import type { CameraDelta, CentreStatus, StatusCounts } from '@kuzet/protocol';

/** How each status looks: colour plus an icon and a word, never colour alone. Order = severity for sorting. */
export const STATUSES: readonly CentreStatus[] = ['offline', 'link_down', 'degraded', 'unknown', 'online'];
export const STATUS_META: Record<CentreStatus, { color: string; rgba: number; icon: string }> = {
  // colours chosen to stay apart for the common colour-vision deficiencies; ABGR words for ImageData
  online: { color: '#1b7f3b', rgba: 0xff3b7f1b, icon: '✓' },
  degraded: { color: '#c77800', rgba: 0xff0078c7, icon: '!' },
  offline: { color: '#c62828', rgba: 0xff2828c6, icon: '✕' },
  unknown: { color: '#6b7280', rgba: 0xff80726b, icon: '?' },
  link_down: { color: '#6a3fb5', rgba: 0xffb53f6a, icon: '⌁' },
};

export const total = (c: StatusCounts) => Object.values(c).reduce((a, b) => a + (b ?? 0), 0);
/** cameras that are not known to work: offline, link down, degraded */
export const trouble = (c: StatusCounts) => (c.offline ?? 0) + (c.link_down ?? 0) + (c.degraded ?? 0);
export const troubleShare = (c: StatusCounts) => {
  const t = total(c);
  return t ? trouble(c) / t : 0;
};

/** The worst status present in a set of counts (a school's headline status). */
export function worstStatus(c: StatusCounts): CentreStatus | undefined {
  return STATUSES.find((s) => (c[s] ?? 0) > 0);
}

/** Applies a camera's move from one status to another to a set of counts (copy). */
export function moveCount(c: StatusCounts, from: CentreStatus | undefined, to: CentreStatus): StatusCounts {
  const out = { ...c };
  if (from) out[from] = Math.max(0, (out[from] ?? 0) - 1);
  out[to] = (out[to] ?? 0) + 1;
  return out;
}

/** Live deltas applied to the counts of regions or districts (copies; the same list when nothing changed). */
export function applyCounts<T extends { counts: StatusCounts }>(
  rs: T[],
  ds: CameraDelta[],
  holds: (r: T, d: CameraDelta) => boolean,
): T[] {
  let out: T[] | undefined;
  for (const d of ds) {
    if (!d.previous) continue;
    const i = rs.findIndex((r) => holds(r, d));
    if (i < 0) continue;
    out ??= [...rs];
    out[i] = { ...out[i]!, counts: moveCount(out[i]!.counts, d.previous.status, d.status) };
  }
  return out ?? rs;
}
