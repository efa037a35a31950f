import { z } from 'zod';
import { Day, type Profile, type RequirementsDoc } from './compliance.ts';
import { versionWithChanges } from './versions.ts';

/**
 * What one version of the requirement document changed against the one before, item by item: what the audit log
 * says in a line, and what the requirement history shows auditors in their language (an archived day's verdicts
 * are read against the version that judged them: a drop in compliant schools the day 30 recording days became
 * required is not a failure of the cameras).
 */

/** a profile's numbers, in the order the editor shows them */
export const PROFILE_NUMBERS = [
  'minRetentionDays',
  'minWidth',
  'minHeight',
  'minFps',
  'maxClockDriftSeconds',
  'maxGapMinutes',
  'gapWindowDays',
  'minCameras',
  'maxBlur',
  'minContrast',
  'minSceneSimilarity',
] as const satisfies readonly (keyof Profile)[];

const Scope = z.enum(['country', 'region', 'district', 'school']);

export const RequirementChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('profile_added'), profile: z.string() }),
  z.object({ kind: z.literal('profile_removed'), profile: z.string() }),
  z.object({
    kind: z.literal('number'),
    profile: z.string(),
    field: z.enum(PROFILE_NUMBERS),
    from: z.number(),
    to: z.number(),
  }),
  /** a zone a profile requires (with at least `to` cameras; absent: no longer required, or not before) */
  z.object({
    kind: z.literal('required_zone'),
    profile: z.string(),
    zone: z.string(),
    from: z.int().optional(),
    to: z.int().optional(),
  }),
  /** the profile a place is assigned (absent: the assignment of the place above applies) */
  z.object({
    kind: z.literal('assigned'),
    scope: Scope,
    id: z.string(),
    from: z.string().optional(),
    to: z.string().optional(),
  }),
  /** an akimat's deadline for 100% (absent: none of its own) */
  z.object({
    kind: z.literal('deadline'),
    scope: Scope.exclude(['school']),
    id: z.string(),
    from: Day.optional(),
    to: Day.optional(),
  }),
  /** the zone catalogue: a zone added, removed, or its names, hints or whether cameras are forbidden there */
  z.object({ kind: z.literal('zone'), zone: z.string(), change: z.enum(['added', 'removed', 'changed']) }),
]);
export type RequirementChange = z.infer<typeof RequirementChange>;

const SCOPES = [
  ['regions', 'region'],
  ['districts', 'district'],
  ['schools', 'school'],
] as const;

/** Every change from `a` to `b`, in the document's order: profiles, required zones, assignments, deadlines, zones. */
export function requirementChanges(a: RequirementsDoc, b: RequirementsDoc): RequirementChange[] {
  const out: RequirementChange[] = [];
  for (const p of b.profiles) {
    const old = a.profiles.find((x) => x.name === p.name);
    if (!old) {
      out.push({ kind: 'profile_added', profile: p.name });
      continue;
    }
    for (const field of PROFILE_NUMBERS)
      if (old[field] !== p[field]) out.push({ kind: 'number', profile: p.name, field, from: old[field], to: p[field] });
    const before = new Map(old.requiredZones.map((r) => [r.zone, r.minCameras]));
    const now = new Map(p.requiredZones.map((r) => [r.zone, r.minCameras]));
    for (const zone of new Set([...before.keys(), ...now.keys()])) {
      const from = before.get(zone);
      const to = now.get(zone);
      if (from !== to)
        out.push({
          kind: 'required_zone',
          profile: p.name,
          zone,
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
        });
    }
  }
  for (const p of a.profiles)
    if (!b.profiles.some((x) => x.name === p.name)) out.push({ kind: 'profile_removed', profile: p.name });
  if (a.assign.country !== b.assign.country)
    out.push({ kind: 'assigned', scope: 'country', id: 'KZ', from: a.assign.country, to: b.assign.country });
  for (const [key, scope] of SCOPES) out.push(...mapChanges(a.assign[key], b.assign[key], 'assigned', scope));
  if (a.deadlines.country !== b.deadlines.country)
    out.push({
      kind: 'deadline',
      scope: 'country',
      id: 'KZ',
      ...(a.deadlines.country ? { from: a.deadlines.country } : {}),
      ...(b.deadlines.country ? { to: b.deadlines.country } : {}),
    });
  out.push(...mapChanges(a.deadlines.regions, b.deadlines.regions, 'deadline', 'region'));
  out.push(...mapChanges(a.deadlines.districts, b.deadlines.districts, 'deadline', 'district'));
  for (const z of b.zones) {
    const old = a.zones.find((x) => x.id === z.id);
    if (!old) out.push({ kind: 'zone', zone: z.id, change: 'added' });
    else if (JSON.stringify(old) !== JSON.stringify(z)) out.push({ kind: 'zone', zone: z.id, change: 'changed' });
  }
  for (const z of a.zones)
    if (!b.zones.some((x) => x.id === z.id)) out.push({ kind: 'zone', zone: z.id, change: 'removed' });
  return out;
}

/** the entries of one assignment or deadline map that differ (sorted by place) */
function mapChanges<K extends 'assigned' | 'deadline'>(
  a: Record<string, string>,
  b: Record<string, string>,
  kind: K,
  scope: K extends 'deadline' ? 'region' | 'district' : 'region' | 'district' | 'school',
): RequirementChange[] {
  const out: RequirementChange[] = [];
  for (const id of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const from = a[id];
    const to = b[id];
    if (from !== to)
      out.push({ kind, scope, id, ...(from ? { from } : {}), ...(to ? { to } : {}) } as RequirementChange);
  }
  return out;
}

const or = (v: string | number | undefined) => (v === undefined ? '–' : String(v));

/** One change in a line of English (the audit log's words; the dashboard says it in the reader's language). */
export function changeText(c: RequirementChange): string {
  switch (c.kind) {
    case 'profile_added':
      return `profile ${c.profile} added`;
    case 'profile_removed':
      return `profile ${c.profile} removed`;
    case 'number':
      return `${c.profile}.${c.field} ${c.from} → ${c.to}`;
    case 'required_zone':
      return `${c.profile} zone ${c.zone} cameras ${or(c.from)} → ${or(c.to)}`;
    case 'assigned':
      return `${c.scope} ${c.id} profile ${or(c.from)} → ${or(c.to)}`;
    case 'deadline':
      return `${c.scope} ${c.id} deadline ${or(c.from)} → ${or(c.to)}`;
    case 'zone':
      return `zone ${c.zone} ${c.change}`;
  }
}

/** The audit log's line for a new version: "v4 → v5; minimum.minRetentionDays 14 → 30; …" (at most 500 characters). */
export function changeLine(a: RequirementsDoc, b: RequirementsDoc, restoredFrom?: number): string {
  const head = `v${a.version} → v${b.version}${restoredFrom ? ` (v${restoredFrom} restored)` : ''}`;
  const line = [head, ...requirementChanges(a, b).map(changeText)].join('; ');
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}

/** One version in the requirement history (GET /requirements/versions). */
export const RequirementVersion = versionWithChanges(RequirementChange);
export type RequirementVersion = z.infer<typeof RequirementVersion>;

export const RequirementVersions = z.object({
  /** the version in force */
  current: z.int().positive(),
  /** newest first */
  versions: z.array(RequirementVersion),
});
export type RequirementVersions = z.infer<typeof RequirementVersions>;
