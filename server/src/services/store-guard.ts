import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AccountBackup } from '../repositories/accounts-backup.ts';
import type { AgentRepository } from '../repositories/agents.ts';
import type { Keys } from '../repositories/redis.ts';
import type { UserRepository } from '../repositories/users.ts';
import type { DeltaBus } from './bus.ts';
import type { Metrics } from './metrics.ts';

export interface Bootstrap {
  /** puts the registry (and anything else configured) into an empty store */
  registry(): Promise<void>;
  /** creates the first administrator when there is no user */
  admin(): Promise<void>;
}

/** how long a check of the store may take before the store counts as unreachable */
const CHECK_TIMEOUT_MS = 1000;

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('store check timed out')), ms).unref()),
  ]);

/** When this deployment's store was set up (its sentinel's time; rebuilt after a loss), if it holds a sentinel. */
export async function storeSince(redis: Redis, keys: Keys): Promise<number | undefined> {
  try {
    const t = Date.parse(
      (JSON.parse((await redis.get(keys.sentinel())) ?? 'null') as { since?: string } | null)?.since ?? '',
    );
    return Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined; // a damaged sentinel tells no time
  }
}

/**
 * Watches that Redis still holds the deployment's data. A sentinel key is written at bootstrap; when Redis answers
 * but the sentinel is gone (it restarted without persistence, or was flushed), the loss is loud — readiness fails,
 * an error is logged and counted — and the deployment rebuilds itself: the registry and the first administrator as
 * at a first start, users and agents' enrolments from the account backup in the object store, and every agent is
 * asked to send every camera's identity and state again. Whether Redis is reachable at all is answered within a
 * second (readiness), never after a hang.
 */
export class StoreGuard {
  private timer?: NodeJS.Timeout;
  private rebuilding?: Promise<void>;
  reachable = true;
  lost = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly bootstrap: Bootstrap,
    private readonly users: UserRepository,
    private readonly agents: AgentRepository,
    private readonly backup: AccountBackup,
    private readonly bus: DeltaBus,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /** First start (or a store found empty at start): bootstrap, then the sentinel. */
  async init(): Promise<void> {
    const had = await this.redis.exists(this.keys.sentinel());
    if (!had && (await this.users.count()) > 0) {
      // data without a sentinel: a deployment from before the sentinel existed
      await this.markHealthy();
      return this.bootstrap.registry();
    }
    if (!had) await this.rebuild('first start or empty store');
    else await this.bootstrap.registry();
  }

  private async markHealthy(): Promise<void> {
    await this.redis.set(this.keys.sentinel(), JSON.stringify({ since: new Date().toISOString() }));
  }

  start(everyMs = 2000): void {
    this.timer = setInterval(() => void this.check(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One check: is Redis reachable (within a second), and does it still hold the sentinel? */
  async check(): Promise<{ reachable: boolean; lost: boolean }> {
    try {
      const n = await within(this.redis.exists(this.keys.sentinel()), CHECK_TIMEOUT_MS);
      if (!this.reachable) this.log.info('Redis is reachable again');
      this.reachable = true;
      if (n === 1 && !this.rebuilding) this.lost = false;
      if (n === 0 && !this.rebuilding) {
        if (!this.lost) {
          this.metrics.storeLost.inc();
          this.log.error('Redis came back without the deployment data (sentinel key missing): rebuilding');
        }
        this.lost = true;
        this.rebuilding = this.rebuild('store came back empty')
          .then(async () => {
            this.lost = (await this.redis.exists(this.keys.sentinel())) === 0;
          })
          .catch((err) => this.log.error({ err }, 'rebuilding the store failed: retrying'))
          .finally(() => {
            this.rebuilding = undefined;
          });
      }
    } catch (err) {
      if (this.reachable) this.log.error({ err }, 'Redis is unreachable: not ready');
      this.reachable = false;
    }
    return { reachable: this.reachable, lost: this.lost };
  }

  /** Readiness within a second: reachable, holding its data, not rebuilding. */
  async readiness(): Promise<{ redis: boolean; storeLost: boolean }> {
    try {
      await within(this.redis.ping(), CHECK_TIMEOUT_MS);
      return { redis: true, storeLost: this.lost };
    } catch {
      return { redis: false, storeLost: this.lost };
    }
  }

  /** Rebuilds an empty store (one instance at a time), then tells every agent to resync. */
  private async rebuild(why: string): Promise<void> {
    const lock = this.keys.lock('rebuild');
    if (!(await this.redis.set(lock, String(process.pid), 'PX', 60_000, 'NX'))) return;
    try {
      await this.bootstrap.registry();
      let users = 0;
      let agents = 0;
      for (const u of await this.backup.users()) if (await this.users.restore(u, false)) users++;
      for (const a of await this.backup.agents()) if (await this.agents.restore(a)) agents++;
      await this.bootstrap.admin();
      await this.markHealthy();
      if (users || agents) this.log.warn({ why, users, agents }, 'accounts restored from the backup');
      await this.bus.publishControl({ kind: 'resync_agents', reason: why });
      await this.bus.publishControl({ kind: 'grid_changed' });
    } finally {
      await this.redis.del(lock);
    }
  }
}
