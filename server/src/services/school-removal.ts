import { BY_CENTRE, EVENT_TEXTS, type Localized, problemText, type School } from '@kuzet/protocol';
import type { Redis, Result } from 'ioredis';
import type { AgentRepository } from '../repositories/agents.ts';
import type { AlertRepository } from '../repositories/alerts.ts';
import type { ObjectStore } from '../repositories/object-store.ts';
import type { Keys } from '../repositories/redis.ts';
import type { UserRepository } from '../repositories/users.ts';
import type { AlertService } from './alerts.ts';
import type { DeltaBus } from './bus.ts';
import { snapshotKey } from './ingest.ts';
import { referenceKey } from './picture-lifecycle.ts';

/**
 * Takes a school out of the registry with what the centre holds of it, atomically: its camera counts and counted
 * reasons leave its district, region and country; its compliance contribution leaves their compliance figures; its
 * cameras (state, identity, history, measurements) and grid entries go, as do its place in the trouble ranking and
 * in the school lists, its own counts and history. The daily archive keeps the days it was judged. Returns the
 * number of its cameras.
 * KEYS: school, schools, region schools, district schools, school cams, school first camera,
 *       count school/district/region/country, rcount school/district/region/country, grid region,
 *       trouble region, trouble country, verdict, compliance figures district/region/country, pending, hist school
 * ARGV: schoolId, camera key prefix, docs prefix, camera history prefix, measurements prefix
 */
const REMOVE_SCHOOL = `
for _, first in ipairs({7, 11}) do
  local h = redis.call('HGETALL', KEYS[first])
  for j = 1, #h, 2 do
    local n = tonumber(h[j + 1]) or 0
    if n ~= 0 then for k = first + 1, first + 3 do redis.call('HINCRBY', KEYS[k], h[j], -n) end end
  end
end
local cams = redis.call('SMEMBERS', KEYS[5])
for _, id in ipairs(cams) do
  redis.call('HDEL', KEYS[15], id)
  if redis.call('HGET', ARGV[2] .. id, 'schoolId') == ARGV[1] then
    redis.call('DEL', ARGV[2] .. id, ARGV[3] .. id, ARGV[4] .. id, ARGV[5] .. id)
  end
end
redis.call('ZREM', KEYS[16], ARGV[1])
redis.call('ZREM', KEYS[17], ARGV[1])
for k, v in string.gmatch(redis.call('HGET', KEYS[18], 'contrib') or '', '([^=,]+)=(-?%d+)') do
  local n = tonumber(v)
  if n ~= 0 then for i = 19, 21 do redis.call('HINCRBY', KEYS[i], k, -n) end end
end
redis.call('ZREM', KEYS[22], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('DEL', KEYS[1], KEYS[5], KEYS[6], KEYS[7], KEYS[11], KEYS[18], KEYS[23])
return #cams
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kuzetRemoveSchool(...args: string[]): Result<number, Context>;
  }
}

/** Defines the removal script on a connection (once, where the routes are made). */
export function defineSchoolRemoval(redis: Redis): void {
  redis.defineCommand('kuzetRemoveSchool', { numberOfKeys: 23, lua: REMOVE_SCHOOL });
}

export interface SchoolRemovalDeps {
  redis: Redis;
  keys: Keys;
  agents: AgentRepository;
  users: UserRepository;
  alerts: AlertService;
  alertRepo: AlertRepository;
  bus: DeltaBus;
  /** camera pictures and reference views */
  store: ObjectStore;
}

/**
 * Why a school cannot be removed yet: an agent of it still enrolled (its link would keep reporting into a school
 * that is gone) or a user of it (school staff whose scope would be nothing). Empty: it can go.
 */
export async function removalBlockers(d: SchoolRemovalDeps, schoolId: string): Promise<Localized[]> {
  const [agents, users] = await Promise.all([d.agents.list(), d.users.list()]);
  return [
    ...agents
      .filter((a) => a.schoolId === schoolId && !a.revoked && a.enrolledAt)
      .map((a) => problemText('agent_enrolled', { agent: a.agentId })),
    ...users.filter((u) => u.schoolId === schoolId).map((u) => problemText('user_belongs', { user: u.username })),
  ];
}

/**
 * Removes a school (see REMOVE_SCHOOL), then deletes its cameras' pictures — a reference view is kept until replaced,
 * and nothing would ever replace these: children appear in them — and resolves its alerts and its cameras'.
 */
export async function removeSchool(
  d: SchoolRemovalDeps,
  s: School,
): Promise<{ cameras: number; alertsResolved: number }> {
  const k = d.keys;
  const cams = await d.redis.smembers(k.schoolCams(s.id));
  const scopes = [`school:${s.id}`, `district:${s.districtId}`, `region:${s.regionCode}`, 'country'];
  const cameras = await d.redis.kuzetRemoveSchool(
    k.school(s.id),
    k.schools(),
    k.regionSchools(s.regionCode),
    k.districtSchools(s.districtId),
    k.schoolCams(s.id),
    k.schoolFirstCamera(s.id),
    ...scopes.map((x) => k.counts(x)),
    ...scopes.map((x) => k.reasonCounts(x)),
    k.grid(s.regionCode),
    k.trouble(`region:${s.regionCode}`),
    k.trouble('country'),
    k.compliance(s.id),
    ...scopes.slice(1).map((x) => k.complianceFigures(x)),
    k.compliancePending(),
    k.histSchool(s.id),
    s.id,
    k.cam(''),
    k.camDocs(''),
    k.histCam(''),
    k.measurements(''),
  );
  for (const c of cams) {
    await d.store.delete(referenceKey(c));
    await d.store.delete(snapshotKey(c));
  }
  let alertsResolved = 0;
  for (const subject of [s.id, ...cams])
    for (const a of await d.alertRepo.activeOf(subject))
      if (await d.alerts.resolve(a.id, BY_CENTRE, EVENT_TEXTS.schoolRemoved.en)) alertsResolved++;
  await d.bus.publishControl({ kind: 'grid_changed', regionCode: s.regionCode });
  return { cameras, alertsResolved };
}
