import {
  type District,
  KZ_REGIONS,
  type Region,
  Registry,
  type RequirementProfile,
  type School,
} from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import { countedField } from './counted-place.ts';
import type { Keys } from './redis.ts';

/** Where a school is: its district and region. */
export interface SchoolPlace {
  id: string;
  districtId: string;
  regionCode: string;
}

/** A school the registry put in another district or region. */
export interface SchoolMove {
  id: string;
  from: SchoolPlace;
  to: SchoolPlace;
}

/** Regions → districts → schools, their agents and requirement profiles, kept in Redis hashes and sets. */
export class RegistryRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * Imports (or updates) a registry; validated as a whole first, written in one transaction. Returns counts, the
   * schools it moved to another district or region (taken out of their old lists here; their roll-ups are moved by
   * IntegrityService.moveSchools), and the agents whose placement changed (their school moved, or they now belong
   * to another school): their open links still carry the old one.
   */
  async import(raw: unknown): Promise<{
    regions: number;
    districts: number;
    schools: number;
    moved: SchoolMove[];
    agentsMoved: string[];
    notInFile: string[];
  }> {
    const reg = Registry.parse(raw);
    const k = this.keys;
    // what the store holds now of these schools and agents (a reimport of the whole country: 7,500 + agents reads)
    const before = this.redis.pipeline();
    for (const s of reg.schools) before.hget(k.school(s.id), 'json');
    for (const s of reg.schools) for (const a of s.agents) before.hget(k.agent(a), 'schoolId');
    const got = ((await before.exec()) ?? []).map(([, v]) => v as string | null);
    const moved: SchoolMove[] = [];
    const agentsMoved = new Set<string>();
    let i = reg.schools.length;
    reg.schools.forEach((s, j) => {
      const old = got[j] ? (JSON.parse(got[j]!) as School) : undefined;
      const move = old && (old.districtId !== s.districtId || old.regionCode !== s.regionCode);
      if (move)
        moved.push({
          id: s.id,
          from: { id: s.id, districtId: old.districtId, regionCode: old.regionCode },
          to: { id: s.id, districtId: s.districtId, regionCode: s.regionCode },
        });
      for (const a of s.agents) {
        const was = got[i++];
        if (move || (was && was !== s.id)) agentsMoved.add(a);
      }
    });
    // one transaction: a file is applied whole or not at all
    const p = this.redis.multi();
    for (const r of reg.regions) p.hset(k.regions(), r.code, JSON.stringify(r));
    for (const d of reg.districts) p.hset(k.districts(), d.id, JSON.stringify(d));
    for (const pr of reg.profiles) p.hset(k.profiles(), pr.name, JSON.stringify(pr));
    for (const m of moved) {
      p.srem(k.districtSchools(m.from.districtId), m.id);
      p.srem(k.regionSchools(m.from.regionCode), m.id);
    }
    const from = new Map(moved.map((m) => [m.id, m.from]));
    for (const s of reg.schools) {
      // where its roll-ups are counted: a moved school's stay in the old place until they are moved with it
      const counted = from.get(s.id) ?? s;
      p.hset(k.school(s.id), {
        json: JSON.stringify(s),
        counted: countedField(counted.districtId, counted.regionCode),
      });
      p.sadd(k.schools(), s.id);
      p.sadd(k.regionSchools(s.regionCode), s.id);
      p.sadd(k.districtSchools(s.districtId), s.id);
      for (const a of s.agents) p.hset(k.agent(a), { schoolId: s.id });
    }
    await p.exec();
    return {
      regions: reg.regions.length,
      districts: reg.districts.length,
      schools: reg.schools.length,
      moved,
      agentsMoved: [...agentsMoved],
      notInFile: await this.notIn(reg),
    };
  }

  /**
   * The schools registered in the districts a file covers that the file does not list (sorted): closed or merged
   * since the last export, or left out of it by mistake. A file of one region says nothing of the other regions'.
   */
  private async notIn(reg: Registry): Promise<string[]> {
    const listed = new Set(reg.schools.map((s) => s.id));
    const districts = new Set([...reg.districts.map((d) => d.id), ...reg.schools.map((s) => s.districtId)]);
    const p = this.redis.pipeline();
    for (const d of districts) p.smembers(this.keys.districtSchools(d));
    const members = ((await p.exec()) ?? []).flatMap(([, v]) => (v as string[] | null) ?? []);
    return [...new Set(members)].filter((id) => !listed.has(id)).sort();
  }

  async regions(): Promise<Region[]> {
    return Object.values(await this.redis.hgetall(this.keys.regions()))
      .map((v) => JSON.parse(v) as Region)
      .sort((a, b) => a.code.localeCompare(b.code));
  }

  /** A region by its code: the registry's, else one of Kazakhstan's 20 (a registry without schools there yet). */
  async region(code: string): Promise<Region | undefined> {
    const v = await this.redis.hget(this.keys.regions(), code);
    return v ? (JSON.parse(v) as Region) : KZ_REGIONS.find((r) => r.code === code);
  }

  /** Which of these codes name no region: not one of Kazakhstan's 20, nor one the registry holds. */
  async unknownRegions(codes: string[]): Promise<string[]> {
    if (!codes.length) return [];
    const known = new Set([...KZ_REGIONS, ...(await this.regions())].map((r) => r.code));
    return codes.filter((c) => !known.has(c));
  }

  async districts(regionCode?: string): Promise<District[]> {
    return Object.values(await this.redis.hgetall(this.keys.districts()))
      .map((v) => JSON.parse(v) as District)
      .filter((d) => !regionCode || d.regionCode === regionCode)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async district(id: string): Promise<District | undefined> {
    const v = await this.redis.hget(this.keys.districts(), id);
    return v ? (JSON.parse(v) as District) : undefined;
  }

  async profile(name: string): Promise<RequirementProfile | undefined> {
    const v = await this.redis.hget(this.keys.profiles(), name);
    return v ? (JSON.parse(v) as RequirementProfile) : undefined;
  }

  async school(id: string): Promise<School | undefined> {
    const v = await this.redis.hget(this.keys.school(id), 'json');
    return v ? (JSON.parse(v) as School) : undefined;
  }

  async schoolIds(filter: { regionCode?: string; districtId?: string }): Promise<string[]> {
    const k = this.keys;
    const key = filter.districtId
      ? k.districtSchools(filter.districtId)
      : filter.regionCode
        ? k.regionSchools(filter.regionCode)
        : k.schools();
    return (await this.redis.smembers(key)).sort();
  }

  async schools(ids: string[]): Promise<School[]> {
    if (!ids.length) return [];
    const p = this.redis.pipeline();
    for (const id of ids) p.hget(this.keys.school(id), 'json');
    const res = (await p.exec()) ?? [];
    return res
      .map(([, v]) => (v ? (JSON.parse(v as string) as School) : undefined))
      .filter((s): s is School => Boolean(s));
  }
}
