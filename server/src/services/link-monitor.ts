import type { CameraDelta } from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keys } from '../repositories/redis.ts';
import type { RegistryRepository } from '../repositories/registry.ts';
import { type Placement, StateRepository } from '../repositories/state.ts';
import type { DeltaBus } from './bus.ts';

/**
 * Marks a school's link down when its agent has been silent past the threshold: its cameras become `link_down`
 * (unknown), never `offline` — the centre cannot know. One instance sweeps at a time (Redis lock).
 */
export class LinkMonitor {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly registry: RegistryRepository,
    private readonly state: StateRepository,
    private readonly bus: DeltaBus,
    private readonly thresholdMs: number,
    private readonly log?: Logger,
  ) {}

  /** told when a school's link goes down (with its cameras now unknown) and when it comes back */
  onLink?: (e: {
    agentId: string;
    place: Omit<Placement, 'agentId'>;
    down: boolean;
    at: string;
    cameras: number;
  }) => Promise<void>;

  async touch(agentId: string): Promise<void> {
    await this.redis.zadd(this.keys.agentSeen(), Date.now(), agentId);
  }

  async linkUp(agentId: string): Promise<void> {
    await this.touch(agentId);
    const [was, schoolId] = await this.redis.hmget(this.keys.agent(agentId), 'linkDown', 'schoolId');
    const at = new Date().toISOString();
    await this.redis.hset(this.keys.agent(agentId), { linkDown: 0, linkUpAt: at });
    if (was === '1') {
      this.log?.info({ agentId }, 'link up');
      const school = schoolId ? await this.registry.school(schoolId) : undefined;
      if (school && this.onLink)
        await this.onLink({
          agentId,
          place: { schoolId: school.id, districtId: school.districtId, regionCode: school.regionCode },
          down: false,
          at,
          cameras: 0,
        });
    }
  }

  start(intervalMs = Math.min(5_000, this.thresholdMs / 3)): void {
    this.timer = setInterval(
      () => void this.sweep().catch((err) => this.log?.error({ err }, 'link sweep failed')),
      intervalMs,
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Marks one silent agent's cameras link_down; false when there was nothing to do. */
  private async markDown(agentId: string): Promise<boolean> {
    const h = await this.redis.hgetall(this.keys.agent(agentId));
    if (h.linkDown === '1' || !h.schoolId) return false;
    const school = await this.registry.school(h.schoolId);
    if (!school) return false;
    const now = new Date().toISOString();
    const place = { agentId, schoolId: school.id, districtId: school.districtId, regionCode: school.regionCode };
    const ids = await this.state.schoolCameraIds(school.id);
    const cams = await this.state.cameras(ids);
    const mine = cams.filter((c) => c.agentId === agentId && c.status !== 'link_down');
    const m = this.redis.multi();
    const idx: number[] = [];
    for (const c of mine) {
      idx.push(m.length - 1); // .length counts the MULTI itself
      this.state.transition(m, c.cameraId, place, 'link_down', [], now);
    }
    m.hset(this.keys.agent(agentId), { linkDown: 1, linkDownAt: now });
    const res = (await m.exec()) ?? [];
    const deltas: CameraDelta[] = [];
    mine.forEach((c, i) => {
      const previous = StateRepository.changed(res[idx[i]!]?.[1]);
      if (previous)
        deltas.push({
          cameraId: c.cameraId,
          schoolId: school.id,
          districtId: school.districtId,
          regionCode: school.regionCode,
          status: 'link_down',
          reasons: [],
          at: now,
          previous,
        });
    });
    await this.bus.publish(deltas);
    await this.onLink?.({ agentId, place, down: true, at: now, cameras: mine.length });
    return true;
  }

  /** Finds silent agents and marks their cameras link_down. Returns the agents newly marked. */
  async sweep(): Promise<string[]> {
    const lock = await this.redis.set(this.keys.lock('link-sweep'), String(process.pid), 'PX', 120_000, 'NX');
    if (!lock) return [];
    try {
      const silent = await this.redis.zrangebyscore(this.keys.agentSeen(), '-inf', Date.now() - this.thresholdMs);
      const marked: string[] = [];
      // a whole region may go dark at once: schools are marked in parallel, a few dozen at a time
      for (let i = 0; i < silent.length; i += 32)
        await Promise.all(
          silent.slice(i, i + 32).map(async (agentId) => {
            if (await this.markDown(agentId)) marked.push(agentId);
          }),
        );
      return marked;
    } finally {
      await this.redis.del(this.keys.lock('link-sweep'));
    }
  }
}
