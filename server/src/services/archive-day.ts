import {
  type ArchiveCamera,
  type ArchiveSchool,
  type CentreStatus,
  contribution,
  type DayAvailability,
  type DayFigures,
  evaluateCamera,
  evaluateSchool,
  figuresOf,
  type RegionDay,
} from '@kuzet/protocol';

/**
 * Judging one day of the archive, without I/O: the calendar day in the deployment's time zone, how a camera spent it
 * (from its status history), its verdict for the day (the one evaluation function, with the status at the day's end
 * from the history), its school's, and the figures of every unit.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

function parts(t: number, tz: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(t))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** The zone's offset from UTC at instant `t`, in ms. */
export function tzOffsetMs(t: number, tz: string): number {
  const p = parts(t, tz);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(t / 1000) * 1000;
}

/** The calendar day (YYYY-MM-DD) of instant `t` in the zone. */
export function dayOf(t: number, tz: string): string {
  const p = parts(t, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The instant the day starts in the zone (local midnight), in ms. */
export function dayStart(day: string, tz: string): number {
  const guess = Date.parse(`${day}T00:00:00Z`);
  const first = guess - tzOffsetMs(guess, tz);
  return guess - tzOffsetMs(first, tz);
}

/** [start, end) of the day in the zone, in ms. */
export function dayBounds(day: string, tz: string): { start: number; end: number } {
  return { start: dayStart(day, tz), end: dayStart(addDays(day, 1), tz) };
}

export interface HistoryPoint {
  at: number;
  status: CentreStatus;
  reasons: string[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * How a camera spent [start, end): its history holds the changes (any order); the status at the start is the last
 * change before it. With no change before the start, the time until the first change is not observed — unless the
 * camera has had its current status since before the start (a camera that never changed has no recent entry).
 */
export function availability(
  history: HistoryPoint[],
  start: number,
  end: number,
  current?: { status: CentreStatus; reasons: string[]; since?: number },
): DayAvailability & { end?: { status: CentreStatus; reasons: string[] } } {
  const points = [...history].sort((a, b) => a.at - b.at);
  const min: Record<CentreStatus, number> = { online: 0, degraded: 0, offline: 0, link_down: 0, unknown: 0 };
  let cur: { status: CentreStatus; reasons: string[] } | undefined;
  for (const p of points) if (p.at <= start) cur = p;
  if (!cur && points.length === 0 && current && current.since !== undefined && current.since <= start) cur = current;
  let t = start;
  for (const p of points) {
    if (p.at <= start) continue;
    if (p.at >= end) break;
    if (cur) min[cur.status] += p.at - t;
    cur = p;
    t = p.at;
  }
  if (cur) min[cur.status] += end - t;
  const m = (ms: number) => round1(ms / 60_000);
  const observed = Object.values(min).reduce((a, b) => a + b, 0);
  const out: DayAvailability & { end?: { status: CentreStatus; reasons: string[] } } = {
    observedMin: m(observed),
    onlineMin: m(min.online),
    degradedMin: m(min.degraded),
    offlineMin: m(min.offline),
    linkDownMin: m(min.link_down),
    unknownMin: m(min.unknown),
    ...(observed > 0 ? { availablePct: round1((100 * (min.online + min.degraded)) / observed) } : {}),
  };
  if (cur) out.end = { status: cur.status, reasons: cur.reasons };
  return out;
}

/** Re-judges every camera and school of a region's day from the facts and availability it holds. */
export function judgeRegionDay(d: RegionDay): RegionDay {
  const forbidden = new Set(d.forbiddenZones);
  const profileOf = new Map(d.schools.map((s) => [s.id, s.profile]));
  const bySchool = new Map<string, { verdict: ReturnType<typeof evaluateCamera>; zone?: string; pct?: number }[]>();
  const cameras: ArchiveCamera[] = d.cameras.map((c) => {
    const profile = d.profiles[profileOf.get(c.schoolId) ?? '']!;
    const verdict = evaluateCamera(c.facts, profile, forbidden);
    const list = bySchool.get(c.schoolId) ?? [];
    list.push({ verdict, zone: c.zone, pct: c.availability.availablePct });
    bySchool.set(c.schoolId, list);
    return { ...c, compliant: verdict.compliant, reasons: verdict.reasons };
  });
  const schools: ArchiveSchool[] = d.schools.map((s) => {
    const mine = bySchool.get(s.id) ?? [];
    const v = evaluateSchool({ id: s.id }, d.profiles[s.profile]!, mine, s.hasAgent, d.evaluatedAt);
    const pcts = mine.map((c) => c.pct).filter((x): x is number => x !== undefined);
    const { schoolId: _s, profile: _p, deadline: _d, at: _a, ...verdict } = v;
    return {
      ...s,
      verdict,
      ...(pcts.length ? { availablePct: round1(pcts.reduce((a, b) => a + b, 0) / pcts.length) } : {}),
    };
  });
  return { ...d, schools, cameras };
}

/** Sums a region's day into the figures of the region and of each of its districts (and adds them to `into`). */
export function regionFigures(
  d: RegionDay,
  into: Record<string, Record<string, number>> = {},
): Record<string, Record<string, number>> {
  const add = (unit: string, c: Record<string, number>) => {
    into[unit] ??= {};
    const h = into[unit];
    for (const [k, v] of Object.entries(c)) h[k] = (h[k] ?? 0) + v;
  };
  const minutes = new Map<string, Record<string, number>>();
  for (const c of d.cameras) {
    const a = c.availability;
    const m = minutes.get(c.schoolId) ?? { observedMin: 0, availableMin: 0, linkDownMin: 0, offlineMin: 0 };
    m.observedMin! += a.observedMin;
    m.availableMin! += a.onlineMin + a.degradedMin;
    m.linkDownMin! += a.linkDownMin;
    m.offlineMin! += a.offlineMin;
    minutes.set(c.schoolId, m);
  }
  for (const s of d.schools) {
    const c = { ...contribution({ ...s.verdict, schoolId: s.id, profile: s.profile, at: d.evaluatedAt }) };
    Object.assign(c, minutes.get(s.id) ?? {});
    add('country', c);
    add(`region:${d.regionCode}`, c);
    add(`district:${s.districtId}`, c);
  }
  return into;
}

/** The figures of one unit from its summed counters. */
export function dayFigures(h: Record<string, number> = {}): DayFigures {
  return {
    ...figuresOf(h),
    observedMin: round1(h.observedMin ?? 0),
    availableMin: round1(h.availableMin ?? 0),
    linkDownMin: round1(h.linkDownMin ?? 0),
    offlineMin: round1(h.offlineMin ?? 0),
  };
}
