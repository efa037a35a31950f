import {
  type CameraView,
  type CentreStatus,
  type ComplianceReason,
  cameraName,
  type Reason,
  type ReasonCounts,
  STATUS_OF_CODE,
  type StatusCounts,
} from '@kuzet/protocol';
import type { ChainableCommander, Redis, Result } from 'ioredis';
import { defineCameraOps, type PackedCameraOps, type Placement, queueCameraOps } from './camera-ops.ts';
import type { Keys } from './redis.ts';

/**
 * A whole batch of health samples in one call: checks the agent's sequence number (0 = stale, nothing written),
 * writes each camera's tier time and last check, then the agent's fields, lastSeq and liveness. Returns 2 instead of 1
 * when the agent's link is flagged down (the server had thought it silent): the caller brings it back up.
 * The samples travel as one packed argument ("cameraId TAB tier TAB at" lines) and the script names the cameras'
 * keys itself: three arguments per camera cost the server more to encode than the script's work (profiled). Kuzet
 * runs on one Redis (or a replicated one), not Redis Cluster: the transition script spans many slots anyway.
 * Samples about another school's camera are not written (counted in the reply's second number; see claims.ts).
 * KEYS: agent, agents:seen
 * ARGV: seq, now, nowMs, agentId, nAgentFields, (field, value)*n, camera key prefix, samples, schoolId
 */
const HEALTH_BATCH = `
local last = tonumber(redis.call('HGET', KEYS[1], 'lastSeq') or '0')
if tonumber(ARGV[1]) <= last then return {0, 0} end
local n = tonumber(ARGV[5])
local pre = ARGV[6 + n * 2]
local school = ARGV[8 + n * 2]
local foreign = 0
for id, tier, at in string.gmatch(ARGV[7 + n * 2], '([^\\t\\n]+)\\t([^\\t\\n]+)\\t([^\\t\\n]+)') do
  local owner = redis.call('HGET', pre .. id, 'schoolId')
  if owner and owner ~= '' and owner ~= school then
    foreign = foreign + 1
  else
    redis.call('HSET', pre .. id, 'tier:' .. tier, at, 'lastCheck', at)
  end
end
local f = {'lastSeq', ARGV[1], 'lastSeen', ARGV[2]}
for i = 6, 5 + n * 2 do f[#f + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(f))
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
if redis.call('HGET', KEYS[1], 'linkDown') == '1' then return {2, foreign} end
return {1, foreign}
`;

export { boundedTime, HISTORY_DAYS, HISTORY_MAXLEN, type Placement } from './camera-ops.ts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kuzetHealthBatch(numKeys: number, ...args: (string | number)[]): Result<[number, number], Context>;
  }
}

export class StateRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    defineCameraOps(redis);
    redis.defineCommand('kuzetHealthBatch', { lua: HEALTH_BATCH });
  }

  /**
   * Stores a batch made only of health samples (and agent fields such as a heartbeat's) with its sequence number,
   * in one atomic call. Resolves false when the batch had been stored before.
   */
  async healthBatch(
    agentId: string,
    schoolId: string,
    seq: number,
    now: Date,
    /** one line per sample: "cameraId \t tier \t at \n" (see services/frame-decode.ts) */
    packed: string,
    agentFields: Record<string, string | number>,
  ): Promise<{ result: 0 | 1 | 2; foreign: number }> {
    const k = this.keys;
    const fields = Object.entries(agentFields);
    const args: (string | number)[] = [seq, now.toISOString(), now.getTime(), agentId, fields.length];
    for (const [f, v] of fields) args.push(f, v);
    args.push(k.cam(''), packed, schoolId);
    const [result, foreign] = await this.redis.kuzetHealthBatch(2, k.agent(agentId), k.agentSeen(), ...args);
    return { result: result as 0 | 1 | 2, foreign };
  }

  /**
   * Queues one call with camera identities and status transitions of one school, in order, on a pipeline/multi
   * (see camera-ops.ts); read its reply with cameraOpResults.
   */
  cameraOps(p: ChainableCommander, place: Placement, received: string, ops: PackedCameraOps): void {
    queueCameraOps(p, this.keys, place, received, ops);
  }

  setFields(p: ChainableCommander, cameraId: string, fields: Record<string, string | number>): void {
    p.hset(this.keys.cam(cameraId), fields);
  }

  /** Sets a camera's documents (see Keys.camDocs). */
  setDocs(p: ChainableCommander, cameraId: string, docs: { stream?: unknown; retention?: unknown }): void {
    const f: Record<string, string> = {};
    for (const [k, v] of Object.entries(docs)) if (v !== undefined) f[k] = JSON.stringify(v);
    p.hset(this.keys.camDocs(cameraId), f);
  }

  async docs(cameraId: string): Promise<{ identity?: unknown; stream?: unknown; retention?: unknown }> {
    const h = await this.redis.hgetall(this.keys.camDocs(cameraId));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(h))
      try {
        out[k] = JSON.parse(v);
      } catch {
        /* a damaged document is left out */
      }
    return out;
  }

  async counts(scope: string): Promise<StatusCounts> {
    return positive(await this.redis.hgetall(this.keys.counts(scope))) as StatusCounts;
  }

  async reasonCounts(scope: string): Promise<ReasonCounts> {
    return positive(await this.redis.hgetall(this.keys.reasonCounts(scope))) as ReasonCounts;
  }

  /** Counts by status and by reason of many scopes in one round trip. */
  async summaries(scopes: string[]): Promise<{ counts: StatusCounts; reasons: ReasonCounts }[]> {
    const p = this.redis.pipeline();
    for (const s of scopes) p.hgetall(this.keys.counts(s)).hgetall(this.keys.reasonCounts(s));
    const res = (await p.exec()) ?? [];
    return scopes.map((_, i) => ({
      counts: positive(res[2 * i]?.[1] as Record<string, string>) as StatusCounts,
      reasons: positive(res[2 * i + 1]?.[1] as Record<string, string>) as ReasonCounts,
    }));
  }

  /**
   * Every camera of one region by status, ordered by school and camera id: the schools with their camera counts,
   * the cameras' 16 hex digits concatenated, one STATUS_CODE character per camera. One hash read.
   */
  async regionGrid(code: string): Promise<{ schools: [string, number][]; ids: string; status: string }> {
    // flat [field, value, ...] reply; rows as one string each so that the native sort orders them
    // (school, then camera: \u0001 sorts below every character of an id)
    const raw = (await this.redis.call('HGETALL', this.keys.grid(code))) as string[];
    const rows: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const v = raw[i + 1]!;
      rows.push(`${v.slice(1)}\u0001${raw[i]!.slice(4)}\u0001${v[0]}`);
    }
    rows.sort();
    const schools: [string, number][] = [];
    const ids: string[] = [];
    const status: string[] = [];
    for (const row of rows) {
      const a = row.indexOf('\u0001');
      const school = row.slice(0, a);
      const last = schools.at(-1);
      if (last?.[0] === school) last[1]++;
      else schools.push([school, 1]);
      ids.push(row.slice(a + 1, row.length - 2));
      status.push(row[row.length - 1]!);
    }
    return { schools, ids: ids.join(''), status: status.join('') };
  }

  /** The schools in most trouble of a scope ('country' or 'region:KZ-xx'), worst first, with their scores. */
  async worstSchools(scope: string, limit: number): Promise<{ id: string; score: number }[]> {
    const flat = await this.redis.zrevrange(this.keys.trouble(scope), 0, limit - 1, 'WITHSCORES');
    const out: { id: string; score: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ id: flat[i]!, score: Number(flat[i + 1]) });
    return out;
  }

  async cameras(ids: string[]): Promise<CameraView[]> {
    if (ids.length === 0) return [];
    const p = this.redis.pipeline();
    for (const id of ids) p.hgetall(this.keys.cam(id));
    const res = (await p.exec()) ?? [];
    const out: CameraView[] = [];
    ids.forEach((id, i) => {
      const h = res[i]?.[1] as Record<string, string> | undefined;
      if (!h?.schoolId) return;
      out.push(toView(id, h));
    });
    return out;
  }

  /** A confirmed reference view: the time its picture was taken, who confirmed it; the old similarity is void. */
  async setReference(cameraId: string, at: string, by: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.cam(cameraId), { refAt: at, refBy: by })
      .hdel(this.keys.cam(cameraId), 'sim')
      .exec();
  }

  /** The reference views' versions (refAt) of these cameras, for those that have one. */
  async referenceVersions(ids: string[]): Promise<Map<string, string>> {
    const p = this.redis.pipeline();
    for (const id of ids) p.hget(this.keys.cam(id), 'refAt');
    const res = (await p.exec()) ?? [];
    const out = new Map<string, string>();
    ids.forEach((id, i) => {
      const v = res[i]?.[1];
      if (typeof v === 'string' && v) out.set(id, v);
    });
    return out;
  }

  async schoolCameraIds(schoolId: string): Promise<string[]> {
    return (await this.redis.smembers(this.keys.schoolCams(schoolId))).sort();
  }

  /** The newest status changes of a camera's or school's history, newest first (by the agent's time). */
  async history(
    key: string,
    limit: number,
  ): Promise<{ at: string; status: CentreStatus; reasons: Reason[]; cameraId?: string; receivedAt?: string }[]> {
    const entries = await this.redis.lrange(key, 0, limit - 1);
    const time = (b36: string) => new Date(Number.parseInt(b36, 36)).toISOString();
    return entries
      .map((e) => {
        const [at, code, reasons, rx, cam] = e.split('|') as [string, string, string, string, string?];
        return {
          at: time(at),
          status: (STATUS_OF_CODE[code] ?? 'unknown') as CentreStatus,
          reasons: (reasons ? reasons.split(',') : []) as Reason[],
          ...(cam ? { cameraId: `cam-${cam}` } : {}),
          ...(rx && rx !== at ? { receivedAt: time(rx) } : {}),
        };
      })
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }
}

/** A camera's history entries as points in time (ms), status and reasons, in the list's order. */
export function historyPoints(entries: string[]): { at: number; status: CentreStatus; reasons: string[] }[] {
  return entries.map((e) => {
    const [at, code, reasons] = e.split('|') as [string, string, string];
    return {
      at: Number.parseInt(at, 36),
      status: (STATUS_OF_CODE[code] ?? 'unknown') as CentreStatus,
      reasons: reasons ? reasons.split(',') : [],
    };
  });
}

function positive(raw: Record<string, string> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw ?? {})) if (Number(v) > 0) out[k] = Number(v);
  return out;
}

const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));

export function toView(id: string, h: Record<string, string>): CameraView {
  return {
    cameraId: id,
    schoolId: h.schoolId!,
    agentId: h.agentId ?? '',
    status: (h.status ?? 'unknown') as CentreStatus,
    reasons: (h.reasons ? h.reasons.split(',') : []) as Reason[],
    since: h.since,
    lastSeen: h.lastSeen,
    manufacturer: h.manufacturer,
    model: h.model,
    serial: h.serial,
    host: h.host,
    width: num(h.width),
    height: num(h.height),
    fps: num(h.fps),
    retainedDays: num(h.retainedDays),
    clockDriftSeconds: num(h.clockDriftSeconds),
    snapshotAt: h.snapshotAt,
    ...(h.refAt ? { referenceAt: h.refAt, referenceBy: h.refBy } : {}),
    ...(h.refAt && h.sim !== undefined ? { sceneSimilarity: Number(h.sim) } : {}),
    ...(cameraName(h) ? { name: cameraName(h) } : {}),
    ...(h.zone ? { zone: h.zone } : {}),
    ...(h.comp !== undefined ? { compliance: (h.comp ? h.comp.split(',') : []) as ComplianceReason[] } : {}),
  };
}
