import type { CameraDelta } from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keys } from '../repositories/redis.ts';
import type { RegistryRepository } from '../repositories/registry.ts';
import { centreTimes, type Placement, StateRepository } from '../repositories/state.ts';
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

  /**
   * The agent was heard from. If it had been marked down meanwhile (a server too busy to read its frames in time),
   * its link comes back up at once; its cameras follow with its next state reports.
   */
  async touch(agentId: string): Promise<void> {
    // two commands, not a pipeline: auto-pipelining sends them with every other link's in one socket write
    const [, down] = await Promise.all([
      this.redis.zadd(this.keys.agentSeen(), Date.now(), agentId),
      this.redis.hget(this.keys.agent(agentId), 'linkDown'),
    ]);
    if (down === '1') await this.linkUp(agentId);
  }

  async linkUp(agentId: string): Promise<void> {
    await this.redis.zadd(this.keys.agentSeen(), Date.now(), agentId);
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

  /**
   * First pass for one silent agent: flag its link down and raise the school's alert (the root cause, cheap).
   * Returns its placement for the second pass, or undefined when there was nothing to do.
   */
  private async flagDown(agentId: string, at: string): Promise<Placement | undefined> {
    const h = await this.redis.hgetall(this.keys.agent(agentId));
    if (h.linkDown === '1' || !h.schoolId) return undefined;
    const school = await this.registry.school(h.schoolId);
    if (!school) return undefined;
    await this.redis.hset(this.keys.agent(agentId), { linkDown: 1, linkDownAt: at });
    const place = { agentId, schoolId: school.id, districtId: school.districtId, regionCode: school.regionCode };
    const cameras = await this.redis.scard(this.keys.schoolCams(school.id));
    this.log?.warn({ agentId, schoolId: school.id, cameras }, 'link down');
    await this.onLink?.({ agentId, place, down: true, at, cameras });
    return place;
  }

  /** Second pass: the agent's cameras become link_down (unknown), with roll-ups and live deltas. */
  private async markCameras(place: Placement, at: string): Promise<void> {
    // the agent may have come back between the two passes: then its cameras keep their state
    if ((await this.redis.hget(this.keys.agent(place.agentId), 'linkDown')) !== '1') return;
    const cams = await this.state.cameras(await this.state.schoolCameraIds(place.schoolId));
    const mine = cams.filter((c) => c.agentId === place.agentId && c.status !== 'link_down');
    const m = this.redis.multi();
    const idx: number[] = [];
    for (const c of mine) {
      idx.push(m.length - 1); // .length counts the MULTI itself
      this.state.transition(m, c.cameraId, place, 'link_down', [], centreTimes(at));
    }
    const res = (await m.exec()) ?? [];
    const deltas: CameraDelta[] = [];
    mine.forEach((c, i) => {
      const previous = StateRepository.changed(res[idx[i]!]?.[1]);
      if (previous)
        deltas.push({
          cameraId: c.cameraId,
          schoolId: place.schoolId,
          districtId: place.districtId,
          regionCode: place.regionCode,
          status: 'link_down',
          reasons: [],
          at,
          previous,
        });
    });
    await this.bus.publish(deltas);
  }

  /** Finds silent agents and marks their cameras link_down. Returns the agents newly marked. */
  async sweep(): Promise<string[]> {
    const lock = await this.redis.set(this.keys.lock('link-sweep'), String(process.pid), 'PX', 120_000, 'NX');
    if (!lock) return [];
    try {
      const silent = await this.redis.zrangebyscore(this.keys.agentSeen(), '-inf', Date.now() - this.thresholdMs);
      // a whole region may go dark at once: first every school's link and alert (the root cause, fast), then
      // their cameras (thousands of transitions), in parallel a few dozen at a time
      const at = new Date().toISOString();
      const places: Placement[] = [];
      for (let i = 0; i < silent.length; i += 64)
        for (const p of await Promise.all(silent.slice(i, i + 64).map((id) => this.flagDown(id, at))))
          if (p) places.push(p);
      for (let i = 0; i < places.length; i += 32)
        await Promise.all(places.slice(i, i + 32).map((p) => this.markCameras(p, at)));
      return places.map((p) => p.agentId);
    } finally {
      await this.redis.del(this.keys.lock('link-sweep'));
    }
  }
}
