import { STATUS_CODE } from '@kuzet/protocol';
import type { Redis, Result } from 'ioredis';
import { TROUBLE_LUA } from './camera-ops.ts';
import type { Keys } from './redis.ts';
import type { SchoolMove, SchoolPlace } from './registry.ts';

const CODES = Object.entries(STATUS_CODE)
  .map(([s, c]) => `${s}=${c}`)
  .join(',');

/**
 * Recomputes one school's roll-ups from its cameras, atomically (so a transition cannot fall in between), and
 * repairs any drift: counts by status and counted reasons move by the difference at the school and, by the same
 * difference, at its district, region and country; grid entries and the trouble ranking are rewritten; cameras
 * listed under the school that belong elsewhere are taken off its list. Returns the drift found, as
 * {kind, field, difference}... triples and the number of misplaced cameras last.
 * KEYS: school cams, count school/district/region/country, rcount school/district/region/country, grid region,
 *       trouble region, trouble country
 * ARGV: camera key prefix, schoolId, status=code pairs
 */
const REPAIR_SCHOOL = `${TROUBLE_LUA}
local code = {}
for s, c in string.gmatch(ARGV[3], '([%w_]+)=(%w)') do code[s] = c end
local counts, reasons, out, misplaced = {}, {}, {}, 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local h = redis.call('HMGET', ARGV[1] .. id, 'schoolId', 'status', 'rsn')
  if h[1] ~= ARGV[2] then
    redis.call('SREM', KEYS[1], id)
    misplaced = misplaced + 1
  elseif h[2] then
    counts[h[2]] = (counts[h[2]] or 0) + 1
    for r in string.gmatch(h[3] or '', '[^,]+') do reasons[r] = (reasons[r] or 0) + 1 end
    local want = (code[h[2]] or 'u') .. ARGV[2]
    if redis.call('HGET', KEYS[10], id) ~= want then redis.call('HSET', KEYS[10], id, want) end
  end
end
local function fix(kind, actual, first)
  local stored = redis.call('HGETALL', KEYS[first])
  local seen = {}
  for i = 1, #stored, 2 do
    local f, v = stored[i], tonumber(stored[i + 1]) or 0
    seen[f] = true
    local d = (actual[f] or 0) - v
    if d ~= 0 then
      for k = first, first + 3 do redis.call('HINCRBY', KEYS[k], f, d) end
      out[#out + 1] = kind; out[#out + 1] = f; out[#out + 1] = d
    end
  end
  for f, n in pairs(actual) do
    if not seen[f] and n ~= 0 then
      for k = first, first + 3 do redis.call('HINCRBY', KEYS[k], f, n) end
      out[#out + 1] = kind; out[#out + 1] = f; out[#out + 1] = n
    end
  end
end
fix('status', counts, 2)
fix('reason', reasons, 6)
trouble(KEYS[2], ARGV[2], KEYS[11], KEYS[12])
out[#out + 1] = misplaced
return out
`;

/**
 * Sets an upper level's counts (a district, region or the country) to the sum of its parts, atomically. Returns
 * the drift found as {field, difference}... pairs.
 * KEYS: the level's count key, then its parts' count keys
 */
const SUM_LEVEL = `
local sum = {}
for i = 2, #KEYS do
  local h = redis.call('HGETALL', KEYS[i])
  for j = 1, #h, 2 do sum[h[j]] = (sum[h[j]] or 0) + (tonumber(h[j + 1]) or 0) end
end
local out, seen = {}, {}
local stored = redis.call('HGETALL', KEYS[1])
for i = 1, #stored, 2 do
  local f, v = stored[i], tonumber(stored[i + 1]) or 0
  seen[f] = true
  if (sum[f] or 0) ~= v then
    redis.call('HSET', KEYS[1], f, sum[f] or 0)
    out[#out + 1] = f; out[#out + 1] = (sum[f] or 0) - v
  end
end
for f, n in pairs(sum) do
  if not seen[f] and n ~= 0 then
    redis.call('HSET', KEYS[1], f, n)
    out[#out + 1] = f; out[#out + 1] = n
  end
end
return out
`;

/**
 * Takes a camera out of its school (an administrator's decision: it was moved to another school, or a conflict was
 * settled): its status and counted reasons leave the roll-ups at every level, its grid entry and its placement go,
 * and the next identity or state report from any school's agent claims it afresh. Returns its former school, or
 * false when it had none.
 * KEYS: cam, school cams, count school/district/region/country, rcount school/district/region/country, grid region,
 *       trouble region, trouble country
 * ARGV: cameraId, schoolId
 */
const RELEASE = `${TROUBLE_LUA}
local h = redis.call('HMGET', KEYS[1], 'schoolId', 'status', 'rsn')
if h[1] ~= ARGV[2] then return false end
if h[2] then for k = 3, 6 do redis.call('HINCRBY', KEYS[k], h[2], -1) end end
for r in string.gmatch(h[3] or '', '[^,]+') do
  for k = 7, 10 do redis.call('HINCRBY', KEYS[k], r, -1) end
end
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[11], ARGV[1])
redis.call('HDEL', KEYS[1], 'schoolId', 'districtId', 'regionCode', 'agentId', 'status', 'reasons', 'rsn', 'since')
trouble(KEYS[3], ARGV[2], KEYS[12], KEYS[13])
return h[1]
`;

/**
 * Moves a school's roll-ups with it to another district or region (the registry moved it): its counts by status and
 * counted reasons leave the old district and region and join the new ones, its cameras' grid entries and its place
 * in the trouble ranking go to the new region, and its cameras carry the new placement. Atomic, so no transition of
 * its cameras falls in between; what its compliance verdict adds to the figures of a district and a region moves too.
 * Returns the number of its cameras.
 * KEYS: count school, old district, old region, new district, new region; the same five of counted reasons;
 *       old grid, new grid, old region's trouble, new region's trouble, country's trouble, school cams;
 *       the school's verdict, compliance figures of the old district, old region, new district, new region, the
 *       school's record
 * ARGV: schoolId, camera key prefix, new districtId, new regionCode
 * The record then says the school is counted in the new place (counted-place.ts): what a link still holding the
 * old placement stores after this lands there too.
 */
const MOVE_SCHOOL = `${TROUBLE_LUA}
for _, first in ipairs({1, 6}) do
  local h = redis.call('HGETALL', KEYS[first])
  for j = 1, #h, 2 do
    local n = tonumber(h[j + 1]) or 0
    if n ~= 0 then
      redis.call('HINCRBY', KEYS[first + 1], h[j], -n)
      redis.call('HINCRBY', KEYS[first + 2], h[j], -n)
      redis.call('HINCRBY', KEYS[first + 3], h[j], n)
      redis.call('HINCRBY', KEYS[first + 4], h[j], n)
    end
  end
end
local cams = redis.call('SMEMBERS', KEYS[16])
for _, id in ipairs(cams) do
  if KEYS[11] ~= KEYS[12] then
    local v = redis.call('HGET', KEYS[11], id)
    if v then
      redis.call('HDEL', KEYS[11], id)
      redis.call('HSET', KEYS[12], id, v)
    end
  end
  if redis.call('HGET', ARGV[2] .. id, 'schoolId') == ARGV[1] then
    redis.call('HSET', ARGV[2] .. id, 'districtId', ARGV[3], 'regionCode', ARGV[4])
  end
end
if KEYS[13] ~= KEYS[14] then redis.call('ZREM', KEYS[13], ARGV[1]) end
trouble(KEYS[1], ARGV[1], KEYS[14], KEYS[15])
for k, v in string.gmatch(redis.call('HGET', KEYS[17], 'contrib') or '', '([^=,]+)=(-?%d+)') do
  local n = tonumber(v)
  if n ~= 0 then
    redis.call('HINCRBY', KEYS[18], k, -n)
    redis.call('HINCRBY', KEYS[19], k, -n)
    redis.call('HINCRBY', KEYS[20], k, n)
    redis.call('HINCRBY', KEYS[21], k, n)
  end
end
redis.call('HSET', KEYS[22], 'counted', ARGV[3] .. '\t' .. ARGV[4])
return #cams
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kuzetRepairSchool(...args: (string | number)[]): Result<(string | number)[], Context>;
    kuzetSumLevel(numKeys: number, ...args: string[]): Result<(string | number)[], Context>;
    kuzetRelease(...args: string[]): Result<string | null, Context>;
    kuzetMoveSchool(...args: string[]): Result<number, Context>;
  }
}

export interface Drift {
  scope: string;
  kind: 'status' | 'reason' | 'camera_list';
  field: string;
  difference: number;
}

export type { SchoolPlace } from './registry.ts';

/** Roll-up integrity: recompute and repair (never trusted blindly), and release a camera from its school. */
export class RollupRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    redis.defineCommand('kuzetRepairSchool', { numberOfKeys: 12, lua: REPAIR_SCHOOL });
    redis.defineCommand('kuzetSumLevel', { lua: SUM_LEVEL });
    redis.defineCommand('kuzetRelease', { numberOfKeys: 13, lua: RELEASE });
    redis.defineCommand('kuzetMoveSchool', { numberOfKeys: 22, lua: MOVE_SCHOOL });
  }

  private levelKeys(s: SchoolPlace): string[] {
    const k = this.keys;
    const scopes = [`school:${s.id}`, `district:${s.districtId}`, `region:${s.regionCode}`, 'country'];
    return [...scopes.map((x) => k.counts(x)), ...scopes.map((x) => k.reasonCounts(x))];
  }

  /** Recomputes one school from its cameras and repairs its roll-ups (see REPAIR_SCHOOL). */
  async repairSchool(s: SchoolPlace): Promise<Drift[]> {
    const k = this.keys;
    const r = await this.redis.kuzetRepairSchool(
      k.schoolCams(s.id),
      ...this.levelKeys(s),
      k.grid(s.regionCode),
      k.trouble(`region:${s.regionCode}`),
      k.trouble('country'),
      k.cam(''),
      s.id,
      CODES,
    );
    const out: Drift[] = [];
    for (let i = 0; i + 2 < r.length; i += 3)
      out.push({
        scope: `school:${s.id}`,
        kind: r[i] as 'status' | 'reason',
        field: String(r[i + 1]),
        difference: Number(r[i + 2]),
      });
    const misplaced = Number(r.at(-1) ?? 0);
    if (misplaced)
      out.push({ scope: `school:${s.id}`, kind: 'camera_list', field: 'misplaced', difference: misplaced });
    return out;
  }

  /** Sets a level's counts and reason counts to the sum of its parts' (see SUM_LEVEL). */
  async sumLevel(scope: string, parts: string[]): Promise<Drift[]> {
    const k = this.keys;
    const out: Drift[] = [];
    for (const [kind, key] of [
      ['status', k.counts],
      ['reason', k.reasonCounts],
    ] as const) {
      const r = await this.redis.kuzetSumLevel(1 + parts.length, key(scope), ...parts.map((p) => key(p)));
      for (let i = 0; i + 1 < r.length; i += 2)
        out.push({ scope, kind, field: String(r[i]), difference: Number(r[i + 1]) });
    }
    return out;
  }

  /** Moves a school's roll-ups, grid entries and ranking to its new district and region (see MOVE_SCHOOL). */
  async moveSchool(m: SchoolMove): Promise<number> {
    const k = this.keys;
    const scopes = [
      `school:${m.id}`,
      `district:${m.from.districtId}`,
      `region:${m.from.regionCode}`,
      `district:${m.to.districtId}`,
      `region:${m.to.regionCode}`,
    ];
    return this.redis.kuzetMoveSchool(
      ...scopes.map((x) => k.counts(x)),
      ...scopes.map((x) => k.reasonCounts(x)),
      k.grid(m.from.regionCode),
      k.grid(m.to.regionCode),
      k.trouble(`region:${m.from.regionCode}`),
      k.trouble(`region:${m.to.regionCode}`),
      k.trouble('country'),
      k.schoolCams(m.id),
      k.compliance(m.id),
      ...scopes.slice(1).map((x) => k.complianceFigures(x)),
      k.school(m.id),
      m.id,
      k.cam(''),
      m.to.districtId,
      m.to.regionCode,
    );
  }

  /** Takes a camera out of its school (see RELEASE); false when it is not that school's. */
  async release(cameraId: string, s: SchoolPlace): Promise<boolean> {
    const k = this.keys;
    const r = await this.redis.kuzetRelease(
      k.cam(cameraId),
      k.schoolCams(s.id),
      ...this.levelKeys(s),
      k.grid(s.regionCode),
      k.trouble(`region:${s.regionCode}`),
      k.trouble('country'),
      cameraId,
      s.id,
    );
    return Boolean(r);
  }
}
