import { z } from 'zod';
import { IsoTime, RegionCode } from './common.ts';
import { ComplianceFigures, ComplianceReason, Day, Profile, SchoolVerdict } from './compliance.ts';

/**
 * The daily compliance archive (issue 14): what each school's cameras did on each day, evaluated after the day ended
 * (Asia/Almaty), kept as one object per region per day plus a manifest per entry of a hash chain.
 */

/** How one camera spent the day: minutes in each status (the time before it was first seen is not observed). */
export const DayAvailability = z.object({
  observedMin: z.number().nonnegative(),
  onlineMin: z.number().nonnegative(),
  degradedMin: z.number().nonnegative(),
  /** the camera's own outages */
  offlineMin: z.number().nonnegative(),
  /** the school's link to the centre was down (not the camera's fault; counted apart) */
  linkDownMin: z.number().nonnegative(),
  unknownMin: z.number().nonnegative(),
  /** online or degraded, of the observed time (absent: not observed at all that day) */
  availablePct: z.number().min(0).max(100).optional(),
});
export type DayAvailability = z.infer<typeof DayAvailability>;

/** The facts a camera's day was judged on (the same shape the live verdict reads). */
export const DayFacts = z.object({
  status: z.enum(['online', 'degraded', 'offline', 'unknown', 'link_down']),
  healthReasons: z.array(z.string()).optional(),
  retention: z
    .union([
      z.object({
        state: z.literal('known'),
        retainedDays: z.number(),
        gaps: z.array(z.object({ seconds: z.number(), start: z.string().optional() })),
        gapWindowDays: z.number(),
      }),
      z.object({ state: z.literal('unknown'), reason: z.string().optional() }),
    ])
    .optional(),
  measured: z.object({ width: z.number(), height: z.number(), fps: z.number() }).optional(),
  configured: z.object({ width: z.number(), height: z.number(), fps: z.number() }).optional(),
  clockDriftSeconds: z.number().optional(),
  zone: z.string().optional(),
});

export const ArchiveCamera = z.object({
  id: z.string(),
  schoolId: z.string(),
  name: z.string().optional(),
  zone: z.string().optional(),
  facts: DayFacts,
  availability: DayAvailability,
  compliant: z.boolean(),
  reasons: z.array(ComplianceReason),
});
export type ArchiveCamera = z.infer<typeof ArchiveCamera>;

export const ArchiveSchool = z.object({
  id: z.string(),
  nameRu: z.string(),
  nameKk: z.string(),
  districtId: z.string(),
  profile: z.string(),
  hasAgent: z.boolean(),
  deadline: Day.optional(),
  verdict: SchoolVerdict.omit({ schoolId: true, profile: true, deadline: true, at: true }),
  /** the mean of its cameras' availability (absent: no camera observed) */
  availablePct: z.number().optional(),
});
export type ArchiveSchool = z.infer<typeof ArchiveSchool>;

/** One region's day: the object the archive stores (gzipped JSON). */
export const RegionDay = z.object({
  v: z.literal(1),
  day: Day,
  regionCode: RegionCode,
  timeZone: z.string(),
  requirementsVersion: z.int(),
  /** the profiles the schools were judged by, by name (a later re-evaluation uses these, not today's) */
  profiles: z.record(z.string(), Profile),
  forbiddenZones: z.array(z.string()),
  evaluatedAt: IsoTime,
  schools: z.array(ArchiveSchool),
  cameras: z.array(ArchiveCamera),
});
export type RegionDay = z.infer<typeof RegionDay>;

/** A unit's figures for a day: the compliance figures plus availability (minutes summed over its cameras). */
export const DayFigures = ComplianceFigures.extend({
  observedMin: z.number(),
  availableMin: z.number(),
  linkDownMin: z.number(),
  offlineMin: z.number(),
});
export type DayFigures = z.infer<typeof DayFigures>;

/** An entry of the hash chain: the objects of one day and the SHA-256 of the entry before it. */
export const ArchiveManifest = z.object({
  v: z.literal(1),
  /** 1, 2, 3 … in the order written; each names the SHA-256 of the one before */
  n: z.int().positive(),
  day: Day,
  kind: z.enum(['daily', 'late']),
  /** the entry of the same day this one replaces (late data re-evaluated the day) */
  supersedes: z.int().positive().optional(),
  /** the SHA-256 (hex) of entry n−1's bytes, null for the first */
  previous: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  createdAt: IsoTime,
  requirementsVersion: z.int(),
  /** per region two objects: its schools' day (what views and exports read), its cameras' day (for re-judging) */
  objects: z.array(
    z.object({
      key: z.string(),
      regionCode: RegionCode,
      part: z.enum(['schools', 'cameras']),
      sha256: z.string(),
      bytes: z.int(),
    }),
  ),
  figures: z.object({
    country: DayFigures,
    regions: z.record(z.string(), DayFigures),
    districts: z.record(z.string(), DayFigures),
  }),
});
export type ArchiveManifest = z.infer<typeof ArchiveManifest>;

/** What `archive verify` found. */
export const ArchiveVerification = z.object({
  ok: z.boolean(),
  checkedAt: IsoTime,
  from: Day.optional(),
  to: Day.optional(),
  entries: z.int(),
  objects: z.int(),
  /** every problem, the first one first (a changed object, a missing manifest, a broken link of the chain) */
  problems: z.array(
    z.object({ day: Day.optional(), n: z.int().optional(), key: z.string().optional(), problem: z.string() }),
  ),
});
export type ArchiveVerification = z.infer<typeof ArchiveVerification>;

/** GET /archive/days: a unit's (or a school's) day-by-day figures over a range, from the archive's current entries. */
export const ArchiveSeries = z.object({
  scope: z.object({ kind: z.enum(['country', 'region', 'district', 'school']), id: z.string() }),
  from: Day,
  to: Day,
  days: z.array(
    z.object({
      day: Day,
      n: z.int(),
      /** the day was re-evaluated after late data (its current entry supersedes the first) */
      revised: z.boolean(),
      /** the version of the requirement document the day was judged by */
      requirementsVersion: z.int(),
      figures: DayFigures.optional(),
      /** a school's day */
      school: ArchiveSchool.optional(),
    }),
  ),
  verification: ArchiveVerification.optional(),
});
export type ArchiveSeries = z.infer<typeof ArchiveSeries>;
