import { type District, type Region, Registry, type RequirementProfile, type School } from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { Keys } from './redis.ts';

/** Regions → districts → schools, their agents and requirement profiles, kept in Redis hashes and sets. */
export class RegistryRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Imports (or updates) a registry; validated as a whole first, written in one transaction. Returns counts. */
  async import(raw: unknown): Promise<{ regions: number; districts: number; schools: number }> {
    const reg = Registry.parse(raw);
    const k = this.keys;
    // one transaction: a file is applied whole or not at all
    const p = this.redis.multi();
    for (const r of reg.regions) p.hset(k.regions(), r.code, JSON.stringify(r));
    for (const d of reg.districts) p.hset(k.districts(), d.id, JSON.stringify(d));
    for (const pr of reg.profiles) p.hset(k.profiles(), pr.name, JSON.stringify(pr));
    for (const s of reg.schools) {
      p.hset(k.school(s.id), { json: JSON.stringify(s) });
      p.sadd(k.schools(), s.id);
      p.sadd(k.regionSchools(s.regionCode), s.id);
      p.sadd(k.districtSchools(s.districtId), s.id);
      for (const a of s.agents) p.hset(k.agent(a), { schoolId: s.id });
    }
    await p.exec();
    return { regions: reg.regions.length, districts: reg.districts.length, schools: reg.schools.length };
  }

  async regions(): Promise<Region[]> {
    return Object.values(await this.redis.hgetall(this.keys.regions()))
      .map((v) => JSON.parse(v) as Region)
      .sort((a, b) => a.code.localeCompare(b.code));
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
