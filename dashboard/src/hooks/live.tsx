import type { Alert, CameraDelta, ComplianceDelta, StatusCounts } from '@kuzet/protocol';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { type LinkState, LiveClient } from '../ws/live.ts';

interface Live {
  state: LinkState;
  /** increases on every (re)subscription: data loaded before may be stale */
  epoch: number;
  counts: StatusCounts;
  client: LiveClient;
  /** ever been connected (to tell "connecting" from "lost") */
  everOpen: boolean;
}

const LiveContext = createContext<Live | undefined>(undefined);

declare global {
  interface Window {
    /** for the end-to-end tests and the benchmark: when the last delta of each camera was applied */
    __kuzetLive?: { applied: Map<string, { status: string; at: number; serverAt: number }>; deltas: number };
  }
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const client = useMemo(
    () => new LiveClient({ url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live` }),
    [],
  );
  const [state, setState] = useState<LinkState>('connecting');
  const [epoch, setEpoch] = useState(0);
  const [counts, setCounts] = useState<StatusCounts>({});
  const everOpen = useRef(false);
  useEffect(() => {
    const offs = [
      client.on('state', (s) => {
        if (s === 'open') everOpen.current = true;
        setState(s);
      }),
      client.on('snapshot', (c, e) => {
        setCounts(c);
        setEpoch(e);
      }),
      client.on('deltas', (ds) => {
        window.__kuzetLive ??= { applied: new Map(), deltas: 0 };
        window.__kuzetLive.deltas += ds.length;
        const now = performance.timeOrigin + performance.now();
        for (const d of ds)
          window.__kuzetLive.applied.set(d.cameraId, { status: d.status, at: now, serverAt: Date.parse(d.at) });
        setCounts((c) => {
          const out: Record<string, number> = { ...c };
          for (const d of ds)
            if (d.previous) {
              if (d.previous.status) out[d.previous.status] = Math.max(0, (out[d.previous.status] ?? 0) - 1);
              out[d.status] = (out[d.status] ?? 0) + 1;
            }
          return out as StatusCounts;
        });
      }),
    ];
    client.start();
    return () => {
      for (const off of offs) off();
      client.stop();
    };
  }, [client]);
  const value = useMemo(
    () => ({ state, epoch, counts, client, everOpen: everOpen.current || state === 'open' }),
    [state, epoch, counts, client],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const l = useContext(LiveContext);
  if (!l) throw new Error('useLive outside LiveProvider');
  return l;
}

/** Calls `f` with alerts as they open or change, while the component is mounted. */
export function useAlertUpdates(f: (a: Alert[]) => void): void {
  const { client } = useLive();
  const ref = useRef(f);
  ref.current = f;
  useEffect(() => client.on('alerts', (a) => ref.current(a)), [client]);
}

/** Calls `f` with every batch of deltas while the component is mounted. */
export function useDeltas(f: (d: CameraDelta[]) => void): void {
  const { client } = useLive();
  const ref = useRef(f);
  ref.current = f;
  useEffect(() => client.on('deltas', (d) => ref.current(d)), [client]);
}

/** Calls `f` when the requirement document gets a new version, while the component is mounted. */
export function useRequirementsUpdates(f: (version: number) => void): void {
  const { client } = useLive();
  const ref = useRef(f);
  ref.current = f;
  useEffect(() => client.on('requirements', (v) => ref.current(v)), [client]);
}

/** Calls `f` with schools whose compliance verdict changed, while the component is mounted. */
export function useComplianceUpdates(f: (c: ComplianceDelta[]) => void): void {
  const { client } = useLive();
  const ref = useRef(f);
  ref.current = f;
  useEffect(() => client.on('compliance', (c) => ref.current(c)), [client]);
}
