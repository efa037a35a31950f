import { KZ_REGIONS, type Region } from '@kuzet/protocol';
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';

// the regions' names, read once per page load (they change only with the registry)
let regions: Promise<Region[]> | undefined;

/** Kazakhstan's 20 regions, known without asking: school staff are given no region list, yet their alerts name one */
const KNOWN = new Map(KZ_REGIONS.map((r) => [r.code, r]));

/**
 * The regions' names by code, for saying a region's name where an answer carries only its code (an alert): the
 * country's 20 at once, with any other the registry holds once read (read again after a failure).
 */
export function useRegionNames(): Map<string, Region> {
  const [names, setNames] = useState<Map<string, Region>>(KNOWN);
  useEffect(() => {
    let live = true;
    regions ??= api.regions().catch((e: unknown) => {
      regions = undefined;
      throw e;
    });
    regions.then(
      (rs) => live && rs.length > 0 && setNames(new Map([...KNOWN, ...rs.map((r) => [r.code, r] as const)])),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  return names;
}
