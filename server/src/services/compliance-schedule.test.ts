import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Keys } from '../repositories/redis.ts';
import type { RegistryRepository } from '../repositories/registry.ts';
import type { RequirementsRepository } from '../repositories/requirements.ts';
import type { DeltaBus } from './bus.ts';
import { ComplianceService } from './compliance.ts';

/**
 * When schools are marked faster than their verdicts can be computed (at full scale every school's clock readings
 * mark it every few seconds), the evaluations must not queue up: one at a time, the schools marked meanwhile
 * together in the next, each once.
 */
/** the service alone: its evaluations go to the stand-in thread each test gives it (threadAbove 0) */
const service = () =>
  new ComplianceService(
    { defineCommand: () => {} } as unknown as Redis,
    {} as Keys,
    {} as RegistryRepository,
    {} as RequirementsRepository,
    {} as DeltaBus,
  );

describe('compliance scheduling under a load it cannot keep up with', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs one evaluation at a time and never queues a school twice', async () => {
    const c = service();
    const batches: string[][] = [];
    let running = 0;
    let most = 0;
    c.threadAbove = 0;
    // each evaluation takes 2.5 s of (fake) time: slower than the schools are marked
    c.thread = {
      evaluate: async (ids = []) => {
        batches.push([...ids].sort());
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 2500));
        running--;
        return { schools: ids.length, changed: 0, changes: [] };
      },
    };
    // three schools marked every 100 ms for 10 s
    for (let t = 0; t < 100; t++) {
      for (const s of ['a', 'b', 'c']) c.markDirty(s);
      await vi.advanceTimersByTimeAsync(100);
    }
    const duringMarks = batches.length;
    // the marks stop: what is left is at most the evaluation running and one more
    await vi.advanceTimersByTimeAsync(10_000);
    expect(most).toBe(1);
    for (const b of batches) expect(b).toEqual(['a', 'b', 'c']);
    // one evaluation every 3.5 s at most (a second's wait, then 2.5 s): 10 s of marks cannot start more than 3
    expect(duringMarks).toBeLessThanOrEqual(3);
    expect(batches.length - duringMarks).toBeLessThanOrEqual(1);
    const idle = c.idle();
    await vi.advanceTimersByTimeAsync(100);
    await idle;
    // and it is quiet afterwards: nothing more is evaluated without a new mark
    const settled = batches.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(batches.length).toBe(settled);
  });

  it('waits longer after each failed evaluation, and evaluates the schools once it succeeds', async () => {
    const c = service();
    const tries: number[] = [];
    let failing = true;
    c.threadAbove = 0;
    c.thread = {
      evaluate: async (ids = []) => {
        tries.push(Date.now());
        if (failing) throw new Error('Redis away');
        return { schools: ids.length, changed: 0, changes: [] };
      },
    };
    const t0 = Date.now();
    c.markDirty('a');
    await vi.advanceTimersByTimeAsync(60_000);
    // after 1 s, then 2, 4, 8 and 16 s more: five tries in the first minute, not sixty
    expect(tries.map((t) => t - t0)).toEqual([1000, 3000, 7000, 15000, 31000]);
    failing = false;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(tries.length).toBe(6);
    // and after a success a mark is evaluated a second later again
    c.markDirty('b');
    await vi.advanceTimersByTimeAsync(1000);
    expect(tries.length).toBe(7);
  });

  it('waits while agents wait for their batches, a second at a time and at most deferMaxMs, then evaluates', async () => {
    const c = service();
    const tries: number[] = [];
    let busy = true;
    c.threadAbove = 0;
    c.busy = () => busy;
    c.thread = {
      evaluate: async (ids = []) => {
        tries.push(Date.now());
        return { schools: ids.length, changed: 0, changes: [] };
      },
    };
    const t0 = Date.now();
    c.markDirty('a');
    // the backlog clears after 5.5 s: evaluated at the next second's look
    await vi.advanceTimersByTimeAsync(5500);
    expect(tries).toEqual([]);
    busy = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(tries.map((t) => t - t0)).toEqual([6000]);
    // a backlog that never clears does not starve the verdicts: evaluated deferMaxMs after the first wait
    busy = true;
    c.markDirty('b');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(tries.map((t) => t - t0)).toEqual([6000, 6500 + 1000 + c.deferMaxMs]);
    // and the limit counts from the next first wait again
    c.markDirty('c');
    await vi.advanceTimersByTimeAsync(c.deferMaxMs + 1000);
    expect(tries.length).toBe(3);
  });
});

describe('evaluating in parallel chunks', () => {
  it('counts every changed verdict of every chunk', async () => {
    const c = service();
    // each chunk of 100 schools: all changed, answered after a wait (Redis), the chunks overlapping
    vi.spyOn(c as unknown as { evaluateChunk: (ids: string[]) => Promise<number> }, 'evaluateChunk').mockImplementation(
      async (ids) => {
        await new Promise((r) => setTimeout(r, 5 + (ids[0]!.length % 3)));
        return ids.length;
      },
    );
    const ids = Array.from({ length: 1000 }, (_, i) => `KZ-75-01-${String(i).padStart(4, '0')}`);
    expect(await c.evaluate(ids, 3)).toBe(1000);
  });
});
