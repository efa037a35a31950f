import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keys } from '../repositories/redis.ts';
import type { RegistryRepository, SchoolMove } from '../repositories/registry.ts';
import { RollupRepository, type SchoolPlace } from '../repositories/rollups.ts';
import type { DeltaBus } from './bus.ts';
import type { Metrics } from './metrics.ts';
import { type RollupReport, verifyRollups } from './rollup-check.ts';

/** Roll-up verification (periodic and on demand) and releasing cameras from their school. */
export class IntegrityService {
  readonly rollups: RollupRepository;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly registry: RegistryRepository,
    private readonly bus: DeltaBus,
    private readonly metrics: Metrics,
    private readonly log?: Logger,
  ) {
    this.rollups = new RollupRepository(redis, keys);
  }

  async verifyNow(): Promise<RollupReport> {
    const report = await verifyRollups(this.registry, this.rollups, this.log);
    for (const d of report.drift) this.metrics.rollupDrift.inc({ kind: d.kind });
    await this.redis.set(this.keys.rollupReport(), JSON.stringify(report));
    // grid entries may have been rewritten: every instance reloads its grid
    if (report.drift.length) await this.bus.publishControl({ kind: 'grid_changed' });
    return report;
  }

  async lastReport(): Promise<RollupReport | null> {
    const v = await this.redis.get(this.keys.rollupReport());
    return v ? (JSON.parse(v) as RollupReport) : null;
  }

  /**
   * After a registry import that moved schools to another district or region (or agents to another school): the
   * agents' open links, which store under the placement read when they connected, reconnect on every instance; then
   * each moved school's roll-ups, grid entries and ranking follow it, and every instance reloads its grid.
   */
  async moveSchools(moves: SchoolMove[], agentIds: string[]): Promise<void> {
    if (agentIds.length) await this.bus.publishControl({ kind: 'agents_moved', agentIds });
    for (const m of moves) await this.rollups.moveSchool(m);
    if (moves.length) await this.bus.publishControl({ kind: 'grid_changed' });
    if (moves.length || agentIds.length)
      this.log?.info({ schools: moves.length, agents: agentIds.length }, 'registry moved schools or agents');
  }

  async release(cameraId: string, school: SchoolPlace): Promise<boolean> {
    const ok = await this.rollups.release(cameraId, school);
    if (ok) await this.bus.publishControl({ kind: 'grid_changed', regionCode: school.regionCode });
    return ok;
  }
}
