import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keys } from '../repositories/redis.ts';
import type { Metrics } from './metrics.ts';

type Task = (job: Job) => Promise<unknown>;

/**
 * Periodic work of the whole deployment (roll-up verification, and later the daily archive and picture expiry) on
 * one BullMQ queue. Each task is a job scheduler: every instance declares it, BullMQ makes one job per period, and
 * one instance (whichever worker takes it) runs it. Retries with backoff, bounded history, graceful close.
 */
export class Housekeeping {
  readonly queue: Queue;
  private readonly conn: Redis;
  private readonly tasks = new Map<string, Task>();
  private worker?: Worker;

  constructor(
    redisUrl: string,
    keys: Keys,
    private readonly log: Logger,
    metrics: Metrics,
    runWorker: boolean,
  ) {
    this.conn = new Redis(redisUrl, { maxRetriesPerRequest: null }).on('error', () => undefined);
    const prefix = keys.bullPrefix();
    this.queue = new Queue('housekeeping', {
      connection: this.conn,
      prefix,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 10_000 },
        removeOnComplete: { count: 200, age: 14 * 24 * 3600 },
        removeOnFail: { count: 500, age: 30 * 24 * 3600 },
      },
    });
    this.queue.on('error', (err) => this.log.debug({ err }, 'housekeeping queue connection error'));
    metrics.queueDepth.addCollector(async () => {
      const c = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'failed');
      return Object.entries(c).map(([state, n]) => ['housekeeping', state, n] as [string, string, number]);
    });
    if (!runWorker) return;
    this.worker = new Worker(
      'housekeeping',
      async (job) => {
        const task = this.tasks.get(job.name);
        if (!task) throw new Error(`no housekeeping task ${job.name}`);
        const t0 = Date.now();
        const result = await task(job);
        this.log.info({ task: job.name, ms: Date.now() - t0 }, 'housekeeping done');
        return result;
      },
      { connection: this.conn, prefix, concurrency: 2 },
    );
    this.worker.on('failed', (job, err) => this.log.warn({ err, task: job?.name }, 'housekeeping failed'));
    this.worker.on('error', (err) => this.log.error({ err }, 'housekeeping worker error'));
  }

  /** Declares a task run every `everyMs` (or on a cron pattern in a time zone) by one instance. */
  async schedule(name: string, when: { everyMs: number } | { pattern: string; tz: string }, task: Task): Promise<void> {
    this.tasks.set(name, task);
    await this.queue.upsertJobScheduler(
      name,
      'everyMs' in when ? { every: when.everyMs } : { pattern: when.pattern, tz: when.tz },
      { name },
    );
  }

  /** Runs a task now, in this instance (an administrator asked), and gives its result. */
  async runNow(name: string): Promise<unknown> {
    const task = this.tasks.get(name);
    if (!task) throw new Error(`no housekeeping task ${name}`);
    return task({ name, data: {} } as Job);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.conn.disconnect();
  }
}
