import { z } from 'zod';
import { IsoTime, RegionCode } from './common.ts';
import { schemaIssue } from './schema-texts.ts';

/**
 * Compliance with the programme's requirements, decided in one place: what each camera and school must meet (the
 * requirement profiles, from config/requirements.json, editable by admins) and whether it does (evaluateCamera,
 * evaluateSchool). The server, the dashboard, alerts, reports and exports all use these functions; agents only
 * measure facts.
 */

const ZoneId = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'zone ids: lowercase letters, digits, _');
const ProfileName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/);
export const Day = z.iso.date();

/** A place in a school where a camera is (or must be): main entrance, perimeter, canteen, … */
export const Zone = z.object({
  id: ZoneId,
  nameEn: z.string().min(1),
  nameRu: z.string().min(1),
  nameKk: z.string().min(1),
  /** words in a camera's ONVIF name or location that suggest this zone (any language, lowercase) */
  hints: z.array(z.string().min(2)).default([]),
  /** never a place for a camera (toilets, changing rooms): a camera assigned here is itself a finding */
  forbidden: z.boolean().default(false),
});
export type Zone = z.infer<typeof Zone>;

/** A zone's name in a language ('kk…', 'ru…', else English); its id when the document does not know it. */
export function zoneName(zones: Zone[], id: string | undefined, lang: string): string {
  const z = zones.find((x) => x.id === id);
  if (!z) return id ?? '';
  return lang.startsWith('kk') ? z.nameKk : lang.startsWith('ru') ? z.nameRu : z.nameEn;
}

/** What every camera of a school, and the school as a whole, must meet. */
export const Profile = z.object({
  name: ProfileName,
  /** recording days kept */
  minRetentionDays: z.number().positive(),
  minWidth: z.int().positive(),
  minHeight: z.int().positive(),
  minFps: z.number().positive(),
  maxClockDriftSeconds: z.number().positive(),
  /** a gap in the recordings longer than this, within the gap window, breaks continuity */
  maxGapMinutes: z.number().positive(),
  /** the days back from the newest recording searched for gaps */
  gapWindowDays: z.number().positive().max(90).default(7),
  /** zones that must be watched, each by at least this many compliant cameras */
  requiredZones: z.array(z.object({ zone: ZoneId, minCameras: z.int().positive().default(1) })).default([]),
  /** cameras a school must have in all (besides the zones' minimums) */
  minCameras: z.int().nonnegative().default(1),
  /** a picture blurrier than this (ffmpeg blurdetect; sharp scenes measure about 2–8) is out of focus or smeared */
  maxBlur: z.number().positive().default(15),
  /** a picture whose luma spread (90th − 10th percentile, 0–255) is below this is covered or facing a wall */
  minContrast: z.number().nonnegative().default(24),
  /**
   * a picture less similar than this to the camera's confirmed reference view (SSIM of 64×36 greyscale, 1 =
   * identical; the same scene measures 0.8–1, another view about 0–0.2) shows the camera turned away or moved
   */
  minSceneSimilarity: z.number().min(0).max(1).default(0.4),
});
export type Profile = z.infer<typeof Profile>;

/** The whole requirement document: versioned; every change makes a new version (and an audit entry). */
export const RequirementsDoc = z
  .object({
    version: z.int().positive(),
    zones: z.array(Zone).min(1),
    profiles: z.array(Profile).min(1),
    /** which profile applies: the most specific assignment wins (school, then district, then region, then country) */
    assign: z.object({
      country: ProfileName,
      regions: z.record(RegionCode, ProfileName).default({}),
      districts: z.record(z.string(), ProfileName).default({}),
      schools: z.record(z.string(), ProfileName).default({}),
    }),
    /** the day each akimat (region or district) must reach 100% compliant schools */
    deadlines: z
      .object({
        country: Day.optional(),
        regions: z.record(RegionCode, Day).default({}),
        districts: z.record(z.string(), Day).default({}),
      })
      .prefault({}),
  })
  .superRefine((d, ctx) => {
    const profiles = new Set<string>();
    for (const [i, p] of d.profiles.entries()) {
      if (profiles.has(p.name)) ctx.addIssue(schemaIssue('profile_twice', { name: p.name }, ['profiles', i, 'name']));
      profiles.add(p.name);
    }
    const zones = new Map<string, Zone>();
    for (const [i, z] of d.zones.entries()) {
      if (zones.has(z.id)) ctx.addIssue(schemaIssue('zone_twice', { zone: z.id }, ['zones', i, 'id']));
      zones.set(z.id, z);
    }
    for (const [i, p] of d.profiles.entries())
      for (const [j, r] of p.requiredZones.entries()) {
        const z = zones.get(r.zone);
        const at = ['profiles', i, 'requiredZones', j, 'zone'];
        if (p.requiredZones.findIndex((x) => x.zone === r.zone) < j)
          ctx.addIssue(schemaIssue('zone_required_twice', { zone: r.zone, name: p.name }, at));
        else if (!z) ctx.addIssue(schemaIssue('zone_unknown', { zone: r.zone }, at));
        else if (z.forbidden) ctx.addIssue(schemaIssue('zone_forbidden', { zone: r.zone }, at));
      }
    const check = (path: (string | number)[], name: string) => {
      if (!profiles.has(name)) ctx.addIssue(schemaIssue('profile_unknown', { name }, path));
    };
    check(['assign', 'country'], d.assign.country);
    for (const kind of ['regions', 'districts', 'schools'] as const)
      for (const [k, v] of Object.entries(d.assign[kind])) check(['assign', kind, k], v);
  });
export type RequirementsDoc = z.infer<typeof RequirementsDoc>;

/** The profile that applies to a school: the most specific assignment wins. */
export function profileFor(doc: RequirementsDoc, s: { id: string; districtId: string; regionCode: string }): Profile {
  const a = doc.assign;
  const name = a.schools[s.id] ?? a.districts[s.districtId] ?? a.regions[s.regionCode] ?? a.country;
  return doc.profiles.find((p) => p.name === name) ?? doc.profiles[0]!;
}

/** The deadline of a school's akimat (its district's, else its region's, else the country's). */
export function deadlineFor(doc: RequirementsDoc, s: { districtId?: string; regionCode?: string }): string | undefined {
  const d = doc.deadlines;
  return (s.districtId && d.districts[s.districtId]) || (s.regionCode && d.regions[s.regionCode]) || d.country;
}

/** Zone suggested by a camera's ONVIF name or location (the catalogue's hints), if any. */
export function suggestZone(doc: RequirementsDoc, words: (string | undefined)[]): string | undefined {
  const text = words.filter(Boolean).join(' ').toLocaleLowerCase();
  if (!text) return undefined;
  for (const z of doc.zones) if (z.hints.some((h) => text.includes(h.toLocaleLowerCase()))) return z.id;
  return undefined;
}

/** Why a camera does not comply. */
export const ComplianceReason = z.enum([
  'no_signal', // offline, or its stream cannot be opened: nothing reaches the RRC
  'link_down', // the school's link to the centre is down: nothing reaches the RRC
  'retention_short', // fewer recording days kept than required
  'retention_unknown', // nobody could tell how many days are kept (no recording search, or it failed)
  'recording_gaps', // a gap longer than allowed within the gap window
  'resolution_below_required',
  'fps_below_required',
  'resolution_unknown', // no measurement of the real stream yet
  'clock_drift',
  'forbidden_zone', // placed where cameras are not allowed
]);
export type ComplianceReason = z.infer<typeof ComplianceReason>;

/**
 * The requirement each reason belongs to. What the tables count is cameras failing a requirement, each camera once
 * however many of its reasons fall under it: a 1280×720 camera at 10 fps fails the resolution requirement once, not
 * twice (summing the reasons' counts did count it twice).
 */
export const CameraRequirement = z.enum(['signal', 'retention', 'resolution', 'placement', 'clock']);
export type CameraRequirement = z.infer<typeof CameraRequirement>;
export const REQUIREMENT_OF: Readonly<Record<ComplianceReason, CameraRequirement>> = {
  no_signal: 'signal',
  link_down: 'signal',
  retention_short: 'retention',
  retention_unknown: 'retention',
  recording_gaps: 'retention',
  resolution_below_required: 'resolution',
  fps_below_required: 'resolution',
  resolution_unknown: 'resolution',
  forbidden_zone: 'placement',
  clock_drift: 'clock',
};

/** Facts about a camera, as measured by its agent (the centre adds its status and the camera's zone). */
export interface CameraFacts {
  status: 'online' | 'degraded' | 'offline' | 'unknown' | 'link_down';
  /** the agent's health reasons (rtsp_down, no_video… mean no signal) */
  healthReasons?: string[];
  retention?:
    | { state: 'known'; retainedDays: number; gaps: { seconds: number; start?: string }[]; gapWindowDays: number }
    | { state: 'unknown'; reason?: string };
  /** the real stream, measured */
  measured?: { width: number; height: number; fps: number };
  /** what the camera's encoder is configured to (used only until a measurement exists, and labelled so) */
  configured?: { width: number; height: number; fps: number };
  clockDriftSeconds?: number;
  zone?: string;
}

export const CameraVerdict = z.object({
  compliant: z.boolean(),
  reasons: z.array(ComplianceReason),
  retention: z.object({
    state: z.enum(['ok', 'short', 'unknown']),
    days: z.number().optional(),
    required: z.number(),
  }),
  continuity: z.object({
    state: z.enum(['ok', 'gaps', 'unknown']),
    longGaps: z.int().nonnegative(),
    longestMinutes: z.number().optional(),
    maxGapMinutes: z.number(),
    windowDays: z.number(),
  }),
  resolution: z.object({
    state: z.enum(['ok', 'low', 'unknown']),
    width: z.int().optional(),
    height: z.int().optional(),
    fps: z.number().optional(),
    /** measured from the real stream, or only what the camera is configured to */
    source: z.enum(['measured', 'configured', 'none']),
    required: z.object({ width: z.int(), height: z.int(), fps: z.number() }),
  }),
  clock: z.object({
    state: z.enum(['ok', 'drift', 'unknown']),
    driftSeconds: z.number().optional(),
    maxSeconds: z.number(),
  }),
  signal: z.enum(['ok', 'none', 'link_down', 'unknown']),
});
export type CameraVerdict = z.infer<typeof CameraVerdict>;

const NO_SIGNAL = new Set(['rtsp_down', 'no_video', 'unreachable', 'onvif_timeout']);

/**
 * What a camera's clock drift means under a profile: unknown (never read), ok, or drift. The verdict's clock part;
 * the ingest asks it too, to tell a reading that changes a verdict from one that only moves the figure.
 */
export function clockState(
  driftSeconds: number | undefined,
  p: Pick<Profile, 'maxClockDriftSeconds'>,
): CameraVerdict['clock']['state'] {
  if (driftSeconds === undefined) return 'unknown';
  return Math.abs(driftSeconds) > p.maxClockDriftSeconds ? 'drift' : 'ok';
}

/** Whether one camera meets its school's profile, and every reason why not. */
export function evaluateCamera(
  f: CameraFacts,
  p: Profile,
  forbiddenZones: ReadonlySet<string> = new Set(),
): CameraVerdict {
  const reasons: ComplianceReason[] = [];
  // the fourth requirement: the signal reaches the RRC
  let signal: CameraVerdict['signal'] = 'ok';
  if (f.status === 'link_down') signal = 'link_down';
  else if (f.status === 'offline' || (f.healthReasons ?? []).some((r) => NO_SIGNAL.has(r))) signal = 'none';
  else if (f.status === 'unknown') signal = 'unknown';
  if (signal === 'none' || signal === 'unknown') reasons.push('no_signal');
  if (signal === 'link_down') reasons.push('link_down');
  // recording days
  const r = f.retention;
  const retention: CameraVerdict['retention'] =
    r?.state === 'known'
      ? {
          state: r.retainedDays >= p.minRetentionDays ? 'ok' : 'short',
          days: r.retainedDays,
          required: p.minRetentionDays,
        }
      : { state: 'unknown', required: p.minRetentionDays };
  if (retention.state === 'short') reasons.push('retention_short');
  if (retention.state === 'unknown') reasons.push('retention_unknown');
  // continuity: gaps longer than allowed (the agent searched the window it was told)
  let continuity: CameraVerdict['continuity'] = {
    state: 'unknown',
    longGaps: 0,
    maxGapMinutes: p.maxGapMinutes,
    windowDays: p.gapWindowDays,
  };
  if (r?.state === 'known') {
    const long = r.gaps.filter((g) => g.seconds > p.maxGapMinutes * 60);
    const longest = Math.max(0, ...r.gaps.map((g) => g.seconds)) / 60;
    continuity = {
      state: long.length ? 'gaps' : 'ok',
      longGaps: long.length,
      ...(r.gaps.length ? { longestMinutes: Math.round(longest * 10) / 10 } : {}),
      maxGapMinutes: p.maxGapMinutes,
      windowDays: p.gapWindowDays,
    };
    if (long.length) reasons.push('recording_gaps');
  }
  // resolution and frame rate: measured, else configured (labelled), else unknown
  const req = { width: p.minWidth, height: p.minHeight, fps: p.minFps };
  const m = f.measured ?? f.configured;
  const source = f.measured ? 'measured' : f.configured ? 'configured' : 'none';
  let resolution: CameraVerdict['resolution'] = { state: 'unknown', source, required: req };
  if (m) {
    // a measured frame rate within 15 % of the requirement passes (jitter of a live stream over a few seconds)
    const lowRes = m.width < p.minWidth || m.height < p.minHeight;
    const lowFps = m.fps < p.minFps * (f.measured ? 0.85 : 1);
    resolution = { state: lowRes || lowFps ? 'low' : 'ok', ...m, source, required: req };
    if (lowRes) reasons.push('resolution_below_required');
    if (lowFps) reasons.push('fps_below_required');
  } else reasons.push('resolution_unknown');
  // clock
  const clock: CameraVerdict['clock'] = {
    state: clockState(f.clockDriftSeconds, p),
    ...(f.clockDriftSeconds !== undefined ? { driftSeconds: f.clockDriftSeconds } : {}),
    maxSeconds: p.maxClockDriftSeconds,
  };
  if (clock.state === 'drift') reasons.push('clock_drift');
  if (f.zone && forbiddenZones.has(f.zone)) reasons.push('forbidden_zone');
  return { compliant: reasons.length === 0, reasons, retention, continuity, resolution, clock, signal };
}

/** Why a school does not comply. */
export const SchoolReason = z.enum([
  'no_agent', // nothing watches it: not covered
  'no_cameras', // an agent, but no camera: not covered
  'too_few_cameras',
  'zone_missing', // a required zone without enough compliant cameras
  'cameras_non_compliant', // at least one camera fails a requirement
]);
export type SchoolReason = z.infer<typeof SchoolReason>;

export const SchoolVerdict = z.object({
  schoolId: z.string(),
  profile: z.string(),
  compliant: z.boolean(),
  /** covered: a working agent and at least one camera (the 100% target counts this first) */
  covered: z.boolean(),
  reasons: z.array(SchoolReason),
  cameras: z.object({ present: z.int(), required: z.int(), compliant: z.int() }),
  zones: z.array(
    z.object({ zone: z.string(), required: z.int(), present: z.int(), compliant: z.int(), ok: z.boolean() }),
  ),
  /** cameras failing each reason (a camera may fail several) */
  failing: z.partialRecord(ComplianceReason, z.int()),
  /** cameras failing each requirement, each camera once per requirement (absent in verdicts archived before) */
  requirements: z.partialRecord(CameraRequirement, z.int()).default({}),
  deadline: Day.optional(),
  at: IsoTime,
});
export type SchoolVerdict = z.infer<typeof SchoolVerdict>;

/** Whether a school complies: covered, enough cameras, every required zone watched, every camera compliant. */
export function evaluateSchool(
  s: { id: string },
  p: Profile,
  cameras: { verdict: CameraVerdict; zone?: string }[],
  hasAgent: boolean,
  at: string,
  deadline?: string,
): SchoolVerdict {
  const reasons: SchoolReason[] = [];
  const compliantCams = cameras.filter((c) => c.verdict.compliant).length;
  const zones = p.requiredZones.map((rz) => {
    const here = cameras.filter((c) => c.zone === rz.zone);
    const ok = here.filter((c) => c.verdict.compliant).length;
    return { zone: rz.zone, required: rz.minCameras, present: here.length, compliant: ok, ok: ok >= rz.minCameras };
  });
  const required = Math.max(
    p.minCameras,
    p.requiredZones.reduce((n, z) => n + z.minCameras, 0),
  );
  if (!hasAgent) reasons.push('no_agent');
  else if (cameras.length === 0) reasons.push('no_cameras');
  // a school without cameras misses every zone: "not covered" says it, not a list of zones
  if (cameras.length > 0 && cameras.length < required) reasons.push('too_few_cameras');
  if (cameras.length > 0 && zones.some((z) => !z.ok)) reasons.push('zone_missing');
  if (compliantCams < cameras.length) reasons.push('cameras_non_compliant');
  const failing: SchoolVerdict['failing'] = {};
  for (const c of cameras) for (const r of c.verdict.reasons) failing[r] = (failing[r] ?? 0) + 1;
  const requirements: SchoolVerdict['requirements'] = {};
  for (const c of cameras)
    for (const q of new Set(c.verdict.reasons.map((r) => REQUIREMENT_OF[r])))
      requirements[q] = (requirements[q] ?? 0) + 1;
  return {
    schoolId: s.id,
    profile: p.name,
    compliant: reasons.length === 0,
    covered: hasAgent && cameras.length > 0,
    reasons,
    cameras: { present: cameras.length, required, compliant: compliantCams },
    zones,
    failing,
    requirements,
    ...(deadline ? { deadline } : {}),
    at,
  };
}

/**
 * The version of what a school contributes to the figures, counted as a figure of its own (`cv:<n>`): a deployment
 * whose country counts fewer of the current version than schools holds contributions of an older kind, and evaluates
 * every school again at start (2: cameras failing each requirement, `q:<requirement>`).
 */
export const CONTRIBUTION_VERSION = 'cv:2';

/** What one school adds to its district's, region's and country's compliance figures. */
export function contribution(v: SchoolVerdict): Record<string, number> {
  const out: Record<string, number> = {
    schools: 1,
    covered: v.covered ? 1 : 0,
    withCompliantCamera: v.cameras.compliant > 0 ? 1 : 0,
    compliant: v.compliant ? 1 : 0,
    cameras: v.cameras.present,
    camerasCompliant: v.cameras.compliant,
  };
  for (const [r, n] of Object.entries(v.failing)) out[`f:${r}`] = n ?? 0;
  for (const r of v.reasons) out[`s:${r}`] = 1;
  for (const [q, n] of Object.entries(v.requirements)) out[`q:${q}`] = n ?? 0;
  out[CONTRIBUTION_VERSION] = 1;
  return out;
}

/** The compliance figures of a district, region or the country (sums of contributions). */
export const ComplianceFigures = z.object({
  schools: z.int(),
  covered: z.int(),
  withCompliantCamera: z.int(),
  compliant: z.int(),
  cameras: z.int(),
  camerasCompliant: z.int(),
  /** cameras failing each reason */
  failing: z.partialRecord(ComplianceReason, z.int()),
  /** cameras failing each requirement, each camera once (absent in figures archived before) */
  requirements: z.partialRecord(CameraRequirement, z.int()).default({}),
  /** schools with each school-level reason */
  schoolReasons: z.partialRecord(SchoolReason, z.int()),
});
export type ComplianceFigures = z.infer<typeof ComplianceFigures>;

export function figuresOf(h: Record<string, number>): ComplianceFigures {
  const failing: ComplianceFigures['failing'] = {};
  const requirements: ComplianceFigures['requirements'] = {};
  const schoolReasons: ComplianceFigures['schoolReasons'] = {};
  for (const [k, v] of Object.entries(h)) {
    if (v <= 0) continue;
    if (k.startsWith('f:')) failing[k.slice(2) as ComplianceReason] = v;
    if (k.startsWith('q:')) requirements[k.slice(2) as CameraRequirement] = v;
    if (k.startsWith('s:')) schoolReasons[k.slice(2) as SchoolReason] = v;
  }
  const n = (k: string) => Math.max(0, h[k] ?? 0);
  return {
    schools: n('schools'),
    covered: n('covered'),
    withCompliantCamera: n('withCompliantCamera'),
    compliant: n('compliant'),
    cameras: n('cameras'),
    camerasCompliant: n('camerasCompliant'),
    failing,
    requirements,
    schoolReasons,
  };
}

/** A school's verdict in the tables: compliant or not, covered, every reason and how many cameras fail what. */
export const VerdictSummary = SchoolVerdict.pick({
  compliant: true,
  covered: true,
  reasons: true,
  cameras: true,
  failing: true,
  requirements: true,
});
export type VerdictSummary = z.infer<typeof VerdictSummary>;

/** The three states a school's verdict is listed by: not covered (no verdict yet counts as that), not compliant, compliant. */
export const VerdictState = z.enum(['notcovered', 'noncompliant', 'compliant']);
export type VerdictState = z.infer<typeof VerdictState>;
export const verdictState = (v: Pick<VerdictSummary, 'covered' | 'compliant'> | undefined): VerdictState =>
  !v?.covered ? 'notcovered' : v.compliant ? 'compliant' : 'noncompliant';

/** A school's verdict changed: what the live push carries (the summary the tables show). */
export const ComplianceDelta = VerdictSummary.extend({
  schoolId: z.string(),
  districtId: z.string(),
  regionCode: RegionCode,
});
export type ComplianceDelta = z.infer<typeof ComplianceDelta>;

/** A unit (region or district) in the compliance view: its figures and its akimat's deadline. */
export const ComplianceUnit = z.object({
  id: z.string(),
  nameEn: z.string().optional(),
  nameRu: z.string(),
  nameKk: z.string(),
  figures: ComplianceFigures,
  deadline: z.string().optional(),
});
/** A school in the compliance view: its verdict (absent: never evaluated) and deadline. */
export const ComplianceSchoolRow = z.object({
  id: z.string(),
  nameRu: z.string(),
  nameKk: z.string(),
  districtId: z.string(),
  regionCode: z.string(),
  compliance: VerdictSummary.optional(),
  deadline: z.string().optional(),
});
export type ComplianceSchoolRow = z.infer<typeof ComplianceSchoolRow>;
/** GET /compliance: a scope's figures, the units below it, and schools (a district's, or those in a state). */
const ScopeName = z.object({ nameEn: z.string().optional(), nameRu: z.string(), nameKk: z.string() });
export const ComplianceOverview = z.object({
  scope: z.object({
    kind: z.enum(['country', 'region', 'district']),
    id: z.string(),
    /** a region's or district's name (what the page's title and breadcrumbs say, not its code) */
    name: ScopeName.optional(),
    /** a district's region */
    region: ScopeName.extend({ code: z.string() }).optional(),
  }),
  version: z.int(),
  figures: ComplianceFigures,
  deadline: z.string().optional(),
  units: z.array(ComplianceUnit),
  schools: z.array(ComplianceSchoolRow),
});
export type ComplianceOverview = z.infer<typeof ComplianceOverview>;
/** GET /schools/:id/compliance: the school's verdict and each camera's, with names and zones. */
export const SchoolCompliance = z.object({
  verdict: SchoolVerdict,
  cameras: z.array(
    z.object({
      cameraId: z.string(),
      name: z.string().optional(),
      zone: z.string().optional(),
      suggestedZone: z.string().optional(),
      status: z.string(),
      verdict: CameraVerdict,
    }),
  ),
});
export type SchoolCompliance = z.infer<typeof SchoolCompliance>;
