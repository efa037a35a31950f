import { z } from 'zod';
import { type AlertingConfig, CONTACT_LEVELS } from './alerts.ts';
import { versionWithChanges } from './versions.ts';

/**
 * What one version of the alerting configuration changed against the one before, item by item: the audit log's line
 * (in English, `alertingChangeText`) and the versions' list on the dashboard (in the reader's language). Contacts are
 * counted by whose and how many, never by address: the list is read by every administrator, the audit log by
 * auditors too.
 */

const Count = z.int().nonnegative();

export const ALERTING_SECTIONS = ['escalation', 'ackSlaMinutes', 'rules', 'regions', 'schoolRules'] as const;

export const AlertingChange = z.discriminatedUnion('kind', [
  /** a region's contacts of one level ('*': every region without its own) */
  z.object({
    kind: z.literal('contacts'),
    region: z.string(),
    level: z.enum(CONTACT_LEVELS),
    from: Count,
    to: Count,
  }),
  /** a school's own people */
  z.object({ kind: z.literal('school_contacts'), school: z.string(), from: Count, to: Count }),
  /** a person's own contacts */
  z.object({ kind: z.literal('person'), name: z.string(), from: Count, to: Count }),
  /** a section changed as a whole: escalation times, acknowledgement deadlines, rules everywhere, per region, per school */
  z.object({ kind: z.literal('section'), section: z.enum(ALERTING_SECTIONS) }),
]);
export type AlertingChange = z.infer<typeof AlertingChange>;

/** The items a configuration changed, in the order of the document. */
export function alertingChanges(a: AlertingConfig, b: AlertingConfig): AlertingChange[] {
  const out: AlertingChange[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  for (const region of new Set([...Object.keys(a.contacts), ...Object.keys(b.contacts)]))
    for (const level of CONTACT_LEVELS) {
      const before = a.contacts[region]?.[level] ?? [];
      const after = b.contacts[region]?.[level] ?? [];
      if (!same(before, after)) out.push({ kind: 'contacts', region, level, from: before.length, to: after.length });
    }
  for (const school of new Set([...Object.keys(a.schools), ...Object.keys(b.schools)])) {
    const before = a.schools[school]?.contacts ?? [];
    const after = b.schools[school]?.contacts ?? [];
    if (!same(before, after)) out.push({ kind: 'school_contacts', school, from: before.length, to: after.length });
  }
  for (const name of new Set([...Object.keys(a.people), ...Object.keys(b.people)]))
    if (!same(a.people[name], b.people[name]))
      out.push({ kind: 'person', name, from: a.people[name]?.length ?? 0, to: b.people[name]?.length ?? 0 });
  const rulesOf = (c: AlertingConfig) =>
    Object.entries(c.schools).flatMap(([id, x]) => (Object.keys(x.rules).length ? [[id, x.rules]] : []));
  for (const section of ['escalation', 'ackSlaMinutes', 'rules', 'regions'] as const)
    if (!same(a[section], b[section])) out.push({ kind: 'section', section });
  if (!same(rulesOf(a), rulesOf(b))) out.push({ kind: 'section', section: 'schoolRules' });
  return out;
}

const SECTION_TEXT: Record<(typeof ALERTING_SECTIONS)[number], string> = {
  escalation: 'escalation',
  ackSlaMinutes: 'ackSlaMinutes',
  rules: 'rules',
  regions: 'rules per region',
  schoolRules: 'rules per school',
};

/** One change as the audit log says it. */
export function alertingChangeText(c: AlertingChange): string {
  switch (c.kind) {
    case 'contacts':
      return `contacts ${c.region} ${c.level}: ${c.from} → ${c.to}`;
    case 'school_contacts':
      return `school ${c.school} contacts: ${c.from} → ${c.to}`;
    case 'person':
      return `${c.name}'s contacts: ${c.from} → ${c.to}`;
    case 'section':
      return SECTION_TEXT[c.section];
  }
}

/** One version in the alerting configuration's history (GET /alerting/versions): what it changed. */
export const AlertingVersion = versionWithChanges(AlertingChange).extend({
  /** what it changed, in a line as the audit log says it; absent: not compared */
  change: z.string().optional(),
});
export type AlertingVersion = z.infer<typeof AlertingVersion>;

export const AlertingVersions = z.object({
  current: z.int().nonnegative(),
  /** newest first */
  versions: z.array(AlertingVersion),
});
export type AlertingVersions = z.infer<typeof AlertingVersions>;
