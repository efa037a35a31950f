import { COUNTED_LUA } from './counted-place.ts';
import { MEASURE_LUA } from './measurements.ts';

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
 * One school's camera identities and status transitions, with the health samples and clock readings of the same
 * batch, in the order given, in one call (an agent's batch, a whole resync included, or the link monitor's link_down
 * for an agent's cameras). See camera-ops.ts for what it keeps.
 * KEYS: count school/district/region/country, rcount school/district/region/country, grid region, trouble region,
 *       trouble country, hist school, school cams, school first camera, the school's record (where it is counted:
 *       the district and region keys follow it when the caller's placement is an old one, see counted-place.ts)
 * ARGV: camera key prefix, docs key prefix, camera history prefix, schoolId, districtId, regionCode, agentId,
 *       received (ISO), received (ms base 36), history cut (ms), history length, then the operations as one
 *       MessagePack array of strings (cmsgpack, in Redis's C: one argument instead of a dozen per camera):
 *       C cameraId at identityJSON manufacturer model serial firmware host name location — an identity
 *       S cameraId status code reasons since sinceB36 atB36 n (field value)*n — a state (n = 0: the centre's own)
 *       H cameraId tier at — a health sample (its tier's time and the last check)
 *       K cameraId drift atMs signature entry — a clock reading (the drift, and its point in the measurement series)
 *       then the measurement series' key prefix, their length, steady-value interval (ms) and oldest kept (ms)
 *       (measurements.ts).
 * Each camera is read once per call (one HMGET: its owner, identity and status) and written once (one HSET of
 * what changed, after the last operation): a new camera's identity and state are one write, an unchanged one's only
 * the agent's fields of its state. A camera of another school is not touched (its owner is the reply).
 * Returns one reply per operation: C {1 if first seen, the school's first camera time, the `gone` it had};
 * S 0 when nothing changed, 1 when only a figure a verdict reads changed (width, height, fps, retained days, clock
 * drift), else {previous status, reasons counted before, reasons counted now}; H 0; K 0 when the drift is the one
 * stored, else {the drift stored before ('' none), the new one}; the owning school (a string) when the camera is
 * another school's. Health samples and clock readings claim no camera.
 */
export const CAMERA_OPS_LUA = `${TROUBLE_LUA}${MEASURE_LUA}${COUNTED_LUA}
local camPre, docPre, histPre = ARGV[1], ARGV[2], ARGV[3]
local measPre, measMax, measEvery, measOldest = ARGV[13], tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])
local school, district, region, agent = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
-- the district and region the school is counted in now (counted-place.ts): a link opened before a move still says
-- the old ones
local K = {}
for j = 1, #KEYS do K[j] = KEYS[j] end
do
  local d, r, other = counted(KEYS[15], district, region)
  if other then
    K[2], K[6] = rescope(KEYS[2], district, d), rescope(KEYS[6], district, d)
    K[3], K[7] = rescope(KEYS[3], region, r), rescope(KEYS[7], region, r)
    K[9], K[10] = rescope(KEYS[9], region, r), rescope(KEYS[10], region, r)
    district, region = d, r
  end
end
local rx, rx36, cut, maxlen = ARGV[8], ARGV[9], tonumber(ARGV[10]), tonumber(ARGV[11])
local O = cmsgpack.unpack(ARGV[12])
local function older(key)
  local before = redis.call('LINDEX', key, -2)
  if not before then return false end
  local sep = string.find(before, '|', 1, true)
  return tonumber(string.sub(before, 1, sep - 1), 36) < cut
end
-- what a call reads of each camera, once (false: not set): owner, first seen, gone, status, reasons, counted reasons,
-- placement (7-9), identity (10-16), the figures a verdict reads that a state carries too (17-21)
local FIELDS = {'schoolId', 'firstSeen', 'gone', 'status', 'reasons', 'rsn', 'districtId', 'regionCode', 'agentId',
  'manufacturer', 'model', 'serial', 'firmware', 'host', 'onvifName', 'onvifLocation',
  'width', 'height', 'fps', 'retainedDays', 'clockDriftSeconds'}
local FACT = {width = 17, height = 18, fps = 19, retainedDays = 20, clockDriftSeconds = 21}
-- each camera's stored fields, and what the call writes to it (field, value pairs: one HSET at the end, last wins)
local cams, writes, order = {}, {}, {}
local function camera(id)
  local c = cams[id]
  if c then return c end
  c = redis.call('HMGET', camPre .. id, unpack(FIELDS))
  cams[id] = c
  writes[id] = {}
  order[#order + 1] = id
  return c
end
local function set(id, c, k, value)
  if c[k] ~= value then
    c[k] = value
    local w = writes[id]
    w[#w + 1] = FIELDS[k]
    w[#w + 1] = value
  end
end
local out, cd, rd, grid, entries, members = {}, {}, {}, {}, {}, {}
local moved, firstCam = false, nil
local placement = {district, region, agent}
local i = 1
while i <= #O do
  local op, id = O[i], O[i + 1]
  local c = camera(id)
  local owner = c[1]
  local foreign = owner and owner ~= '' and owner ~= school
  if foreign then
    out[#out + 1] = owner
  elseif op == 'C' or op == 'S' then
    set(id, c, 1, school)
    for k = 1, 3 do set(id, c, 6 + k, placement[k]) end
  end
  if op == 'H' then
    if not foreign then
      local w, at = writes[id], O[i + 3]
      local n = #w
      w[n + 1], w[n + 2], w[n + 3], w[n + 4] = 'tier:' .. O[i + 2], at, 'lastCheck', at
      out[#out + 1] = 0
    end
    i = i + 4
  elseif op == 'K' then
    if not foreign then
      local before, drift = c[21] or '', O[i + 2]
      c[21] = drift
      local w = writes[id]
      w[#w + 1] = 'clockDriftSeconds'
      w[#w + 1] = drift
      measure(measPre .. id, camPre .. id, 'clock', tonumber(O[i + 3]), measMax, O[i + 4], measEvery, measOldest,
        O[i + 5])
      if before ~= drift then out[#out + 1] = {before, drift} else out[#out + 1] = 0 end
    end
    i = i + 6
  elseif op == 'C' then
    if not foreign then
      local at = O[i + 2]
      if not firstCam then
        redis.call('SET', K[14], at, 'NX')
        firstCam = redis.call('GET', K[14]) or ''
      end
      for k = 1, 7 do set(id, c, 9 + k, O[i + 3 + k]) end
      local first = 0
      if not c[2] then
        first = 1
        set(id, c, 2, at)
        redis.call('HSET', docPre .. id, 'identity', O[i + 3])
      elseif redis.call('HGET', docPre .. id, 'identity') ~= O[i + 3] then
        redis.call('HSET', docPre .. id, 'identity', O[i + 3])
      end
      local gone = c[3] or ''
      if c[3] then
        redis.call('HDEL', camPre .. id, 'gone', 'goneAt')
        c[3] = false
      end
      members[#members + 1] = id
      out[#out + 1] = {first, firstCam, gone}
    end
    i = i + 11
  else
    local nf = tonumber(O[i + 8])
    if not foreign then
      local status, code, reasons, since, since36, at36 = O[i + 2], O[i + 3], O[i + 4], O[i + 5], O[i + 6], O[i + 7]
      local w = writes[id]
      local figures = false
      for k = i + 9, i + 8 + nf * 2, 2 do
        local f, v = O[k], O[k + 1]
        w[#w + 1] = f
        w[#w + 1] = v
        local x = FACT[f]
        if x and c[x] ~= v then
          c[x] = v
          figures = true
        end
      end
      if nf > 0 then members[#members + 1] = id end
      local old, counted = c[4], c[6] or ''
      if old == status and c[5] == reasons then
        out[#out + 1] = figures and 1 or 0
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
        c[4], c[5], c[6] = status, reasons, now
        local n = #w
        w[n + 1], w[n + 2], w[n + 3], w[n + 4], w[n + 5] = 'status', status, 'reasons', reasons, 'since'
        w[n + 6], w[n + 7], w[n + 8], w[n + 9], w[n + 10] = since, 'changedAt', rx, 'rsn', now
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
    end
    i = i + 9 + nf * 2
  end
end
for _, id in ipairs(order) do
  local w = writes[id]
  if #w > 0 then redis.call('HSET', camPre .. id, unpack(w)) end
end
for j = 1, #members, 200 do redis.call('SADD', K[13], unpack(members, j, math.min(#members, j + 199))) end
for f, n in pairs(cd) do
  if n ~= 0 then for k = 1, 4 do redis.call('HINCRBY', K[k], f, n) end end
end
for f, n in pairs(rd) do
  if n ~= 0 then for k = 5, 8 do redis.call('HINCRBY', K[k], f, n) end end
end
for j = 1, #grid, 200 do redis.call('HSET', K[9], unpack(grid, j, math.min(#grid, j + 199))) end
if moved then trouble(K[1], school, K[10], K[11]) end
if #entries > 0 then
  local len = 0
  for j = 1, #entries, 200 do len = redis.call('LPUSH', K[12], unpack(entries, j, math.min(#entries, j + 199))) end
  if len > maxlen * 5 then redis.call('LTRIM', K[12], 0, maxlen * 5 - 1) end
  for _ = 1, 8 * #entries do if older(K[12]) then redis.call('RPOP', K[12]) else break end end
end
return out
`;
