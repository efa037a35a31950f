import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type CameraFacts,
  CONTRIBUTION_VERSION,
  contribution,
  evaluateCamera,
  evaluateSchool,
  figuresOf,
  profileFor,
  RequirementsDoc,
  suggestZone,
} from './compliance.ts';

const doc = RequirementsDoc.parse(
  JSON.parse(readFileSync(new URL('../../config/requirements.json', import.meta.url), 'utf8')),
);
const national = profileFor(doc, { id: 'KZ-11-01-0001', districtId: 'KZ-11-01', regionCode: 'KZ-11' });
const almaty = profileFor(doc, { id: 'KZ-75-01-0001', districtId: 'KZ-75-01', regionCode: 'KZ-75' });
const good: CameraFacts = {
  status: 'online',
  retention: { state: 'known', retainedDays: 46, gaps: [{ seconds: 120 }], gapWindowDays: 7 },
  measured: { width: 1920, height: 1080, fps: 15 },
  clockDriftSeconds: 2,
  zone: 'main_entrance',
};

describe('requirement profiles', () => {
  it('the most specific assignment wins', () => {
    expect(national.name).toBe('national');
    expect(almaty.name).toBe('almaty-city');
    const d = RequirementsDoc.parse({ ...doc, assign: { ...doc.assign, schools: { 'KZ-75-01-0001': 'national' } } });
    expect(profileFor(d, { id: 'KZ-75-01-0001', districtId: 'KZ-75-01', regionCode: 'KZ-75' }).name).toBe('national');
  });

  it('lists every problem of a bad document', () => {
    const r = RequirementsDoc.safeParse({
      ...doc,
      profiles: [
        ...doc.profiles,
        {
          ...doc.profiles[0],
          requiredZones: [{ zone: 'roof' }, { zone: 'toilet' }, { zone: 'yard' }, { zone: 'yard', minCameras: 2 }],
        },
      ],
      assign: { country: 'nope', regions: { 'KZ-75': 'gone' } },
    });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/profiles\.2\.name: profile national is defined twice/),
        expect.stringMatching(/requiredZones\.0\.zone: no zone roof/),
        expect.stringMatching(/requiredZones\.1\.zone: zone toilet is forbidden/),
        expect.stringMatching(/requiredZones\.3\.zone: zone yard is required twice in profile national/),
        expect.stringMatching(/assign\.country: no profile named nope/),
        expect.stringMatching(/assign\.regions\.KZ-75: no profile named gone/),
      ]),
    );
  });

  it('suggests a zone from a camera’s ONVIF name or location', () => {
    expect(suggestZone(doc, ['main-entrance-1', undefined])).toBe('main_entrance');
    expect(suggestZone(doc, ['Коридор 2 этаж'])).toBe('corridor');
    expect(suggestZone(doc, ['cam003'])).toBeUndefined();
  });
});

describe('camera verdicts', () => {
  it('20 days against 30 and 45; the numbers in the verdict', () => {
    const f = { ...good, retention: { state: 'known' as const, retainedDays: 20, gaps: [], gapWindowDays: 7 } };
    const n = evaluateCamera(f, national);
    expect(n.reasons).toEqual(['retention_short']);
    expect(n.retention).toEqual({ state: 'short', days: 20, required: 30 });
    expect(evaluateCamera({ ...f, retention: { ...f.retention, retainedDays: 35 } }, national).compliant).toBe(true);
    expect(evaluateCamera({ ...f, retention: { ...f.retention, retainedDays: 35 } }, almaty).reasons).toEqual([
      'retention_short',
    ]);
  });

  it('gaps, resolution (measured or only configured), frame rate, clock, signal', () => {
    expect(evaluateCamera(good, almaty)).toMatchObject({ compliant: true, reasons: [] });
    const gappy = { ...good, retention: { ...good.retention!, gaps: [{ seconds: 3 * 3600 }] } } as CameraFacts;
    expect(evaluateCamera(gappy, almaty).continuity).toMatchObject({ state: 'gaps', longGaps: 1, longestMinutes: 180 });
    const low = evaluateCamera({ ...good, measured: { width: 1280, height: 720, fps: 6 } }, national);
    expect(low.reasons).toEqual(['resolution_below_required', 'fps_below_required']);
    const configured = evaluateCamera(
      { ...good, measured: undefined, configured: { width: 1920, height: 1080, fps: 15 } },
      national,
    );
    expect(configured.resolution).toMatchObject({ state: 'ok', source: 'configured' });
    expect(evaluateCamera({ ...good, measured: undefined }, national).reasons).toEqual(['resolution_unknown']);
    expect(evaluateCamera({ ...good, clockDriftSeconds: -45 }, national).reasons).toEqual(['clock_drift']);
    expect(evaluateCamera({ ...good, status: 'offline' }, national).reasons).toEqual(['no_signal']);
    expect(evaluateCamera({ ...good, status: 'degraded', healthReasons: ['rtsp_down'] }, national).signal).toBe('none');
    expect(evaluateCamera({ ...good, status: 'link_down' }, national).reasons).toEqual(['link_down']);
    expect(evaluateCamera({ ...good, retention: { state: 'unknown' } }, national).reasons).toEqual([
      'retention_unknown',
    ]);
  });
});

describe('school verdicts', () => {
  const v = (over: Partial<CameraFacts> = {}) => evaluateCamera({ ...good, ...over }, almaty);
  const zones = ['main_entrance', 'perimeter', 'corridor', 'yard'];

  it('a school with no agent, or no camera, is not covered', () => {
    const none = evaluateSchool({ id: 'S' }, almaty, [], false, new Date().toISOString());
    expect(none).toMatchObject({ compliant: false, covered: false, reasons: ['no_agent'] });
    const empty = evaluateSchool({ id: 'S' }, almaty, [], true, new Date().toISOString());
    expect(empty.reasons).toEqual(['no_cameras']);
  });

  it('every required zone watched by a compliant camera, every camera compliant', () => {
    const all = zones.map((zone) => ({ verdict: v({ zone }), zone }));
    const ok = evaluateSchool({ id: 'S' }, almaty, all, true, new Date().toISOString(), '2027-06-01');
    expect(ok).toMatchObject({
      compliant: true,
      covered: true,
      reasons: [],
      cameras: { present: 4, required: 4, compliant: 4 },
    });
    const noYard = evaluateSchool({ id: 'S' }, almaty, all.slice(0, 3), true, new Date().toISOString());
    expect(noYard.reasons).toEqual(['too_few_cameras', 'zone_missing']);
    expect(noYard.zones.find((z) => z.zone === 'yard')).toMatchObject({ present: 0, ok: false });
    const badYard = [...all.slice(0, 3), { verdict: v({ zone: 'yard', status: 'offline' }), zone: 'yard' }];
    const bad = evaluateSchool({ id: 'S' }, almaty, badYard, true, new Date().toISOString());
    expect(bad.reasons).toEqual(['zone_missing', 'cameras_non_compliant']);
    expect(bad.failing).toEqual({ no_signal: 1 });
    expect(figuresOf(contribution(bad))).toMatchObject({
      schools: 1,
      covered: 1,
      withCompliantCamera: 1,
      compliant: 0,
      cameras: 4,
      camerasCompliant: 3,
      failing: { no_signal: 1 },
      schoolReasons: { zone_missing: 1, cameras_non_compliant: 1 },
    });
  });

  it('counts a camera once per requirement it fails, however many of its reasons fall under it', () => {
    // 960×540 at 8 fps, 10 days kept with a two-hour gap: two reasons of resolution, two of recording days
    const poor = v({
      measured: { width: 960, height: 540, fps: 8 },
      retention: { state: 'known', retainedDays: 10, gaps: [{ seconds: 3 * 3600 }], gapWindowDays: 7 },
    });
    expect(poor.reasons).toEqual(
      expect.arrayContaining(['retention_short', 'recording_gaps', 'resolution_below_required', 'fps_below_required']),
    );
    const cams = [
      { verdict: poor, zone: 'yard' },
      { verdict: v({ zone: 'corridor', status: 'offline' }), zone: 'corridor' },
      { verdict: v({ zone: 'perimeter' }), zone: 'perimeter' },
    ];
    const s = evaluateSchool({ id: 'S' }, almaty, cams, true, new Date().toISOString());
    expect(s.failing).toMatchObject({ retention_short: 1, recording_gaps: 1, resolution_below_required: 1 });
    expect(s.requirements).toEqual({ retention: 1, resolution: 1, signal: 1 });
    // and so the figures of a district summing two such schools
    const h: Record<string, number> = {};
    for (const c of [contribution(s), contribution(s)]) for (const [k, n] of Object.entries(c)) h[k] = (h[k] ?? 0) + n;
    expect(figuresOf(h).requirements).toEqual({ retention: 2, resolution: 2, signal: 2 });
    expect(h[CONTRIBUTION_VERSION]).toBe(2);
  });
});
