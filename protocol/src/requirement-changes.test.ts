import { describe, expect, it } from 'vitest';
import { RequirementsDoc } from './compliance.ts';
import { changeLine, RequirementChange, requirementChanges } from './requirement-changes.ts';

const base = RequirementsDoc.parse({
  version: 4,
  zones: [
    { id: 'main_entrance', nameEn: 'Main entrance', nameRu: 'Главный вход', nameKk: 'Басты кіреберіс' },
    { id: 'canteen', nameEn: 'Canteen', nameRu: 'Столовая', nameKk: 'Асхана' },
  ],
  profiles: [
    {
      name: 'national',
      minRetentionDays: 14,
      minWidth: 1280,
      minHeight: 720,
      minFps: 12,
      maxClockDriftSeconds: 30,
      maxGapMinutes: 10,
      requiredZones: [{ zone: 'main_entrance' }],
    },
  ],
  assign: { country: 'national', districts: { 'KZ-75-01': 'national' } },
  deadlines: { regions: { 'KZ-75': '2027-01-01' } },
});

describe('requirement changes', () => {
  it('says nothing for the same document', () => {
    expect(requirementChanges(base, { ...base, version: 5 })).toEqual([]);
    expect(changeLine(base, { ...base, version: 5 })).toBe('v4 → v5');
  });

  it('lists every change once, in the document order, each a valid change', () => {
    const next = RequirementsDoc.parse({
      ...base,
      version: 5,
      zones: [
        { ...base.zones[0]!, hints: ['entrance'] },
        { id: 'gym', nameEn: 'Gym', nameRu: 'Спортзал', nameKk: 'Спортзал' },
      ],
      profiles: [
        {
          ...base.profiles[0]!,
          minRetentionDays: 30,
          requiredZones: [{ zone: 'main_entrance', minCameras: 2 }, { zone: 'gym' }],
        },
        { ...base.profiles[0]!, name: 'strict', requiredZones: [] },
      ],
      assign: { country: 'national', regions: { 'KZ-75': 'strict' }, districts: {}, schools: {} },
      deadlines: { country: '2027-06-01', regions: { 'KZ-75': '2027-03-01' } },
    });
    const changes = requirementChanges(base, next);
    expect(changes).toEqual([
      { kind: 'number', profile: 'national', field: 'minRetentionDays', from: 14, to: 30 },
      { kind: 'required_zone', profile: 'national', zone: 'main_entrance', from: 1, to: 2 },
      { kind: 'required_zone', profile: 'national', zone: 'gym', to: 1 },
      { kind: 'profile_added', profile: 'strict' },
      { kind: 'assigned', scope: 'region', id: 'KZ-75', to: 'strict' },
      { kind: 'assigned', scope: 'district', id: 'KZ-75-01', from: 'national' },
      { kind: 'deadline', scope: 'country', id: 'KZ', to: '2027-06-01' },
      { kind: 'deadline', scope: 'region', id: 'KZ-75', from: '2027-01-01', to: '2027-03-01' },
      { kind: 'zone', zone: 'main_entrance', change: 'changed' },
      { kind: 'zone', zone: 'gym', change: 'added' },
      { kind: 'zone', zone: 'canteen', change: 'removed' },
    ]);
    for (const c of changes) expect(RequirementChange.safeParse(c).success).toBe(true);
    // and back: each change reversed
    const back = requirementChanges(next, { ...base, version: 6 });
    expect(back).toContainEqual({ kind: 'profile_removed', profile: 'strict' });
    expect(back).toContainEqual({ kind: 'required_zone', profile: 'national', zone: 'gym', from: 1 });
    expect(changeLine(base, next, 2)).toMatch(
      /^v4 → v5 \(v2 restored\); national\.minRetentionDays 14 → 30; national zone main_entrance cameras 1 → 2; national zone gym cameras – → 1; profile strict added; region KZ-75 profile – → strict;/,
    );
  });

  it('cuts the audit line at 500 characters', () => {
    const schools = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`KZ-75-01-${1000 + i}`, 'national']));
    const next = { ...base, version: 5, assign: { ...base.assign, schools } };
    expect(requirementChanges(base, next)).toHaveLength(200);
    const line = changeLine(base, next);
    expect(line).toHaveLength(500);
    expect(line.endsWith('…')).toBe(true);
  });
});
