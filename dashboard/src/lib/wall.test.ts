import { describe, expect, it } from 'vitest';
import { sumCounts, wallCycle } from './wall.ts';

const r = (code: string, offline = 0, online = 10) => ({ code, counts: { offline, online } });

describe('the wall screen cycle', () => {
  it('takes turns among the regions in trouble, in code order, by the clock', () => {
    const rs = [r('KZ-75', 2), r('KZ-11'), r('KZ-71', 1), r('KZ-10', 5)];
    const at = (s: number) => wallCycle(rs, s * 1000, 20);
    expect(at(0)).toEqual({ shown: 'KZ-10', secondsLeft: 20 });
    expect(at(19)).toEqual({ shown: 'KZ-10', secondsLeft: 1 });
    expect(at(20).shown).toBe('KZ-71');
    expect(at(40).shown).toBe('KZ-75');
    expect(at(60).shown).toBe('KZ-10'); // round again; KZ-11 (no trouble) never shown
  });

  it('stays on the one region in trouble, and shows the whole scope when none is', () => {
    expect(wallCycle([r('KZ-75', 1), r('KZ-71')], 12_345_000, 20)).toEqual({ shown: 'KZ-75' });
    expect(wallCycle([r('KZ-75'), r('KZ-71')], 0, 20)).toEqual({});
  });

  it('adds up counts', () => {
    expect(sumCounts([r('a', 1, 2), { counts: { degraded: 3, online: 1 } }])).toEqual({
      offline: 1,
      online: 3,
      degraded: 3,
    });
  });
});
