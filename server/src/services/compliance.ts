import {
  type CameraFacts,
  type CameraVerdict,
  cameraName,
  clockState,
  contribution,
  deadlineFor,
  evaluateCamera,
  evaluateSchool,
  type Profile,
  profileFor,
  type RequirementsDoc,
  type School,
  type SchoolVerdict,
  suggestZone,
  type VerdictSummary,
} from '@kuzet/protocol';
import type { Redis, Result } from 'ioredis';
import type { Logger } from 'pino';
import { COUNTED_LUA } from '../repositories/counted-place.ts';
import type { Keys } from '../repositories/redis.ts';
import type { RegistryRepository } from '../repositories/registry.ts';
import type { RequirementsRepository } from '../repositories/requirements.ts';
import type { DeltaBus } from './bus.ts';

/**
 * Stores a school's verdict and moves the figures of its district, region and country by the difference of what it
 * adds (atomic: figures never drift). A covered, non-compliant school enters the pending set (from when) that the
 * compliance alert is raised from; a compliant or uncovered one leaves it.
 * A school no longer in the registry (removed while it was being judged) gets no verdict. One judged before the
 * registry moved it adds to the district and region it is counted in now (counted-place.ts), where the move took
 * what it added before.
 * KEYS: verdict, figures district/region/country, pending, the school
 * ARGV: verdict JSON, summary JSON, contribution ("k=v,…"), schoolId, pending since (ms) or '' (not pending),
 *       the districtId and regionCode the verdict was judged in
 * → 1 when the summary changed
 */
export const STORE_VERDICT = `${COUNTED_LUA}
if redis.call('EXISTS', KEYS[6]) == 0 then return 0 end
local K = {KEYS[1], KEYS[2], KEYS[3], KEYS[4]}
local district, region, other = counted(KEYS[6], ARGV[6], ARGV[7])
if other then K[2], K[3] = rescope(KEYS[2], ARGV[6], district), rescope(KEYS[3], ARGV[7], region) end
local before, after = {}, {}
for k, v in string.gmatch(redis.call('HGET', KEYS[1], 'contrib') or '', '([^=,]+)=(-?%d+)') do before[k] = tonumber(v) end
for k, v in string.gmatch(ARGV[3], '([^=,]+)=(-?%d+)') do after[k] = tonumber(v) end
for k, v in pairs(after) do
  local d = v - (before[k] or 0)
  if d ~= 0 then for i = 2, 4 do redis.call('HINCRBY', K[i], k, d) end end
end
for k, v in pairs(before) do
  if after[k] == nil and v ~= 0 then for i = 2, 4 do redis.call('HINCRBY', K[i], k, -v) end end
end
local changed = redis.call('HGET', KEYS[1], 'summary') ~= ARGV[2]
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'summary', ARGV[2], 'contrib', ARGV[3])
if ARGV[5] == '' then redis.call('ZREM', KEYS[5], ARGV[4]) else redis.call('ZADD', KEYS[5], 'NX', ARGV[5], ARGV[4]) end
if changed then return 1 end
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kuzetStoreVerdict(...args: string[]): Result<number, Context>;
  }
}

/** A school whose verdict changed, as far as its alert is concerned. */
export interface VerdictChange {
  schoolId: string;
  compliant: boolean;
  covered: boolean;
}

/** The fields of a camera's hash a verdict needs (plain fields: no document is parsed for a verdict). */
const FACT_FIELDS = [
  'status',
  'reasons',
  'zone',
  'name',
  'onvifName',
  'onvifLocation',
  'clockDriftSeconds',
  'comp',
  'rstate',
  'retainedDays',
  'rgaps',
  'rwin',
  'width',
  'height',
  'fps',
  'cw',
  'ch',
  'cfps',
] as const;

export interface CameraFactsRow {
  cameraId: string;
  facts: CameraFacts;
  name?: string;
  zone?: string;
  suggestedZone?: string;
  /** the reasons stored with the camera at its last evaluation ('' compliant) */
  stored?: string;
}

export const summaryOf = (v: SchoolVerdict): VerdictSummary => ({
  compliant: v.compliant,
  covered: v.covered,
  reasons: v.reasons,
  cameras: v.cameras,
  failing: v.failing,
  requirements: v.requirements,
});

/**
 * Decides compliance for schools from what their agents measured, with the requirement document in force, and keeps
 * the verdicts and the figures of every district, region and the country. The decision itself is protocol's
 * evaluateCamera / evaluateSchool: nothing here judges.
 */
export class ComplianceService {
  private doc?: RequirementsDoc;
  private readonly dirty = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  /** evaluations failed in a row (Redis away): the next waits longer, up to a minute */
  private failures = 0;
  /** told the schools whose verdict changed (alerts) */
  onChanged?: (changes: VerdictChange[]) => Promise<void>;
  /** where large evaluations run (every school): a worker thread, off the event loop; none: here */
  thread?: { evaluate(ids?: string[]): Promise<{ schools: number; changed: number; changes: VerdictChange[] }> };
  /** more schools changed at once than this: their verdicts are computed in the thread */
  threadAbove = 20;
  /**
   * Whether agents are waiting for their batches to be stored (the agent link's backlog): verdicts are derived from
   * what is stored, so while agents wait (every agent's resync at once, after Redis came back empty) they wait too —
   * a second at a time, at most `deferMaxMs` from the first wait, then they are computed regardless.
   */
  busy?: () => boolean;
  deferMaxMs = 30_000;
  private deferredSince?: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly registry: RegistryRepository,
    readonly requirements: RequirementsRepository,
    private readonly bus: DeltaBus,
    private readonly log?: Logger,
  ) {
    redis.defineCommand('kuzetStoreVerdict', { numberOfKeys: 6, lua: STORE_VERDICT });
  }

  async reload(): Promise<RequirementsDoc> {
    const doc = await this.requirements.current();
    if (!doc) throw new Error('no requirement document stored');
    this.doc = doc;
    return doc;
  }

  async current(): Promise<RequirementsDoc> {
    return this.doc ?? this.reload();
  }

  async profileOf(s: Pick<School, 'id' | 'districtId' | 'regionCode'>): Promise<Profile> {
    return profileFor(await this.current(), s);
  }

  /**
   * A school needs a new verdict (its cameras' facts changed): evaluated a second after the first mark, with every
   * school marked by then, in one batch. One evaluation at a time: schools marked while one runs wait for it to end
   * and go together into the next, each once however often it was marked — a load the evaluation cannot keep up
   * with (every school's clock readings at full scale) makes the batches larger, never a queue of them. While agents
   * wait for their batches to be stored (`busy`), the evaluation waits too, at most `deferMaxMs`.
   */
  markDirty(schoolId: string): void {
    this.dirty.add(schoolId);
    this.schedule();
  }

  /**
   * Clock drifts of a school's cameras that differ from the ones stored (a real camera's jitters by tenths of a
   * second at every reading, every five minutes): the school is judged again only when one changes what the verdict
   * says of its clock (protocol's clockState: unknown, ok, drift under the school's profile).
   */
  clockChanged(
    school: Pick<School, 'id' | 'districtId' | 'regionCode'>,
    drifts: { before?: number; after: number }[],
  ): void {
    const p = this.doc && profileFor(this.doc, school);
    if (!p || drifts.some((d) => clockState(d.before, p) !== clockState(d.after, p))) this.markDirty(school.id);
  }

  private schedule(): void {
    if (this.timer || this.running || this.stopped) return;
    // a second to gather marks; after failed evaluations (Redis away) longer, up to a minute
    this.timer = setTimeout(() => this.run(), Math.min(60_000, 1000 * 2 ** this.failures));
  }

  private run(): void {
    this.timer = undefined;
    if (this.busy?.()) {
      this.deferredSince ??= Date.now();
      if (Date.now() - this.deferredSince < this.deferMaxMs) {
        this.timer = setTimeout(() => this.run(), 1000);
        return;
      }
    }
    this.deferredSince = undefined;
    const ids = [...this.dirty];
    this.dirty.clear();
    this.running = (async () => {
      // a handful here; a flood (every agent resyncing after a restart) in the thread, off the event loop
      // (evaluated first: an optional call's arguments are not evaluated when nobody listens)
      if (this.thread && ids.length > this.threadAbove) {
        const { changes } = await this.thread.evaluate(ids);
        await this.onChanged?.(changes);
      } else await this.evaluate(ids);
      this.failures = 0;
    })()
      .catch((err) => {
        this.failures++;
        this.log?.error({ err, failures: this.failures }, 'compliance evaluation failed');
        for (const id of ids) this.dirty.add(id);
      })
      .finally(() => {
        this.running = undefined;
        if (this.dirty.size) this.schedule();
      });
  }

  /** The facts of cameras as the centre holds them, in one round trip. */
  async cameraFacts(ids: string[]): Promise<CameraFactsRow[]> {
    if (!ids.length) return [];
    const doc = await this.current();
    const p = this.redis.pipeline();
    for (const id of ids) p.hmget(this.keys.cam(id), ...FACT_FIELDS);
    const res = (await p.exec()) ?? [];
    const num = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? undefined : Number(v));
    return ids.map((cameraId, i) => {
      const [
        status,
        reasons,
        zone,
        name,
        onvifName,
        onvifLocation,
        drift,
        comp,
        rstate,
        days,
        gaps,
        win,
        w,
        h,
        fps,
        cw,
        ch,
        cfps,
      ] = (res[i]?.[1] ?? []) as (string | null)[];
      const facts: CameraFacts = {
        status: (status ?? 'unknown') as CameraFacts['status'],
        healthReasons: reasons ? reasons.split(',') : [],
        ...(rstate === 'known'
          ? {
              retention: {
                state: 'known' as const,
                retainedDays: Number(days),
                gaps: gaps ? gaps.split(',').map((x) => ({ seconds: Number(x) })) : [],
                gapWindowDays: Number(win ?? 0),
              },
            }
          : rstate === 'unknown'
            ? { retention: { state: 'unknown' as const } }
            : {}),
        ...(num(w) !== undefined ? { measured: { width: num(w)!, height: num(h) ?? 0, fps: num(fps) ?? 0 } } : {}),
        ...(num(cw) !== undefined
          ? { configured: { width: num(cw)!, height: num(ch) ?? 0, fps: num(cfps) ?? 0 } }
          : {}),
        ...(num(drift) !== undefined ? { clockDriftSeconds: num(drift)! } : {}),
        ...(zone ? { zone } : {}),
      };
      return {
        cameraId,
        facts,
        ...(cameraName({ name, onvifName, onvifLocation })
          ? { name: cameraName({ name, onvifName, onvifLocation }) }
          : {}),
        ...(zone ? { zone } : {}),
        ...(zone ? {} : { suggestedZone: suggestZone(doc, [onvifName ?? undefined, onvifLocation ?? undefined]) }),
        ...(comp !== null && comp !== undefined ? { stored: comp } : {}),
      };
    });
  }

  /** A school's cameras with their verdicts (computed now, by the one function), and the school's verdict. */
  async schoolNow(
    school: School,
  ): Promise<{ verdict: SchoolVerdict; cameras: (CameraFactsRow & { verdict: CameraVerdict })[] }> {
    return (await this.schoolsNow([school]))[0]!;
  }

  /** The same for many schools, in three round trips (cameras, their facts, the agents). */
  async schoolsNow(
    schools: School[],
  ): Promise<{ verdict: SchoolVerdict; cameras: (CameraFactsRow & { verdict: CameraVerdict })[] }[]> {
    const doc = await this.current();
    const forbidden = new Set(doc.zones.filter((z) => z.forbidden).map((z) => z.id));
    const p = this.redis.pipeline();
    for (const s of schools) p.smembers(this.keys.schoolCams(s.id));
    for (const s of schools) for (const a of s.agents) p.hmget(this.keys.agent(a), 'enrolledAt', 'linkDown', 'revoked');
    const res = (await p.exec()) ?? [];
    const camIds = schools.map((_, i) => ((res[i]?.[1] as string[] | undefined) ?? []).sort());
    const rows = await this.cameraFacts(camIds.flat());
    const at = new Date().toISOString();
    let row = 0;
    let agentIdx = schools.length;
    return schools.map((school, i) => {
      const profile = profileFor(doc, school);
      const mine = rows.slice(row, row + camIds[i]!.length);
      row += camIds[i]!.length;
      const cameras = mine.map((r) => ({ ...r, verdict: evaluateCamera(r.facts, profile, forbidden) }));
      let hasAgent = false;
      for (const _ of school.agents) {
        const [enrolled, down, revoked] = (res[agentIdx++]?.[1] ?? []) as (string | null)[];
        if (enrolled && down !== '1' && revoked !== '1') hasAgent = true;
      }
      const verdict = evaluateSchool(
        school,
        profile,
        cameras.map((c) => ({ verdict: c.verdict, zone: c.zone })),
        hasAgent,
        at,
        deadlineFor(doc, school),
      );
      return { verdict, cameras };
    });
  }

  /** One camera's facts and verdict now (the camera page), with its name and zone. */
  async cameraNow(
    cameraId: string,
    school: Pick<School, 'id' | 'districtId' | 'regionCode'>,
  ): Promise<(CameraFactsRow & { verdict: CameraVerdict; profile: string }) | undefined> {
    const doc = await this.current();
    const profile = profileFor(doc, school);
    const [row] = await this.cameraFacts([cameraId]);
    if (!row) return undefined;
    const forbidden = new Set(doc.zones.filter((z) => z.forbidden).map((z) => z.id));
    return { ...row, verdict: evaluateCamera(row.facts, profile, forbidden), profile: profile.name };
  }

  /** Evaluates schools and stores their verdicts (and their cameras' reasons), in chunks. */
  async evaluate(ids: string[], parallel = 1): Promise<number> {
    let changed = 0;
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += 100) chunks.push(ids.slice(i, i + 100));
    // a few chunks at once (in the thread): Redis answers one while the next is being judged
    const next = async (): Promise<void> => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
        // (not `changed += await …`: that reads `changed` before the wait, and the parallel chunks' counts are lost)
        const n = await this.evaluateChunk(chunk);
        changed += n;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, next));
    return changed;
  }

  private async evaluateChunk(ids: string[]): Promise<number> {
    let changed = 0;
    {
      const schools = await this.registry.schools(ids);
      const out: { school: School; verdict: SchoolVerdict; idx: number }[] = [];
      const p = this.redis.pipeline();
      const now = await this.schoolsNow(schools);
      for (const [k, school] of schools.entries()) {
        const { verdict, cameras } = now[k]!;
        for (const c of cameras) {
          const comp = c.verdict.reasons.join(',');
          if (c.stored !== comp) p.hset(this.keys.cam(c.cameraId), 'comp', comp);
        }
        const pendingSince = verdict.covered && !verdict.compliant ? String(Date.now()) : '';
        const contrib = Object.entries(contribution(verdict))
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        const idx = p.length;
        p.kuzetStoreVerdict(
          this.keys.compliance(school.id),
          this.keys.complianceFigures(`district:${school.districtId}`),
          this.keys.complianceFigures(`region:${school.regionCode}`),
          this.keys.complianceFigures('country'),
          this.keys.compliancePending(),
          this.keys.school(school.id),
          JSON.stringify(verdict),
          JSON.stringify(summaryOf(verdict)),
          contrib,
          school.id,
          pendingSince,
          school.districtId,
          school.regionCode,
        );
        out.push({ school, verdict, idx });
      }
      const res = (await p.exec()) ?? [];
      for (const [err] of res) if (err) throw err;
      const changes = out.filter((o) => res[o.idx]?.[1] === 1);
      changed += changes.length;
      if (changes.length) {
        await this.bus.publishCompliance(
          changes.map(({ school, verdict }) => ({
            schoolId: school.id,
            districtId: school.districtId,
            regionCode: school.regionCode,
            ...summaryOf(verdict),
          })),
        );
        await this.onChanged?.(
          changes.map(({ school, verdict }) => ({
            schoolId: school.id,
            compliant: verdict.compliant,
            covered: verdict.covered,
          })),
        );
      }
    }
    return changed;
  }

  /** Every school of the registry (a profile changed, the registry changed, or the hourly check). */
  async evaluateAll(): Promise<{ schools: number; changed: number; ms: number }> {
    const t0 = Date.now();
    if (this.thread) {
      // seconds of work for a whole country: in the thread, never on the event loop that acknowledges agents
      const r = await this.thread.evaluate();
      await this.onChanged?.(r.changes);
      return { schools: r.schools, changed: r.changed, ms: Date.now() - t0 };
    }
    const ids = await this.registry.schoolIds({});
    const changed = await this.evaluate(ids);
    return { schools: ids.length, changed, ms: Date.now() - t0 };
  }

  async verdict(schoolId: string): Promise<SchoolVerdict | undefined> {
    const v = await this.redis.hget(this.keys.compliance(schoolId), 'json');
    return v ? (JSON.parse(v) as SchoolVerdict) : undefined;
  }

  /** Summaries of many schools' verdicts, in one round trip. */
  async summaries(ids: string[]): Promise<(VerdictSummary | undefined)[]> {
    if (!ids.length) return [];
    const p = this.redis.pipeline();
    for (const id of ids) p.hget(this.keys.compliance(id), 'summary');
    const res = (await p.exec()) ?? [];
    return res.map(([, v]) => (v ? (JSON.parse(v as string) as VerdictSummary) : undefined));
  }

  async figures(scope: string): Promise<Record<string, number>> {
    const h = await this.redis.hgetall(this.keys.complianceFigures(scope));
    return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)]));
  }

  /** Schools covered but non-compliant since before `beforeMs` (the compliance alert's debounce). */
  async pendingSince(beforeMs: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.compliancePending(), '-inf', beforeMs);
  }

  async pendingScore(schoolId: string): Promise<number | undefined> {
    const v = await this.redis.zscore(this.keys.compliancePending(), schoolId);
    return v === null ? undefined : Number(v);
  }

  /** Resolves once nothing is marked and nothing is being evaluated. */
  async idle(): Promise<void> {
    while (this.timer || this.running) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 50));
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
