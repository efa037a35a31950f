import type {
  ArchiveCamera,
  ArchiveManifest,
  ArchiveSchool,
  ArchiveSeries,
  ArchiveVerification,
  RegionDay,
} from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ArchiveRepository } from '../repositories/archive.ts';
import type { Keys } from '../repositories/redis.ts';
import type { RegistryRepository } from '../repositories/registry.ts';
import { historyPoints } from '../repositories/state.ts';
import {
  addDays,
  availability,
  dayBounds,
  dayFigures,
  dayOf,
  type HistoryPoint,
  judgeRegionDay,
  regionFigures,
} from './archive-day.ts';
import type { ComplianceService } from './compliance.ts';
import { storeSince } from './store-guard.ts';

/** status history is kept for 7 days: a day older than that cannot be evaluated any more */
const CATCH_UP_DAYS = 6;

export type ArchiveScope = { kind: 'country' } | { kind: 'region' | 'district' | 'school'; id: string };

/** A unit's figures in a day's entry (none for a school: its day is in the region's object). */
export function unitFigures(
  m: ArchiveManifest,
  scope: ArchiveScope,
): ArchiveManifest['figures']['country'] | undefined {
  if (scope.kind === 'country') return m.figures.country;
  if (scope.kind === 'region') return m.figures.regions[scope.id];
  if (scope.kind === 'district') return m.figures.districts[scope.id];
  return undefined;
}

/**
 * The daily compliance archive: after each day ends (in the deployment's time zone) every camera's and school's day
 * is judged — availability from the status history (link outages apart from camera outages), the recording,
 * resolution and clock facts, the verdict by the one evaluation function — and appended to the hash chain. Status
 * changes that arrive late (an agent's journal replayed after an outage) re-judge their day into a superseding
 * entry. Views, exports and the open API read the chain's current entry of each day.
 */
export class ArchiveService {
  /** manifests are immutable: kept once read (the views read many days) */
  private readonly manifests = new Map<number, ArchiveManifest>();

  constructor(
    private readonly d: {
      redis: Redis;
      keys: Keys;
      registry: RegistryRepository;
      compliance: ComplianceService;
      repo: ArchiveRepository;
      timeZone: string;
      log?: Logger;
    },
  ) {}

  /** where the day's work runs instead (the compliance thread), told this instance's clock */
  offThread?: (
    kind: 'archive-daily' | 'archive-late' | 'archive-day',
    now: number,
    day?: string,
  ) => Promise<{ archived?: string[]; revised?: string[]; n?: number }>;
  /** the clock (tests move it over simulated days) */
  clock: () => number = Date.now;
  private now = () => this.clock();
  private lateKey = () => `${this.d.keys.prefix}archive:late`;

  today(): string {
    return dayOf(this.now(), this.d.timeZone);
  }

  /** today's [start, end) in the zone, kept until it ends: every stored batch asks (time zone arithmetic is costly) */
  private todayBounds = { start: 0, end: 0 };
  private todayStart(): number {
    const now = this.now();
    if (now < this.todayBounds.start || now >= this.todayBounds.end)
      this.todayBounds = dayBounds(this.today(), this.d.timeZone);
    return this.todayBounds.start;
  }

  /** Archives every ended day not archived yet (yesterday; after downtime, the days missed that history still has). */
  async runDaily(): Promise<{ archived: string[] }> {
    if (this.offThread) return { archived: (await this.offThread('archive-daily', this.now())).archived ?? [] };
    const yesterday = addDays(this.today(), -1);
    const days = await this.d.repo.days();
    const newest = [...days.keys()].sort().at(-1);
    // after the newest archived day, no further back than the status history reaches; an empty archive starts with
    // the day this deployment was set up (that day is judged from when it began watching): the days before it were
    // watched by nobody, and an entry would say every school was uncovered, in a chain that cannot be corrected
    let day = newest ? addDays(newest, 1) : await this.firstDayWatched();
    if (day < addDays(yesterday, -CATCH_UP_DAYS)) day = addDays(yesterday, -CATCH_UP_DAYS);
    const archived: string[] = [];
    for (; day <= yesterday; day = addDays(day, 1)) {
      if (days.has(day)) continue;
      const regions = await this.evaluateDay(day);
      await this.append(day, 'daily', regions);
      archived.push(day);
    }
    return { archived };
  }

  /** The day (in the deployment's zone) its store was set up; today when that is unknown (no day before is claimed). */
  private async firstDayWatched(): Promise<string> {
    const since = await storeSince(this.d.redis, this.d.keys);
    return since === undefined ? this.today() : dayOf(since, this.d.timeZone);
  }

  /**
   * Judges an ended day again from what the centre holds now (an administrator corrected the registry, or a day
   * was archived before its data had arrived), as an entry superseding the day's current one. Returns its number.
   */
  async rejudge(day: string): Promise<number> {
    if (this.offThread) return (await this.offThread('archive-day', this.now(), day)).n!;
    if (day >= this.today()) throw new ArchiveDayError(`${day} has not ended yet`);
    const n = (await this.d.repo.days()).get(day);
    const regions = await this.evaluateDay(day);
    const m = n
      ? await this.append(day, 'late', regions, { manifest: await this.manifest(n), all: regions })
      : await this.append(day, 'daily', regions);
    return m.n;
  }

  /** Judges one ended day of every region from what Redis holds now. */
  async evaluateDay(day: string): Promise<RegionDay[]> {
    const { start, end } = dayBounds(day, this.d.timeZone);
    const doc = await this.d.compliance.current();
    const forbiddenZones = doc.zones.filter((z) => z.forbidden).map((z) => z.id);
    const out: RegionDay[] = [];
    for (const region of await this.d.registry.regions()) {
      const ids = await this.d.registry.schoolIds({ regionCode: region.code });
      const schools: ArchiveSchool[] = [];
      const cameras: ArchiveCamera[] = [];
      const profiles: RegionDay['profiles'] = {};
      for (let i = 0; i < ids.length; i += 100) {
        const chunk = await this.d.registry.schools(ids.slice(i, i + 100));
        const now = await this.d.compliance.schoolsNow(chunk);
        const camIds = now.flatMap((x) => x.cameras.map((c) => c.cameraId));
        const hist = await this.histories(camIds);
        let k = 0;
        for (const [j, school] of chunk.entries()) {
          const { verdict, cameras: cams } = now[j]!;
          profiles[verdict.profile] ??= doc.profiles.find((p) => p.name === verdict.profile)!;
          for (const c of cams) {
            const h = hist[k++]!;
            const a = availability(h.points, start, end, {
              status: c.facts.status,
              reasons: c.facts.healthReasons ?? [],
              since: h.since,
            });
            const { end: atEnd, ...avail } = a;
            cameras.push({
              id: c.cameraId,
              schoolId: school.id,
              ...(c.name ? { name: c.name } : {}),
              ...(c.zone ? { zone: c.zone } : {}),
              // the recording, resolution and clock facts as measured when the day ended; the signal from the
              // status the history shows at the day's end
              facts: {
                ...c.facts,
                status: atEnd?.status ?? 'unknown',
                healthReasons: atEnd?.reasons ?? [],
              },
              availability: avail,
              compliant: false,
              reasons: [],
            });
          }
          schools.push({
            id: school.id,
            nameRu: school.nameRu,
            nameKk: school.nameKk,
            districtId: school.districtId,
            profile: verdict.profile,
            hasAgent: !verdict.reasons.includes('no_agent'),
            ...(verdict.deadline ? { deadline: verdict.deadline } : {}),
            verdict: {
              compliant: false,
              covered: false,
              reasons: [],
              cameras: { present: 0, required: 0, compliant: 0 },
              zones: [],
              failing: {},
              requirements: {},
            },
          });
        }
        // a chunk's worth of work at a time: the event loop acknowledges agents' batches in between
        await new Promise((r) => setImmediate(r));
      }
      out.push(
        judgeRegionDay({
          v: 1,
          day,
          regionCode: region.code,
          timeZone: this.d.timeZone,
          requirementsVersion: doc.version,
          profiles,
          forbiddenZones,
          evaluatedAt: new Date(this.now()).toISOString(),
          schools,
          cameras,
        }),
      );
    }
    return out;
  }

  private async histories(ids: string[]): Promise<{ points: HistoryPoint[]; since?: number }[]> {
    const p = this.d.redis.pipeline();
    for (const id of ids) {
      p.lrange(this.d.keys.histCam(id), 0, -1);
      p.hget(this.d.keys.cam(id), 'since');
    }
    const res = (await p.exec()) ?? [];
    return ids.map((_, i) => {
      const since = res[2 * i + 1]?.[1] as string | null;
      return {
        points: historyPoints((res[2 * i]?.[1] as string[] | undefined) ?? []),
        ...(since ? { since: Date.parse(since) } : {}),
      };
    });
  }

  private async append(
    day: string,
    kind: 'daily' | 'late',
    regions: RegionDay[],
    base?: { manifest: ArchiveManifest; all: RegionDay[] },
  ): Promise<ArchiveManifest> {
    const all = base ? base.all.map((r) => regions.find((x) => x.regionCode === r.regionCode) ?? r) : regions;
    const sums: Record<string, Record<string, number>> = {};
    for (const r of all) regionFigures(r, sums);
    const figures: ArchiveManifest['figures'] = { country: dayFigures(sums.country), regions: {}, districts: {} };
    for (const [unit, h] of Object.entries(sums)) {
      if (unit.startsWith('region:')) figures.regions[unit.slice(7)] = dayFigures(h);
      if (unit.startsWith('district:')) figures.districts[unit.slice(9)] = dayFigures(h);
    }
    const changed = new Set(regions.map((r) => r.regionCode));
    const m = await this.d.repo.append(
      {
        day,
        kind,
        ...(base ? { supersedes: base.manifest.n } : {}),
        requirementsVersion: all[0]?.requirementsVersion ?? 0,
        figures,
      },
      regions,
      base ? base.manifest.objects.filter((o) => !changed.has(o.regionCode)) : [],
    );
    this.d.log?.info({ day, n: m.n, kind, regions: regions.length }, 'compliance archive entry written');
    return m;
  }

  /** Status changes the centre received for an ended day (a journal replayed after an outage): that day is re-judged. */
  async noticeLate(observedAt: string[]): Promise<boolean> {
    const today = this.todayStart();
    const days = new Set(
      observedAt.filter((t) => Date.parse(t) < today).map((t) => dayOf(Date.parse(t), this.d.timeZone)),
    );
    if (!days.size) return false;
    await this.d.redis.sadd(this.lateKey(), ...days);
    return true;
  }

  /** Re-judges the archived days that got late status changes; each that changed gets a superseding entry. */
  async reviseLate(): Promise<{ revised: string[] }> {
    if (this.offThread) return { revised: (await this.offThread('archive-late', this.now())).revised ?? [] };
    const days = (await this.d.redis.spop(this.lateKey(), 1000)).sort();
    const index = await this.d.repo.days();
    const revised: string[] = [];
    for (const day of days) {
      const n = index.get(day);
      if (!n) continue; // not archived yet: the daily run will see the late changes anyway
      try {
        if (await this.revise(day, n)) revised.push(day);
      } catch (err) {
        await this.d.redis.sadd(this.lateKey(), day); // tried again with the next run
        throw err;
      }
    }
    return { revised };
  }

  private async revise(day: string, n: number): Promise<boolean> {
    const manifest = await this.manifest(n);
    const { start, end } = dayBounds(day, this.d.timeZone);
    const all: RegionDay[] = [];
    for (const o of manifest.objects)
      if (o.part === 'schools') all.push((await this.d.repo.region(manifest, o.regionCode, { cameras: true }))!);
    const changed: RegionDay[] = [];
    for (const r of all) {
      const hist = await this.histories(r.cameras.map((c) => c.id));
      const cameras = r.cameras.map((c, i) => {
        const { end: atEnd, ...avail } = availability(hist[i]!.points, start, end);
        // nothing in the history for that day any more (cut): what the first entry said stands
        if (avail.observedMin === 0) return c;
        return {
          ...c,
          availability: avail,
          facts: { ...c.facts, status: atEnd?.status ?? c.facts.status, healthReasons: atEnd?.reasons ?? [] },
        };
      });
      const next = judgeRegionDay({ ...r, cameras, evaluatedAt: new Date(this.now()).toISOString() });
      const same = (x: RegionDay) => JSON.stringify([x.schools, x.cameras]);
      if (same(next) !== same(r)) changed.push(next);
    }
    if (!changed.length) return false;
    await this.append(day, 'late', changed, { manifest, all });
    return true;
  }

  async manifest(n: number): Promise<ArchiveManifest> {
    let m = this.manifests.get(n);
    if (!m) {
      const e = await this.d.repo.entry(n);
      if (!e) throw new Error(`archive entry ${n} is missing`);
      m = e.manifest;
      this.manifests.set(n, m);
    }
    return m;
  }

  /** A unit's (or a school's) days in [from, to] from each day's current entry. */
  async series(scope: ArchiveScope, from: string, to: string, regionOf?: string): Promise<ArchiveSeries> {
    const index = await this.d.repo.days();
    const days: ArchiveSeries['days'] = [];
    for (let day = from; day <= to; day = addDays(day, 1)) {
      const n = index.get(day);
      if (!n) continue;
      const m = await this.manifest(n);
      const revised = m.kind === 'late';
      if (scope.kind === 'school') {
        const r = regionOf ? await this.d.repo.region(m, regionOf) : undefined;
        const school = r?.schools.find((s) => s.id === scope.id);
        if (school) days.push({ day, n, revised, requirementsVersion: m.requirementsVersion, school });
        continue;
      }
      const figures = unitFigures(m, scope);
      days.push({ day, n, revised, requirementsVersion: m.requirementsVersion, ...(figures ? { figures } : {}) });
    }
    return { scope: scope.kind === 'country' ? { kind: 'country', id: 'KZ' } : scope, from, to, days };
  }

  /** The current entries of the days in [from, to] (for exports), oldest first. */
  async entries(from: string, to: string): Promise<ArchiveManifest[]> {
    const index = await this.d.repo.days();
    const out: ArchiveManifest[] = [];
    for (let day = from; day <= to; day = addDays(day, 1)) {
      const n = index.get(day);
      if (n) out.push(await this.manifest(n));
    }
    return out;
  }

  /** Verifies the chain (and the objects of [from, to]); the result is kept for the views. */
  async verify(from?: string, to?: string): Promise<ArchiveVerification> {
    const v = await this.d.repo.verify(from, to);
    await this.d.redis.set(this.d.keys.archiveVerification(), JSON.stringify(v));
    if (!v.ok) this.d.log?.error({ problems: v.problems.slice(0, 5) }, 'the compliance archive failed verification');
    return v;
  }

  /** The last verification's result, if the archive was ever verified. */
  async lastVerification(): Promise<ArchiveVerification | undefined> {
    const v = await this.d.redis.get(this.d.keys.archiveVerification());
    return v ? (JSON.parse(v) as ArchiveVerification) : undefined;
  }

  region(m: ArchiveManifest, regionCode: string): Promise<RegionDay | undefined> {
    return this.d.repo.region(m, regionCode);
  }
}

export class ArchiveDayError extends Error {}
