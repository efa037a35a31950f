import { describe, expect, it } from 'vitest';
import { alertingChanges, alertingChangeText } from './alerting-changes.ts';
import { AlertingConfig } from './alerts.ts';

const mail = (to: string) => ({ channel: 'email' as const, to });

describe('what a version of the alerting configuration changed', () => {
  const a = AlertingConfig.parse({
    version: 1,
    contacts: { 'KZ-75': { operators: [mail('a@example.kz')] } },
    people: { op75: [mail('op@example.kz')] },
    schools: { 'KZ-75-01-0001': { rules: { camera_offline: { enabled: false } } } },
  });

  it('lists each item in the order of the document, counted by whose and how many, never an address', () => {
    const b = AlertingConfig.parse({
      version: 2,
      contacts: {
        'KZ-75': { operators: [mail('b@example.kz')], duty: [mail('d@example.kz')] },
        '*': { akimat: [mail('k@example.kz')] },
      },
      schools: { 'KZ-75-01-0001': { contacts: [mail('g@example.kz')] } },
      escalation: { afterMinutes: [10, 30] },
      ackSlaMinutes: { critical: 5, major: 60, minor: 240, info: 1440 },
      regions: { 'KZ-75': { rules: { camera_offline: { openAfterSeconds: 60 } } } },
    });
    const changes = alertingChanges(a, b);
    expect(changes).toEqual([
      { kind: 'contacts', region: 'KZ-75', level: 'operators', from: 1, to: 1 },
      { kind: 'contacts', region: 'KZ-75', level: 'duty', from: 0, to: 1 },
      { kind: 'contacts', region: '*', level: 'akimat', from: 0, to: 1 },
      { kind: 'school_contacts', school: 'KZ-75-01-0001', from: 0, to: 1 },
      { kind: 'person', name: 'op75', from: 1, to: 0 },
      { kind: 'section', section: 'escalation' },
      { kind: 'section', section: 'ackSlaMinutes' },
      { kind: 'section', section: 'regions' },
      { kind: 'section', section: 'schoolRules' },
    ]);
    expect(changes.map(alertingChangeText).join('; ')).toBe(
      'contacts KZ-75 operators: 1 → 1; contacts KZ-75 duty: 0 → 1; contacts * akimat: 0 → 1; ' +
        "school KZ-75-01-0001 contacts: 0 → 1; op75's contacts: 1 → 0; escalation; ackSlaMinutes; rules per region; " +
        'rules per school',
    );
    expect(JSON.stringify(changes)).not.toContain('@');
    expect(alertingChanges(a, { ...a, version: 2 })).toEqual([]);
  });
});
