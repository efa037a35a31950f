import { type AckSla, type Alert, episodeStart, SEVERITY_RANK, snoozed } from '@kuzet/protocol';

/** Most severe first, then newest (a reopened alert by its reopening). */
export function sortAlerts(list: Alert[]): Alert[] {
  return [...list].sort(
    (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (episodeStart(a) < episodeStart(b) ? 1 : -1),
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

/** the language's key in a names object: Kazakh, else Russian (the registry's school names have no English) */
const kkOrRu = (lang: string) => (lang.startsWith('kk') ? 'kk' : 'ru');

/**
 * What an alert is about, in the names people use (the server adds them: Alert.names): the school's and district's
 * names in the user's language, the camera's name (else its address, else its id) and its zone. Ids stay for links.
 */
export function alertPlace(a: Alert, lang: string) {
  const n = a.names ?? {};
  const zoneLang = lang.startsWith('kk') ? 'kk' : lang.startsWith('ru') ? 'ru' : 'en';
  return {
    school: n.school?.[kkOrRu(lang)] ?? a.schoolId,
    district: n.district?.[kkOrRu(lang)],
    camera: a.cameraId ? (n.camera ?? n.host ?? a.cameraId) : undefined,
    zone: n.zone?.[zoneLang],
  };
}

/** the same as one line of text (a notification, a cue): "school / camera (zone)" */
export function alertPlaceText(a: Alert, lang: string): string {
  const p = alertPlace(a, lang);
  return `${p.school}${p.camera ? ` / ${p.camera}${p.zone ? ` (${p.zone})` : ''}` : ''}`;
}

/**
 * Unacknowledged past its severity's SLA (minutes), at `now`, and not snoozed: highlighted in the feed. A reopened
 * alert's deadline runs from its reopening.
 */
export function overSla(a: Alert, sla: AckSla | undefined, now = Date.now()): boolean {
  return (
    !!sla && a.state === 'open' && !snoozed(a, now) && now - Date.parse(episodeStart(a)) > sla[a.severity] * 60_000
  );
}
