import type { Logger } from 'pino';
import type { RegistryRepository } from '../repositories/registry.ts';
import type { Drift, RollupRepository } from '../repositories/rollups.ts';

export interface RollupReport {
  at: string;
  schools: number;
  drift: Drift[];
  durationMs: number;
}

/**
 * Verifies every roll-up against the cameras and repairs what drifted: each school from its cameras (atomically),
 * then each district, region and the country from their parts. The counts are kept incrementally by the transition
 * script; this is the proof that they stayed right, and the repair when they did not (reported, never silent).
 */
export async function verifyRollups(
  registry: RegistryRepository,
  rollups: RollupRepository,
  log?: Logger,
): Promise<RollupReport> {
  const t0 = Date.now();
  const drift: Drift[] = [];
  const ids = await registry.schoolIds({});
  const byDistrict = new Map<string, string[]>();
  const byRegion = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const schools = await registry.schools(ids.slice(i, i + 500));
    for (let j = 0; j < schools.length; j += 16)
      for (const d of await Promise.all(schools.slice(j, j + 16).map((s) => rollups.repairSchool(s)))) drift.push(...d);
    for (const s of schools) {
      byDistrict.set(s.districtId, [...(byDistrict.get(s.districtId) ?? []), `school:${s.id}`]);
      byRegion.set(s.regionCode, [...(byRegion.get(s.regionCode) ?? []), `school:${s.id}`]);
    }
  }
  // a district or region left without schools (the registry moved them away) sums to nothing, not to what it had
  for (const d of await registry.districts()) if (!byDistrict.has(d.id)) byDistrict.set(d.id, []);
  for (const r of await registry.regions()) if (!byRegion.has(r.code)) byRegion.set(r.code, []);
  for (const [d, parts] of byDistrict) drift.push(...(await rollups.sumLevel(`district:${d}`, parts)));
  for (const [r, parts] of byRegion) drift.push(...(await rollups.sumLevel(`region:${r}`, parts)));
  drift.push(
    ...(await rollups.sumLevel(
      'country',
      [...byRegion.keys()].map((r) => `region:${r}`),
    )),
  );
  const report = { at: new Date().toISOString(), schools: ids.length, drift, durationMs: Date.now() - t0 };
  if (drift.length) log?.warn({ drift: drift.slice(0, 50), found: drift.length }, 'roll-ups had drifted: repaired');
  return report;
}
