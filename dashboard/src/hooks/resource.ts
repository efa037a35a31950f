import { useCallback, useEffect, useRef, useState } from 'react';
import { useLive } from './live.tsx';

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
  /** local edits (live deltas) between reloads */
  setData: (f: (d: T | undefined) => T | undefined) => void;
}

/**
 * Loads data for a view once the live subscription stands, and again after every live resync (a reconnect may have
 * missed changes). While the link is lost the last data stays on screen; nothing is fetched until the centre is back.
 */
export function useResource<T>(
  load: () => Promise<T>,
  deps: unknown[],
  /**
   * false: load at once, without waiting for the live subscription (data that only its own live events change);
   * 'static': load at once and not again on a live (re)subscription (data no live event changes, e.g. where the
   * schools are: the overview fetched the map of 7,500 schools twice)
   */
  waitForLive: boolean | 'static' = true,
): Resource<T> {
  const live = useLive();
  const epoch = waitForLive === 'static' ? 0 : live.epoch;
  const state = live.state;
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const lost = state === 'lost';
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's; epoch/tick force reloads
  useEffect(() => {
    // first subscribe (epoch 1 = the live snapshot came), then load: no change can fall between the two
    if (lost || (epoch === 0 && waitForLive === true)) return;
    const mine = ++seq.current;
    setLoading(true);
    load().then(
      (d) => {
        if (mine !== seq.current) return;
        setDataState(d);
        setError(undefined);
        setLoading(false);
      },
      (e: Error) => {
        if (mine !== seq.current) return;
        setError(e);
        setLoading(false);
      },
    );
  }, [...deps, epoch, tick, lost]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const setData = useCallback((f: (d: T | undefined) => T | undefined) => setDataState(f), []);
  return { data, error, loading, reload, setData };
}
