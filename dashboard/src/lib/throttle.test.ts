import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttled } from './throttle.ts';

describe('throttled', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs at once, then once at the end of the window for every call within it', () => {
    const fn = vi.fn();
    const t = throttled(fn, 5000);
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    t();
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(3999);
    expect(fn).toHaveBeenCalledTimes(1);
    // the last change within the window is applied: one more run when it ends
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(60_000);
    expect(fn).toHaveBeenCalledTimes(2);
    // long after: at once again
    t();
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('cancel drops the pending run', () => {
    const fn = vi.fn();
    const t = throttled(fn, 5000);
    t();
    t();
    t.cancel();
    vi.advanceTimersByTime(10_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
