type Limit = <T>(fn: () => Promise<T>) => Promise<T>;

interface Job {
  timer?: NodeJS.Timeout;
  running: boolean;
  stopped: boolean;
  /** runs the job now instead of at its next time (while it runs: once more as soon as it ends) */
  runNow: () => void;
  /** asked for while running: what it works with may have changed since it started */
  again?: boolean;
}

/**
 * Runs periodic checks: each job at its own interval with a little jitter, through a concurrency limiter, never
 * overlapping with itself. A slow check delays only its own next run.
 */
export class Scheduler {
  private readonly jobs = new Map<string, Job>();
  inFlight = 0;
  private stopped = false;

  constructor(private readonly jitter = 0.05) {}

  every(key: string, intervalMs: number, firstDelayMs: number, limit: Limit, fn: () => Promise<void>): void {
    this.cancel(key);
    const job: Job = { running: false, stopped: false, runNow: () => {} };
    this.jobs.set(key, job);
    const arm = (delay: number) => {
      if (job.stopped || this.stopped) return;
      job.timer = setTimeout(fire, Math.max(0, delay));
    };
    const fire = () => {
      if (job.running || job.stopped) return;
      job.running = true;
      this.inFlight++;
      limit(async () => {
        if (!job.stopped) await fn();
      })
        .catch(() => undefined)
        .finally(() => {
          job.running = false;
          this.inFlight--;
          const again = job.again;
          job.again = false;
          arm(again ? 0 : intervalMs * (1 - this.jitter + Math.random() * 2 * this.jitter));
        });
    };
    arm(firstDelayMs);
    job.runNow = () => {
      if (job.running) {
        job.again = true;
        return;
      }
      if (job.timer) clearTimeout(job.timer);
      fire();
    };
  }

  /**
   * Runs a job now instead of at its next time; one that is running runs once more right after (its result may
   * predate what prompted the call: a reference view that arrived mid-check, a camera back from offline).
   */
  runNow(key: string): void {
    this.jobs.get(key)?.runNow();
  }

  cancel(key: string): void {
    const job = this.jobs.get(key);
    if (!job) return;
    job.stopped = true;
    if (job.timer) clearTimeout(job.timer);
    this.jobs.delete(key);
  }

  cancelPrefix(prefix: string): void {
    for (const k of [...this.jobs.keys()]) if (k.startsWith(prefix)) this.cancel(k);
  }

  stop(): void {
    this.stopped = true;
    for (const k of [...this.jobs.keys()]) this.cancel(k);
  }
}
