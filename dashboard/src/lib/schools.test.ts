import { type CameraDelta, REQUIREMENT_OF, type SchoolSummary } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { applyCompliance, applyDeltas, filterSchools, sortSchools, verdictOf } from './schools.ts';

const school = (
  id: string,
  nameRu: string,
  counts: SchoolSummary['counts'],
  reasons: SchoolSummary['reasons'] = {},
  failing: NonNullable<SchoolSummary['compliance']>['failing'] = {},
) =>
  ({
    id,
    nameRu,
    nameKk: `${nameRu} (kk)`,
    districtId: 'KZ-75-01',
    regionCode: 'KZ-75',
    address: '',
    lat: 43,
    lon: 77,
    agents: [],
    profile: 'national',
    counts,
    reasons,
    compliance: {
      compliant: Object.keys(failing).length === 0,
      covered: true,
      reasons: [],
      cameras: { present: 1, required: 1, compliant: 1 },
      failing,
      // one camera per reason here: each reason's cameras are its requirement's
      requirements: Object.fromEntries(Object.entries(failing).map(([r, n]) => [REQUIREMENT_OF[r as 'no_signal'], n])),
    },
  }) satisfies SchoolSummary;

const rows = [
  school('S1', 'Бета', { online: 10 }),
  school('S2', 'Альфа', { online: 8, offline: 2 }, {}, { retention_short: 1 }),
  school('S3', 'Гамма', { online: 5, degraded: 1 }, {}, { resolution_below_required: 1 }),
  school('S4', 'Дельта', {}),
];

describe('school table logic', () => {
  it('filters by name or id, and to schools in trouble', () => {
    expect(filterSchools(rows, { text: 'альф', onlyTrouble: false }, 'ru').map((s) => s.id)).toEqual(['S2']);
    expect(filterSchools(rows, { text: 's3', onlyTrouble: false }, 'ru').map((s) => s.id)).toEqual(['S3']);
    expect(filterSchools(rows, { text: '', onlyTrouble: true }, 'ru').map((s) => s.id)).toEqual(['S2', 'S3']);
  });

  it('sorts by severity, name, cameras and compliance in both directions', () => {
    const by = (k: Parameters<typeof sortSchools>[1], d: 'asc' | 'desc') =>
      sortSchools(rows, k, d, 'ru', (x) => x).map((s) => s.id);
    expect(by('status', 'desc')).toEqual(['S2', 'S3', 'S1', 'S4']);
    expect(by('name', 'asc')).toEqual(['S2', 'S1', 'S3', 'S4']);
    expect(by('cameras', 'desc')).toEqual(['S1', 'S2', 'S3', 'S4']);
    expect(by('retention', 'desc')[0]).toBe('S2');
    expect(by('resolution', 'desc')[0]).toBe('S3');
    // the verdict: not covered first, then not compliant, then compliant (ids within each)
    const uncovered = rows.map((r) =>
      r.id === 'S4' ? { ...r, compliance: { ...r.compliance!, covered: false, compliant: false } } : r,
    );
    const verdicts = sortSchools(uncovered, 'verdict', 'desc', 'ru', (x) => x).map((s) => `${s.id}:${verdictOf(s)}`);
    expect(verdicts).toEqual(['S4:notcovered', 'S2:noncompliant', 'S3:noncompliant', 'S1:compliant']);
  });

  it('applies live deltas to counts and compliance as the server roll-ups do', () => {
    const d: CameraDelta = {
      cameraId: 'cam-0000000000000001',
      schoolId: 'S1',
      regionCode: 'KZ-75',
      districtId: 'KZ-75-01',
      status: 'degraded',
      reasons: ['retention_short'],
      at: '2026-11-23T10:00:00.000Z',
      previous: { status: 'online', counted: [], countedNow: ['retention_short'] },
    };
    const out = applyDeltas(rows, [d]);
    expect(out[0]).toMatchObject({ counts: { online: 9, degraded: 1 }, reasons: { retention_short: 1 } });
    expect(out[1]).toBe(rows[1]); // untouched rows keep their identity
    // link down keeps the counted reasons
    const down = applyDeltas(out, [
      {
        ...d,
        status: 'link_down',
        reasons: [],
        previous: { status: 'degraded', counted: ['retention_short'], countedNow: ['retention_short'] },
      },
    ]);
    expect(down[0]).toMatchObject({
      counts: { online: 9, degraded: 0, link_down: 1 },
      reasons: { retention_short: 1 },
    });
    expect(applyDeltas(rows, [{ ...d, previous: undefined }])).toBe(rows);
  });

  it("applies live changes of the centre's compliance verdicts", () => {
    const out = applyCompliance(rows, [
      {
        schoolId: 'S2',
        districtId: 'KZ-75-01',
        regionCode: 'KZ-75',
        compliant: true,
        covered: true,
        reasons: [],
        cameras: { present: 10, required: 4, compliant: 10 },
        failing: {},
        requirements: {},
      },
    ]);
    expect(out[1]!.compliance).toMatchObject({ compliant: true, failing: {} });
    expect(out[0]).toBe(rows[0]);
  });
});
