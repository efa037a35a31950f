import { type AlertingConfig, type Localized, type NotifyTarget, problemText } from '@kuzet/protocol';
import type { RegistryRepository } from '../repositories/registry.ts';
import type { UserRepository } from '../repositories/users.ts';

/*
 * What an alerting configuration stored whole (an administrator's save, a version brought back) or a school's own
 * contacts may add: one check for every way in, and what a version brought back leaves out when asked to.
 */

export interface AdmissionDeps {
  registry: Pick<RegistryRepository, 'unknownRegions' | 'school'>;
  users: Pick<UserRepository, 'get'>;
  /** why a school's webhook may not be posted to (an internal address), if it may not (see WebhookPolicy) */
  webhookRefusal: (url: string) => Promise<{ host: string; address: string } | undefined>;
}

/**
 * A school's webhooks that point to an internal address (see WebhookPolicy), as problems of the list (`where`: the
 * list's place in the document), with their places in the list; `before`: the list stored, whose webhooks are not
 * checked again.
 */
export async function internalWebhooks(
  d: AdmissionDeps,
  contacts: NotifyTarget[],
  where = 'contacts',
  before: NotifyTarget[] = [],
): Promise<{ problems: Localized[]; at: number[] }> {
  const out: { problems: Localized[]; at: number[] } = { problems: [], at: [] };
  const known = new Set(before.map((t) => JSON.stringify(t)));
  for (const [i, t] of contacts.entries()) {
    if (t.channel !== 'webhook' || known.has(JSON.stringify(t))) continue;
    const r = await d.webhookRefusal(t.url);
    if (!r) continue;
    out.problems.push(problemText('webhook_internal', { where: `${where}.${i}`, ...r }));
    out.at.push(i);
  }
  return out;
}

/** What a configuration adds to the current version that cannot be stored, named and as problems. */
export interface Inadmissible {
  problems: Localized[];
  /** regions ('*' is every region), schools and users it names that do not exist */
  regions: string[];
  schools: string[];
  people: string[];
  /** each school's contacts that are webhooks to an internal address (their places in the school's list) */
  webhooks: Record<string, number[]>;
}

/**
 * The one admission check of a configuration stored whole (an administrator's save, a version brought back), among
 * what it adds to the current version — an entry left by a user deleted since never blocks the next change: the
 * regions, schools and users it names must exist, and a school's webhooks are held to the schools' rule, whoever
 * writes them.
 */
export async function inadmissible(
  d: AdmissionDeps,
  doc: AlertingConfig,
  current: AlertingConfig,
): Promise<Inadmissible> {
  const out: Inadmissible = { problems: [], regions: [], schools: [], people: [], webhooks: {} };
  const added = (now: object, before: object) => Object.keys(now).filter((k) => !(k in before));
  const regions = [...new Set([...added(doc.contacts, current.contacts), ...added(doc.regions, current.regions)])];
  out.regions = await d.registry.unknownRegions(regions.filter((c) => c !== '*'));
  if (out.regions.length) out.problems.push(problemText('regions_unknown', { regions: out.regions.join(', ') }));
  for (const id of added(doc.schools, current.schools))
    if (!(await d.registry.school(id))) {
      out.schools.push(id);
      out.problems.push(problemText('school_unknown', { school: id }));
    }
  for (const name of added(doc.people, current.people))
    if (!(await d.users.get(name))) {
      out.people.push(name);
      out.problems.push(problemText('user_unknown', { name }));
    }
  for (const [id, entry] of Object.entries(doc.schools)) {
    if (out.schools.includes(id)) continue;
    const hooks = await internalWebhooks(d, entry.contacts, `schools.${id}.contacts`, current.schools[id]?.contacts);
    out.problems.push(...hooks.problems);
    if (hooks.at.length) out.webhooks[id] = hooks.at;
  }
  return out;
}

/** The configuration without what cannot be stored (a version brought back with `drop`). */
export function without(doc: AlertingConfig, x: Inadmissible): AlertingConfig {
  const omit = <T>(rec: Record<string, T>, names: string[]) =>
    Object.fromEntries(Object.entries(rec).filter(([k]) => !names.includes(k)));
  const schools = omit(doc.schools, x.schools);
  for (const [id, at] of Object.entries(x.webhooks)) {
    const entry = schools[id]!;
    schools[id] = { ...entry, contacts: entry.contacts.filter((_, i) => !at.includes(i)) };
  }
  return {
    ...doc,
    contacts: omit(doc.contacts, x.regions),
    regions: omit(doc.regions, x.regions),
    schools,
    people: omit(doc.people, x.people),
  };
}

/** What a restore left out, for the audit line (names only: never an address). */
export function leftOut(x: Inadmissible): string {
  const names = [
    ...x.regions.map((r) => `region ${r}`),
    ...x.schools.map((s) => `school ${s}`),
    ...x.people.map((p) => `user ${p}`),
    ...Object.entries(x.webhooks).map(([id, at]) => `school ${id}'s internal webhooks: ${at.length}`),
  ];
  return `left out: ${names.join(', ')}`;
}
