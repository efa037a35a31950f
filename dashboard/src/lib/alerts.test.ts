import type { Alert } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { mergeAlerts, overSla, sortAlerts } from './alerts.ts';

const alert = (id: string, severity: Alert['severity'], openedAt: string, over: Partial<Alert> = {}): Alert => ({
  id,
  rule: 'camera_offline',
  severity,
  state: 'open',
  subject: { kind: 'camera', id: `cam-${id}` },
  schoolId: 'S',
  districtId: 'D',
  regionCode: 'KZ-75',
  reasons: [],
  openedAt,
  updatedAt: openedAt,
  repeats: 0,
  suppressed: false,
  escalationLevel: 0,
  events: [],
  ...over,
});

describe('alert feed logic', () => {
  it('orders most severe first, then newest', () => {
    const l = sortAlerts([
      alert('1', 'minor', '2026-11-23T10:00:00Z'),
      alert('2', 'critical', '2026-11-23T09:00:00Z'),
      alert('3', 'critical', '2026-11-23T11:00:00Z'),
    ]);
    expect(l.map((a) => a.id)).toEqual(['3', '2', '1']);
  });

  it('merges live updates: new ones in, changed ones replaced, resolved ones out of the active feed, stale ignored', () => {
    const active = (a: Alert) => a.state !== 'resolved';
    const base = [alert('1', 'major', '2026-11-23T10:00:00Z')];
    const added = mergeAlerts(base, [alert('2', 'critical', '2026-11-23T10:05:00Z')], active);
    expect(added.map((a) => a.id)).toEqual(['2', '1']);
    const acked = mergeAlerts(
      added,
      [alert('1', 'major', '2026-11-23T10:00:00Z', { state: 'acknowledged', updatedAt: '2026-11-23T10:06:00Z' })],
      active,
    );
    expect(acked.find((a) => a.id === '1')?.state).toBe('acknowledged');
    const stale = mergeAlerts(acked, [alert('1', 'major', '2026-11-23T10:00:00Z')], active);
    expect(stale).toBe(acked);
    const resolved = mergeAlerts(
      acked,
      [alert('2', 'critical', '2026-11-23T10:05:00Z', { state: 'resolved', updatedAt: '2026-11-23T10:07:00Z' })],
      active,
    );
    expect(resolved.map((a) => a.id)).toEqual(['1']);
  });

  it("highlights an alert left unacknowledged past its severity's SLA, never an acknowledged one", () => {
    const sla = { critical: 15, major: 60, minor: 240, info: 1440 };
    const opened = '2026-11-23T10:00:00Z';
    const at = (min: number) => Date.parse(opened) + min * 60_000;
    expect(overSla(alert('1', 'critical', opened), sla, at(14))).toBe(false);
    expect(overSla(alert('1', 'critical', opened), sla, at(16))).toBe(true);
    expect(overSla(alert('2', 'major', opened), sla, at(16))).toBe(false);
    expect(overSla(alert('1', 'critical', opened, { state: 'acknowledged' }), sla, at(60))).toBe(false);
    expect(overSla(alert('1', 'critical', opened), undefined, at(60))).toBe(false);
  });

  it('counts a reopened alert from its reopening: its deadline, and its place among the newest', () => {
    const sla = { critical: 15, major: 60, minor: 240, info: 1440 };
    const opened = '2026-11-23T10:00:00Z';
    const at = (min: number) => Date.parse(opened) + min * 60_000;
    const reopened = alert('1', 'critical', opened, { reopens: 1, reopenedAt: new Date(at(50)).toISOString() });
    expect(overSla(reopened, sla, at(60))).toBe(false); // 10 minutes after it came back
    expect(overSla(reopened, sla, at(66))).toBe(true);
    const fresh = alert('2', 'critical', new Date(at(40)).toISOString());
    expect(sortAlerts([fresh, reopened]).map((a) => a.id)).toEqual(['1', '2']);
  });
});
