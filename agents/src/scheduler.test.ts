import { describe, expect, it } from 'vitest';
import { Scheduler } from './scheduler.ts';

const direct = <T>(fn: () => Promise<T>) => fn();

describe('Scheduler', () => {
  it('runs a job asked for while it runs once more right after, not at its next interval', async () => {
    const s = new Scheduler(0);
    const starts: number[] = [];
    let release!: () => void;
    s.every('job', 3_600_000, 0, direct, async () => {
      starts.push(Date.now());
      if (starts.length === 1) await new Promise<void>((r) => (release = r));
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(starts).toHaveLength(1);
    s.runNow('job'); // while it runs
    s.runNow('job'); // twice: still once more, not twice
    release();
    await new Promise((r) => setTimeout(r, 50));
    expect(starts).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(starts).toHaveLength(2);
    s.stop();
  });
});
