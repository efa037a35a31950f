import type { CameraDelta, CameraGrid, CentreStatus } from '@kuzet/protocol';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import { GridModel } from '../lib/grid.ts';
import { useDeltas } from './live.tsx';
import { type Resource, useResource } from './resource.ts';

/**
 * The user's cameras by status (the grid), kept live: drawn from the grid at once, the cameras' ids fetched after
 * the first draw to place live changes. `version` changes whenever the model changed in place.
 */
export function useGridModel(): {
  grid: Resource<CameraGrid>;
  model: GridModel | undefined;
  version: number;
  /** each school's worst camera status (the map's colours), recomputed when the model changes */
  worst: Map<string, CentreStatus>;
} {
  const grid = useResource(() => api.grid(), []);
  const model = useMemo(() => (grid.data ? new GridModel(grid.data) : undefined), [grid.data]);
  const [version, setVersion] = useState(0);
  const pending = useRef<CameraDelta[]>([]);
  useEffect(() => {
    if (!model) return;
    // the cameras' ids are needed only to place live changes: fetched once the first draw is out
    let gone = false;
    const id = setTimeout(() => {
      api.gridIds().then(
        (x) => {
          if (gone) return;
          if (!model.setIds(x)) return grid.reload(); // the grid changed in between: load both again
          // deltas that came before: statuses are absolute, replaying them is safe
          if (model.apply(pending.current.splice(0))) setVersion((v) => v + 1);
        },
        () => !gone && setTimeout(() => grid.reload(), 5000),
      );
    }, 20);
    return () => {
      gone = true;
      clearTimeout(id);
    };
  }, [model, grid.reload]);
  useDeltas((ds) => {
    if (model?.placeable) {
      if (model.apply(ds)) setVersion((v) => v + 1);
      if (ds.some((d) => !model.knows(d))) grid.reload(); // a new camera: its place is in the grid
    } else pending.current.push(...ds);
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: version marks the model's changes in place
  const worst = useMemo(() => model?.worstBySchool() ?? new Map<string, CentreStatus>(), [model, version]);
  return { grid, model, version, worst };
}
