import { describe, expect, it } from 'vitest';
import { matching } from './search.ts';

describe('matching', () => {
  const users = [
    { username: 'op75', schoolId: undefined, regions: ['KZ-75'] },
    { username: 'guard-almaty-1', schoolId: 'KZ-75-01-0001', regions: [] },
    { username: 'guard-astana-1', schoolId: 'KZ-71-01-0001', regions: [] },
  ];
  const fields = (u: (typeof users)[number]) => [u.username, u.schoolId, ...u.regions];
  it('finds rows with every word in one of their fields, whatever the case', () => {
    expect(matching(users, 'GUARD kz-75', fields).map((u) => u.username)).toEqual(['guard-almaty-1']);
    expect(matching(users, 'kz-75', fields).map((u) => u.username)).toEqual(['op75', 'guard-almaty-1']);
    expect(matching(users, 'nobody', fields)).toEqual([]);
  });
  it('keeps every row for an empty search', () => {
    expect(matching(users, '  ', fields)).toBe(users);
  });
  it('never matches across two fields', () => {
    // "op75" + "KZ" would read "op75kz" if the fields were joined bare
    expect(matching(users, '75kz', fields)).toEqual([]);
  });
});
