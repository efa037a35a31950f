import { type AlertingConfig, alertingChanges, alertingChangeText } from '@kuzet/protocol';
import type { AlertingRepository } from '../repositories/alerting.ts';
import type { AuditRepository } from '../repositories/audit.ts';
import type { AlertService } from './alerts.ts';
import type { DeltaBus } from './bus.ts';

export interface AlertingChangeDeps {
  alerting: AlertingRepository;
  alerts: AlertService;
  audit: AuditRepository;
  bus: DeltaBus;
}

/** The configuration in force: the stored version, else (no store yet) the one the alert service started with. */
export async function currentAlerting(d: Pick<AlertingChangeDeps, 'alerting' | 'alerts'>): Promise<AlertingConfig> {
  return (await d.alerting.current()) ?? d.alerts.alerting;
}

/** What changed, for the audit log: the sections and, for contacts, whose and how many (never the addresses). */
export function describeAlertingChange(a: AlertingConfig, b: AlertingConfig, restoredFrom?: number): string {
  const head = `v${a.version} → v${b.version}${restoredFrom !== undefined ? ` (v${restoredFrom} restored)` : ''}`;
  return [head, ...alertingChanges(a, b).map(alertingChangeText)].join('; ');
}

/**
 * Stores the alerting configuration's next version (made against `expected`): in force at once here, told to every
 * instance, audited as `who` did it. False when another version came first.
 */
export async function storeAlerting(
  d: AlertingChangeDeps,
  who: { username: string; role: string; ip?: string },
  expected: AlertingConfig,
  next: AlertingConfig,
  /** the version `next` brings back */
  restoredFrom?: number,
  /** what else the audit line says (what a restore left out) */
  note?: string,
): Promise<boolean> {
  const how = { by: who.username, ...(restoredFrom !== undefined ? { restoredFrom } : {}) };
  if (!(await d.alerting.replace(next, expected.version, how))) return false;
  d.alerts.setConfig(next);
  await d.audit.record({
    ...who,
    action: 'alerting_changed',
    detail: [describeAlertingChange(expected, next, restoredFrom), ...(note ? [note] : [])].join('; ').slice(0, 500),
  });
  await d.bus.publishControl({ kind: 'alerting_changed', version: next.version });
  return true;
}

/**
 * A change of one part (a school's contacts, a removed school's entry), made against whatever version is stored and
 * made again if another came first (at most five times). The version stored, or undefined when it kept changing.
 */
export async function changeAlerting(
  d: AlertingChangeDeps,
  who: { username: string; role: string; ip?: string },
  change: (cur: AlertingConfig) => AlertingConfig | undefined,
): Promise<AlertingConfig | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await currentAlerting(d);
    const changed = change(cur);
    if (!changed) return cur; // nothing to change
    const next = { ...changed, version: cur.version + 1 };
    if (await storeAlerting(d, who, cur, next)) return next;
  }
  return undefined;
}

/** The configuration with one school's own entry (rules, contacts) replaced; its entry dropped when both are empty. */
export function withSchool(
  cur: AlertingConfig,
  id: string,
  entry: AlertingConfig['schools'][string] | undefined,
): AlertingConfig {
  const schools = { ...cur.schools };
  if (entry && (entry.contacts.length || Object.keys(entry.rules).length)) schools[id] = entry;
  else delete schools[id];
  return { ...cur, schools };
}
