import { type CameraDelta, type CameraIdentity, type CentreStatus, type Reason, STATUS_CODE } from '@kuzet/protocol';
import type { ChainableCommander, Redis, Result } from 'ioredis';
import type { Keys } from './redis.ts';

/** The trouble score of a school's counts: offline + link down first, then degraded, then unknown. */
export const TROUBLE_LUA = `
local function trouble(key, school, zr, zc)
  local c = redis.call('HMGET', key, 'offline', 'link_down', 'degraded', 'unknown')
  local n = function(i) return tonumber(c[i] or '0') or 0 end
  local score = (n(1) + n(2)) * 1000000 + n(3) * 1000 + n(4)
  if score > 0 then
    redis.call('ZADD', zr, score, school)
    redis.call('ZADD', zc, score, school)
  else
    redis.call('ZREM', zr, school)
    redis.call('ZREM', zc, school)
  end
end
`;

/**
 * One school's camera identities and status transitions, in the order given, in one call (an agent's batch, or the
 * link monitor's link_down for an agent's cameras). Each transition keeps the roll-ups right, incrementally: counts
 * by status and counts of the agent's reasons per school, district, region and country — summed over the call and
 * applied once per field (every camera of a call is of one school, so each change moves all four levels alike) —,
 * the camera's slot in its region's status grid, and the trouble ranking of the school (offline + link down first,
 * then degraded, then unknown: "the worst schools" is one ZREVRANGE). History gets an entry only on a real change.
 * While the link is down the last known reasons stay counted.
 * History entries ("at|status code|reasons|rx[|camera]", times in ms base 36, newest pushed first) carry the time the
 * agent observed the change (`at`: the new status's `since` when the status changed, else the state's own time) and
 * the time the centre received it (`rx`): after a link outage the journal's replay shows each episode when it
 * happened. Lists are cut by count and by time; the newest entry older than the cut stays: it is the status the
 * window starts with (the daily archive reads it).
 * KEYS: count school/district/region/country, rcount school/district/region/country, grid region, trouble region,
 *       trouble country, hist school, school cams, school first camera
 * ARGV: camera key prefix, docs key prefix, camera history prefix, schoolId, districtId, regionCode, agentId,
 *       received (ISO), received (ms base 36), history cut (ms), history length, then the operations:
 *       C cameraId at identityJSON manufacturer model serial firmware host name location — an identity
 *       S cameraId status code reasons since sinceB36 atB36 n (field value)*n — a state (n = 0: the centre's own)
 * Plain arguments (cjson.decode of each identity was a third of the script's time) and as few calls as the work
 * needs: what is unchanged is read, compared and not written again (a restart's resync changes nothing).
 * Returns one reply per operation: C {1 if first seen, the school's first camera time, the `gone` it had};
 * S 0 when nothing changed, else {previous status, reasons counted before, reasons counted now}.
 */
const CAMERA_OPS = `${TROUBLE_LUA}
local camPre, docPre, histPre = ARGV[1], ARGV[2], ARGV[3]
local school, district, region, agent = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local rx, rx36, cut, maxlen = ARGV[8], ARGV[9], tonumber(ARGV[10]), tonumber(ARGV[11])
local function older(key)
  local before = redis.call('LINDEX', key, -2)
  if not before then return false end
  local sep = string.find(before, '|', 1, true)
  return tonumber(string.sub(before, 1, sep - 1), 36) < cut
end
local out, cd, rd, grid, entries, members = {}, {}, {}, {}, {}, {}
local moved, firstCam = false, nil
local IDENTITY = {'schoolId', 'districtId', 'regionCode', 'agentId', 'manufacturer', 'model', 'serial', 'firmware',
  'host', 'onvifName', 'onvifLocation'}
local i = 12
while i <= #ARGV do
  local op, id = ARGV[i], ARGV[i + 1]
  local key = camPre .. id
  if op == 'C' then
    local at = ARGV[i + 2]
    if not firstCam then
      redis.call('SET', KEYS[14], at, 'NX')
      firstCam = redis.call('GET', KEYS[14]) or ''
    end
    local h = redis.call('HMGET', key, 'firstSeen', 'gone', unpack(IDENTITY))
    local want = {school, district, region, agent, ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8],
      ARGV[i + 9], ARGV[i + 10]}
    local f = {}
    for k = 1, #IDENTITY do
      if h[k + 2] ~= want[k] then f[#f + 1] = IDENTITY[k]; f[#f + 1] = want[k] end
    end
    if not h[1] then f[#f + 1] = 'firstSeen'; f[#f + 1] = at end
    if #f > 0 then redis.call('HSET', key, unpack(f)) end
    if h[2] then redis.call('HDEL', key, 'gone', 'goneAt') end
    if redis.call('HGET', docPre .. id, 'identity') ~= ARGV[i + 3] then
      redis.call('HSET', docPre .. id, 'identity', ARGV[i + 3])
    end
    members[#members + 1] = id
    local first = 0
    if not h[1] then first = 1 end
    out[#out + 1] = {first, firstCam, h[2] or ''}
    i = i + 11
  else
    local status, code, reasons, since, since36, at36, nf =
      ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], tonumber(ARGV[i + 8])
    local f = {}
    for k = i + 9, i + 8 + nf * 2 do f[#f + 1] = ARGV[k] end
    if nf > 0 then members[#members + 1] = id end
    local cur = redis.call('HMGET', key, 'status', 'reasons', 'rsn')
    local old, counted = cur[1], cur[3] or ''
    if old == status and cur[2] == reasons then
      if #f > 0 then redis.call('HSET', key, unpack(f)) end
      out[#out + 1] = 0
    else
      if old ~= status then
        if old then cd[old] = (cd[old] or 0) - 1 end
        cd[status] = (cd[status] or 0) + 1
        grid[#grid + 1] = id; grid[#grid + 1] = code .. school
        moved = true
      end
      local now = reasons
      if status == 'link_down' then now = counted end
      if now ~= counted then
        for r in string.gmatch(counted, '[^,]+') do rd[r] = (rd[r] or 0) - 1 end
        for r in string.gmatch(now, '[^,]+') do rd[r] = (rd[r] or 0) + 1 end
      end
      local n = #f
      f[n + 1], f[n + 2], f[n + 3], f[n + 4], f[n + 5] = 'status', status, 'reasons', reasons, 'since'
      f[n + 6], f[n + 7], f[n + 8], f[n + 9], f[n + 10] = since, 'changedAt', rx, 'rsn', now
      redis.call('HSET', key, unpack(f))
      local seen = at36
      if old ~= status then seen = since36 end
      local entry = seen .. '|' .. code .. '|' .. reasons .. '|' .. rx36
      local hist = histPre .. id
      local len = redis.call('LPUSH', hist, entry)
      if len > maxlen then redis.call('LTRIM', hist, 0, maxlen - 1) end
      if len > 1 then
        for _ = 1, 8 do if older(hist) then redis.call('RPOP', hist) else break end end
      end
      entries[#entries + 1] = entry .. '|' .. string.sub(id, 5)
      out[#out + 1] = {old or '', counted, now}
    end
    i = i + 9 + nf * 2
  end
end
for j = 1, #members, 200 do redis.call('SADD', KEYS[13], unpack(members, j, math.min(#members, j + 199))) end
for f, n in pairs(cd) do
  if n ~= 0 then for k = 1, 4 do redis.call('HINCRBY', KEYS[k], f, n) end end
end
for f, n in pairs(rd) do
  if n ~= 0 then for k = 5, 8 do redis.call('HINCRBY', KEYS[k], f, n) end end
end
for j = 1, #grid, 200 do redis.call('HSET', KEYS[9], unpack(grid, j, math.min(#grid, j + 199))) end
if moved then trouble(KEYS[1], school, KEYS[10], KEYS[11]) end
if #entries > 0 then
  local len = 0
  for j = 1, #entries, 200 do len = redis.call('LPUSH', KEYS[12], unpack(entries, j, math.min(#entries, j + 199))) end
  if len > maxlen * 5 then redis.call('LTRIM', KEYS[12], 0, maxlen * 5 - 1) end
  for _ = 1, 8 * #entries do if older(KEYS[12]) then redis.call('RPOP', KEYS[12]) else break end end
end
return out
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kuzetCameraOps(...args: (string | number)[]): Result<CameraOpReply[], Context>;
  }
}

type CameraOpReply = 0 | [string, string, string] | [number, string, string];

export interface Placement {
  schoolId: string;
  districtId: string;
  regionCode: string;
  agentId: string;
}

export type CameraOp =
  | { op: 'camera'; camera: CameraIdentity; at: string }
  | {
      op: 'state';
      cameraId: string;
      status: CentreStatus;
      reasons: Reason[];
      since: string;
      at: string;
      /** the agent's own fields of the state (none for the centre's own transitions) */
      fields?: Record<string, string | number>;
    };

export type CameraOpResult =
  | { op: 'camera'; firstSeen: boolean; schoolFirst: string; wasGone: boolean }
  | { op: 'state'; previous?: CameraDelta['previous'] };

/** status changes kept per camera (five times as many per school), and for at most HISTORY_DAYS */
export const HISTORY_MAXLEN = 200;
export const HISTORY_DAYS = 7;

const b36 = (iso: string) => Date.parse(iso).toString(36);

/** Queues one call with a school's camera operations on a pipeline/multi; `results` reads its reply. */
export function queueCameraOps(
  p: ChainableCommander,
  keys: Keys,
  place: Placement,
  received: string,
  ops: CameraOp[],
): void {
  const args: (string | number)[] = [
    keys.counts(`school:${place.schoolId}`),
    keys.counts(`district:${place.districtId}`),
    keys.counts(`region:${place.regionCode}`),
    keys.counts('country'),
    keys.reasonCounts(`school:${place.schoolId}`),
    keys.reasonCounts(`district:${place.districtId}`),
    keys.reasonCounts(`region:${place.regionCode}`),
    keys.reasonCounts('country'),
    keys.grid(place.regionCode),
    keys.trouble(`region:${place.regionCode}`),
    keys.trouble('country'),
    keys.histSchool(place.schoolId),
    keys.schoolCams(place.schoolId),
    keys.schoolFirstCamera(place.schoolId),
    keys.cam(''),
    keys.camDocs(''),
    keys.histCam(''),
    place.schoolId,
    place.districtId,
    place.regionCode,
    place.agentId,
    received,
    b36(received),
    Date.parse(received) - HISTORY_DAYS * 86_400_000,
    HISTORY_MAXLEN,
  ];
  for (const o of ops)
    if (o.op === 'camera') {
      const c = o.camera;
      args.push(
        'C',
        c.cameraId,
        o.at,
        JSON.stringify(c),
        c.manufacturer,
        c.model,
        c.serial,
        c.firmware,
        c.host,
        c.name ?? '',
        c.location ?? '',
      );
    } else {
      const fields = Object.entries(o.fields ?? {});
      args.push(
        'S',
        o.cameraId,
        o.status,
        STATUS_CODE[o.status],
        o.reasons.join(','),
        o.since,
        b36(o.since),
        b36(o.at),
        fields.length,
      );
      for (const [k, v] of fields) args.push(k, v);
    }
  p.kuzetCameraOps(...args);
}

/** The results of a queued call, one per operation, in order. */
export function cameraOpResults(ops: CameraOp[], reply: unknown): CameraOpResult[] {
  const r = Array.isArray(reply) ? (reply as CameraOpReply[]) : [];
  return ops.map((o, i) => {
    const x = r[i];
    if (o.op === 'camera') {
      const [first, schoolFirst, gone] = (Array.isArray(x) ? x : [0, '', '']) as [number, string, string];
      return { op: 'camera', firstSeen: first === 1, schoolFirst, wasGone: gone !== '' };
    }
    if (!Array.isArray(x)) return { op: 'state' };
    const [status, before, now] = x as [string, string, string];
    const split = (s: string) => (s ? s.split(',') : []) as Reason[];
    return {
      op: 'state',
      previous: {
        status: (status || undefined) as CentreStatus | undefined,
        counted: split(before),
        countedNow: split(now),
      },
    };
  });
}

export function defineCameraOps(redis: Redis): void {
  redis.defineCommand('kuzetCameraOps', { numberOfKeys: 14, lua: CAMERA_OPS });
}
