import { z } from 'zod';
import { type AlertingConfig, type NotifyTarget, targetLabel } from './alerts.ts';
import { RegionCode } from './common.ts';

/**
 * Who is paged about an alert of a school at an escalation level: the region's contacts of that level (0 its
 * operators, 1 its duty officer, 2+ the akimat; the country's `*` entry where the region has none), and at level 0
 * the school's own people too (they hear of its alerts opening and ending; escalation is the RRC's chain), each
 * address once. The one rule the server pages by and the dashboard shows.
 */
export function pagedTargets(
  cfg: AlertingConfig,
  regionCode: string,
  schoolId: string | undefined,
  level: number,
): NotifyTarget[] {
  const c = cfg.contacts[regionCode] ?? cfg.contacts['*'];
  const region = c ? (level === 0 ? c.operators : level === 1 ? c.duty : c.akimat) : [];
  const own = level === 0 && schoolId ? (cfg.schools[schoolId]?.contacts ?? []) : [];
  const seen = new Set(region.map((t) => JSON.stringify(t)));
  return [...region, ...own.filter((t) => !seen.has(JSON.stringify(t)))];
}

/**
 * Whether administrators set this target — a region's contact at any level, or a person's — rather than a school's
 * staff: an administrator's target may be anywhere, an internal system of the RRC included; a school's is never
 * posted to an internal address (the server's WebhookPolicy).
 */
export function adminTarget(cfg: AlertingConfig, target: NotifyTarget): boolean {
  const key = JSON.stringify(target);
  const same = (list: NotifyTarget[]) => list.some((t) => JSON.stringify(t) === key);
  return (
    Object.values(cfg.contacts).some((c) => same(c.operators) || same(c.duty) || same(c.akimat)) ||
    Object.values(cfg.people).some(same)
  );
}

/** A region's paging as its operators may read it: each level's contacts by label (never a whole address). */
export const RegionPaging = z.object({
  regionCode: RegionCode,
  /** the region has no contacts of its own: the country's (`*`) are paged */
  fallback: z.boolean(),
  levels: z.array(
    z.object({
      level: z.int().nonnegative(),
      /** minutes after its opening an unacknowledged critical alert reaches this level (none for level 0) */
      afterMinutes: z.number().optional(),
      targets: z.array(z.object({ channel: z.enum(['webhook', 'email', 'telegram']), label: z.string() })),
    }),
  ),
  /** at the last level, told again this often (minutes; 0 never), at most this many times */
  renotifyMinutes: z.number(),
  maxRenotify: z.int(),
  /** schools of the region whose own people are told of their alerts too */
  schoolsWithContacts: z.int().nonnegative(),
});
export type RegionPaging = z.infer<typeof RegionPaging>;

/** A region's paging (see RegionPaging); `schools`: the ids of the region's schools. */
export function regionPaging(cfg: AlertingConfig, regionCode: string, schools: Iterable<string>): RegionPaging {
  const targets = (level: number) =>
    pagedTargets(cfg, regionCode, undefined, level).map((t) => ({ channel: t.channel, label: targetLabel(t) }));
  const esc = cfg.escalation;
  let schoolsWithContacts = 0;
  for (const id of schools) if (cfg.schools[id]?.contacts.length) schoolsWithContacts++;
  return {
    regionCode,
    fallback: !cfg.contacts[regionCode],
    // level 0 at once, then one level per escalation step (the third and later: the akimat)
    levels: [
      { level: 0, targets: targets(0) },
      ...esc.afterMinutes.map((afterMinutes, i) => ({ level: i + 1, afterMinutes, targets: targets(i + 1) })),
    ],
    renotifyMinutes: esc.renotifyMinutes,
    maxRenotify: esc.maxRenotify,
    schoolsWithContacts,
  };
}
