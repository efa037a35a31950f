import type { Redis, Result } from 'ioredis';
import type { Keys } from './redis.ts';

/**
 * A camera belongs to the school whose agent reported it first. Reports about it from another school's agent (two
 * agents that both reach it on a shared LAN, or a misconfigured range) are refused and quarantined, never applied:
 * applying them moved the camera, overwrote its identity and drove the owner's roll-ups negative. Atomic per call:
 * of two schools claiming a new camera at once, one wins.
 * Only identities and states claim a camera nobody owns yet; other reports about it are only checked. A batch of
 * nothing but identities and states (a resync) is claimed inside the camera script itself (camera-ops.ts), with the
 * same rule; this script serves the batches that mix them with other reports.
 * ARGV: camera key prefix, schoolId, districtId, regionCode, agentId, ids (comma-separated; "id!" claims)
 * → {id, owner} pairs of the cameras that belong to another school
 */
const CLAIM = `
local foreign = {}
for item in string.gmatch(ARGV[6], '[^,]+') do
  local id = string.gsub(item, '!$', '')
  local k = ARGV[1] .. id
  local owner = redis.call('HGET', k, 'schoolId')
  if owner == ARGV[2] or ((not owner or owner == '') and id ~= item) then
    redis.call('HSET', k, 'schoolId', ARGV[2], 'districtId', ARGV[3], 'regionCode', ARGV[4], 'agentId', ARGV[5])
  elseif owner and owner ~= '' then
    foreign[#foreign + 1] = id
    foreign[#foreign + 1] = owner
  end
end
return foreign
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kuzetClaim(...args: (string | number)[]): Result<string[], Context>;
  }
}

export interface Claimant {
  schoolId: string;
  districtId: string;
  regionCode: string;
  agentId: string;
}

/** Entries kept in the quarantine (refused reports about other schools' cameras), newest last. */
export const QUARANTINE_MAXLEN = 10_000;

export class ClaimRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    redis.defineCommand('kuzetClaim', { numberOfKeys: 0, lua: CLAIM });
  }

  /**
   * Claims the cameras of `claim` for the school when nobody owns them (identities, states), checks those of
   * `check`; returns the cameras owned by another school → their owner.
   */
  async claim(c: Claimant, claim: Iterable<string>, check: Iterable<string> = []): Promise<Map<string, string>> {
    const claimed = new Set(claim);
    const ids = [...claimed].map((id) => `${id}!`);
    for (const id of new Set(check)) if (!claimed.has(id)) ids.push(id);
    const out = new Map<string, string>();
    if (!ids.length) return out;
    const r = await this.redis.kuzetClaim(
      this.keys.cam(''),
      c.schoolId,
      c.districtId,
      c.regionCode,
      c.agentId,
      ids.join(','),
    );
    for (let i = 0; i < r.length; i += 2) out.set(r[i]!, r[i + 1]!);
    return out;
  }

  /** Records refused reports (who sent what about whose camera) for the administrators. */
  async quarantine(
    c: Claimant,
    refused: { cameraId: string; owner: string; types: string[]; at: string }[],
  ): Promise<void> {
    if (!refused.length) return;
    const p = this.redis.pipeline();
    for (const r of refused)
      p.xadd(
        this.keys.quarantine(),
        'MAXLEN',
        '~',
        QUARANTINE_MAXLEN,
        '*',
        'at',
        r.at,
        'cameraId',
        r.cameraId,
        'owner',
        r.owner,
        'schoolId',
        c.schoolId,
        'agentId',
        c.agentId,
        'types',
        r.types.join(','),
      );
    await p.exec();
  }

  async quarantined(
    limit: number,
  ): Promise<{ at: string; cameraId: string; owner: string; schoolId: string; agentId: string; types: string[] }[]> {
    const entries = await this.redis.xrevrange(this.keys.quarantine(), '+', '-', 'COUNT', limit);
    return entries.map(([, f]) => {
      const o: Record<string, string> = {};
      for (let i = 0; i < f.length; i += 2) o[f[i]!] = f[i + 1]!;
      return {
        at: o.at ?? '',
        cameraId: o.cameraId ?? '',
        owner: o.owner ?? '',
        schoolId: o.schoolId ?? '',
        agentId: o.agentId ?? '',
        types: o.types ? o.types.split(',') : [],
      };
    });
  }
}
