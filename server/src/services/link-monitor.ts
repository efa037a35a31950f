import { randomUUID } from 'node:crypto';
import type { CameraDelta } from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type CameraOp, cameraOpResults, packCameraOps } from '../repositories/camera-ops.ts';
import type { Keys } from '../repositories/redis.ts';
import type { RegistryRepository } from '../repositories/registry.ts';
import type { Placement, StateRepository } from '../repositories/state.ts';
import type { DeltaBus } from './bus.ts';

/**
 * Marks a school's link down when its agent has been silent past the threshold: its cameras become `link_down`
 * (unknown), never `offline` — the centre cannot know. One instance sweeps at a time (Redis lock).
 *
 * Nobody is judged for the centre's own absence. Agents reconnect with backoff (up to `maxBackoffMs`) after their
 * server went away, so: when the first instance of a deployment comes up (no other alive), nobody is judged until
 * the threshold plus the agents' maximum backoff has passed; when an instance dies (its heartbeat stops), the agents
 * it held get the same grace. Without it every outage longer than the threshold raised a critical link_down for
 * every school.
 */
export class LinkMonitor {
  private timer?: NodeJS.Timeout;
  private beat?: NodeJS.Timeout;
  readonly instanceId = randomUUID();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly registry: RegistryRepository,
    private readonly state: StateRepository,
    private readonly bus: DeltaBus,
    private readonly thresholdMs: number,
    private readonly log?: Logger,
    /** the agents' longest reconnect backoff */
    private readonly maxBackoffMs = 60_000,
  ) {}

  private get graceMs(): number {
    return this.thresholdMs + this.maxBackoffMs;
  }

  /**
   * An instance whose heartbeat is this old is dead: early enough that its agents are given their grace before the
   * sweep would judge them (half the threshold, at most 15 s); instances beat three times as often.
   */
  private get deadMs(): number {
    return Math.min(15_000, this.thresholdMs / 2);
  }

  /** This instance holds an agent's link now (a killed instance's agents get grace: see above). */
  async linked(agentId: string): Promise<void> {
    await this.redis.sadd(this.keys.instanceAgents(this.instanceId), agentId);
  }

  async unlinked(agentId: string): Promise<void> {
    await this.redis.srem(this.keys.instanceAgents(this.instanceId), agentId);
  }

  /** Joins the deployment: the first instance up gives every agent time to come back before judging any. */
  async join(): Promise<void> {
    const now = Date.now();
    const alive = await this.redis.zrangebyscore(this.keys.instances(), now - this.deadMs, '+inf');
    if (alive.filter((id) => id !== this.instanceId).length === 0) {
      await this.redis.set(this.keys.linkGrace(), String(now + this.graceMs));
      this.log?.info({ graceSeconds: this.graceMs / 1000 }, 'first instance up: agents get time to reconnect');
    }
    await this.redis.zadd(this.keys.instances(), now, this.instanceId);
  }

  /** Leaves the deployment (graceful shutdown): the agents it held get time to reconnect elsewhere. */
  async leave(): Promise<void> {
    await this.graceFor(this.instanceId);
  }

  /** Gives the agents an instance held the grace, and forgets the instance. */
  private async graceFor(instanceId: string): Promise<void> {
    const key = this.keys.instanceAgents(instanceId);
    const agents = await this.redis.smembers(key);
    const until = Date.now() + this.graceMs;
    const p = this.redis.multi();
    for (const a of agents) p.zadd(this.keys.agentGrace(), 'GT', until, a);
    p.del(key).zrem(this.keys.instances(), instanceId);
    await p.exec();
    if (agents.length) this.log?.info({ instanceId, agents: agents.length }, 'instance gone: its agents get time');
  }

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

  /** The agent's link is up (again); true when it had been marked down (its cameras link_down). */
  async linkUp(agentId: string): Promise<boolean> {
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
    return was === '1';
  }

  start(intervalMs = Math.min(5_000, this.thresholdMs / 3)): void {
    this.timer = setInterval(
      () => void this.sweep().catch((err) => this.log?.error({ err }, 'link sweep failed')),
      intervalMs,
    );
    this.timer.unref();
    this.beat = setInterval(
      () =>
        void this.redis
          .zadd(this.keys.instances(), Date.now(), this.instanceId)
          .catch((err) => this.log?.warn({ err }, 'instance heartbeat failed')),
      this.deadMs / 3,
    );
    this.beat.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.beat) clearInterval(this.beat);
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
    const ops: CameraOp[] = mine.map((c) => ({
      op: 'state',
      cameraId: c.cameraId,
      status: 'link_down',
      reasons: [],
      since: at,
      at,
    }));
    const packed = packCameraOps(ops);
    const m = this.redis.multi();
    this.state.cameraOps(m, place, at, packed);
    const res = (await m.exec()) ?? [];
    const deltas: CameraDelta[] = [];
    for (const r of cameraOpResults(packed, res[0]?.[1]))
      if (r.op === 'state' && r.previous)
        deltas.push({
          cameraId: r.cameraId,
          schoolId: place.schoolId,
          districtId: place.districtId,
          regionCode: place.regionCode,
          status: 'link_down',
          reasons: [],
          at,
          previous: r.previous,
        });
    await this.bus.publish(deltas);
  }

  /** Finds silent agents and marks their cameras link_down. Returns the agents newly marked. */
  async sweep(): Promise<string[]> {
    const lock = await this.redis.set(this.keys.lock('link-sweep'), String(process.pid), 'PX', 120_000, 'NX');
    if (!lock) return [];
    try {
      const now = Date.now();
      if (now < Number((await this.redis.get(this.keys.linkGrace())) ?? 0)) return [];
      for (const dead of await this.redis.zrangebyscore(this.keys.instances(), '-inf', now - this.deadMs))
        await this.graceFor(dead);
      const quiet = await this.redis.zrangebyscore(this.keys.agentSeen(), '-inf', now - this.thresholdMs);
      const grace = quiet.length ? await this.redis.zmscore(this.keys.agentGrace(), ...quiet) : [];
      const silent = quiet.filter((_, i) => !(Number(grace[i] ?? 0) > now));
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
