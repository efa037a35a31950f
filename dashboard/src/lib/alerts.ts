import { type Alert, SEVERITY_RANK } from '@kuzet/protocol';

/** Most severe first, then newest. */
export function sortAlerts(list: Alert[]): Alert[] {
  return [...list].sort(
    (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (a.openedAt < b.openedAt ? 1 : -1),
  );
}

/**
 * Merges live alert updates into a list: replaces known alerts, adds new ones that `keep` accepts, drops those
 * that no longer match it (e.g. resolved ones from the active feed). Returns the same list when nothing changed.
 */
export function mergeAlerts(list: Alert[], updates: Alert[], keep: (a: Alert) => boolean): Alert[] {
  let out: Alert[] | undefined;
  for (const u of updates) {
    const cur = out ?? list;
    const i = cur.findIndex((a) => a.id === u.id);
    if (i >= 0 && cur[i]!.updatedAt > u.updatedAt && cur[i]!.events.length >= u.events.length) continue; // stale
    const next = cur.filter((a) => a.id !== u.id);
    if (keep(u)) next.push(u);
    out = next;
  }
  return out ? sortAlerts(out) : list;
}
