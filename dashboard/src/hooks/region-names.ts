import type { Region } from '@kuzet/protocol';
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';

// the regions' names, read once per page load (they change only with the registry)
let regions: Promise<Region[]> | undefined;

/**
 * The regions the user may see, by code, for saying a region's name where an answer carries only its code (an
 * alert). Empty until read (the code is shown meanwhile); read again after a failure.
 */
export function useRegionNames(): Map<string, Region> {
  const [names, setNames] = useState<Map<string, Region>>(new Map());
  useEffect(() => {
    let live = true;
    regions ??= api.regions().catch((e: unknown) => {
      regions = undefined;
      throw e;
    });
    regions.then(
      (rs) => live && setNames(new Map(rs.map((r) => [r.code, r]))),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  return names;
}
