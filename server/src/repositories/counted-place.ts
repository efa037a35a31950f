/**
 * Where a school's roll-ups are counted: its school record's `counted` field, "districtId \t regionCode". The
 * registry writes it with the school (a school it moves keeps its old place there), and the script that moves a
 * school's roll-ups (rollups.ts, MOVE_SCHOOL) sets the new one in the same step as it moves them. Scripts that add to
 * a district's and region's figures follow it rather than the placement their caller holds: an agent's link (or a
 * verdict being computed) still holds the old one for a moment after a move, and what it stores then lands where the
 * school now is. A store from before the field counts where the caller says.
 */
export function countedField(districtId: string, regionCode: string): string {
  return `${districtId}\t${regionCode}`;
}

/**
 * Lua: `counted(schoolKey, district, region)` returns the district and region the school's roll-ups are counted in
 * (the caller's when the record does not say), and whether they differ from the caller's.
 * `rescope(key, from, to)` puts another scope at the end of a key built for one (e.g. count:district:A → B).
 */
export const COUNTED_LUA = `
local function counted(schoolKey, district, region)
  local c = redis.call('HGET', schoolKey, 'counted')
  if not c then return district, region, false end
  local tab = string.find(c, '\\t', 1, true)
  if not tab then return district, region, false end
  local d, r = string.sub(c, 1, tab - 1), string.sub(c, tab + 1)
  return d, r, d ~= district or r ~= region
end
local function rescope(key, from, to)
  return string.sub(key, 1, #key - #from) .. to
end
`;
