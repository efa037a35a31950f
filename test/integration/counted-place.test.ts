import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countedField } from '../../server/src/repositories/counted-place.ts';
import { Keys } from '../../server/src/repositories/redis.ts';
import { STORE_VERDICT } from '../../server/src/services/compliance.ts';
import { startRedis } from '../helpers.ts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    testStoreVerdict(...args: string[]): import('ioredis').Result<number, Context>;
  }
}

/**
 * A verdict judged just before the registry moved its school is stored with the placement it was judged in. The
 * move took what the school added to the old district's and region's compliance figures to the new ones; the late
 * verdict adds to the new ones as well (before, to the old ones: they drifted until the hourly check).
 */
describe('a verdict stored with a placement the registry has since changed', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let conn: Redis;
  const k = new Keys('t:');
  beforeAll(async () => {
    redis = await startRedis();
    conn = new Redis(redis.url);
    conn.defineCommand('testStoreVerdict', { numberOfKeys: 6, lua: STORE_VERDICT });
  });
  afterAll(async () => {
    conn.disconnect();
    await redis.stop();
  });

  const store = (school: string, districtId: string, regionCode: string, contrib: string) =>
    conn.testStoreVerdict(
      k.compliance(school),
      k.complianceFigures(`district:${districtId}`),
      k.complianceFigures(`region:${regionCode}`),
      k.complianceFigures('country'),
      k.compliancePending(),
      k.school(school),
      '{}',
      JSON.stringify(contrib),
      contrib,
      school,
      '',
      districtId,
      regionCode,
    );
  const figures = async (scope: string) => conn.hgetall(k.complianceFigures(scope));

  it('adds to the district and region the school is counted in now', async () => {
    await conn.hset(k.school('s1'), { json: '{}', counted: countedField('KZ-19-01', 'KZ-19') });
    await store('s1', 'KZ-75-01', 'KZ-75', 'schools=1,compliant=1');
    expect(await figures('district:KZ-75-01')).toEqual({});
    expect(await figures('region:KZ-75')).toEqual({});
    expect(await figures('district:KZ-19-01')).toEqual({ schools: '1', compliant: '1' });
    expect(await figures('region:KZ-19')).toEqual({ schools: '1', compliant: '1' });
    expect(await figures('country')).toEqual({ schools: '1', compliant: '1' });
  });

  it('adds where its caller says when the record does not say (a store from before the field)', async () => {
    await conn.hset(k.school('s2'), { json: '{}' });
    await store('s2', 'KZ-75-01', 'KZ-75', 'schools=1,compliant=0');
    expect(await figures('district:KZ-75-01')).toEqual({ schools: '1' });
    expect(await figures('region:KZ-75')).toEqual({ schools: '1' });
    expect(await figures('country')).toEqual({ schools: '2', compliant: '1' });
  });
});
