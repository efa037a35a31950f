import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, Keys } from '../../server/src/repositories/redis.ts';
import { UserRepository } from '../../server/src/repositories/users.ts';
import { startRedis } from '../helpers.ts';

/** The users' role index (who an alert can be assigned to is found without reading every school's staff). */
describe('users by role, real Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let r: ReturnType<typeof connectRedis>;
  const keys = new Keys('users-test:');

  beforeAll(async () => {
    redis = await startRedis();
    r = connectRedis(redis.url);
  });
  afterAll(async () => {
    r?.disconnect();
    await redis?.stop();
  });

  it('finds the users of some roles, in a store from before the index too, and forgets a deleted one', async () => {
    const users = new UserRepository(r, keys);
    for (const [username, role] of [
      ['op-b', 'operator'],
      ['admin', 'admin'],
      ['guard', 'school'],
      ['akimat', 'auditor'],
      ['op-a', 'operator'],
    ] as const)
      expect(await users.create({ username, role, regions: [], password: 'a-long-password' })).toBe(true);
    const names = async (u: UserRepository) =>
      (await u.withRoles(['operator', 'admin'])).map((x) => `${x.username}:${x.role}`);
    expect(await names(users)).toEqual(['admin:admin', 'op-a:operator', 'op-b:operator']);
    // a store written before the index: the users are there, the index is not
    await r.del(keys.usersIndexed(), ...['operator', 'admin', 'school', 'auditor'].map((x) => keys.usersWithRole(x)));
    const later = new UserRepository(r, keys);
    expect(await names(later)).toEqual(['admin:admin', 'op-a:operator', 'op-b:operator']);
    expect(await r.smembers(keys.usersWithRole('school'))).toEqual(['guard']);
    expect(await later.delete('op-b')).toBe(true);
    expect(await names(later)).toEqual(['admin:admin', 'op-a:operator']);
    expect(await r.sismember(keys.usersWithRole('operator'), 'op-b')).toBe(0);
  });
});
