import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { tsWorker } from '../threads/boot.ts';
import type { VerdictChange } from './compliance.ts';

export interface OffThreadResult {
  schools: number;
  changed: number;
  ms: number;
  changes: VerdictChange[];
}

/**
 * Runs large compliance evaluations (every school, after a profile change or hourly) in a worker thread with its own
 * Redis connections: measured, evaluating 250,000 cameras on the event loop held it for seconds and pushed the
 * agents' acknowledgement latency past its target. One thread, started when first needed, one evaluation at a time.
 */
export class ComplianceThread {
  private worker?: Worker;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (r: OffThreadResult) => void; reject: (e: Error) => void }>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly log?: Logger,
  ) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = tsWorker(new URL('../threads/compliance-thread.ts', import.meta.url), {
      redisUrl: this.redisUrl,
      prefix: this.prefix,
    });
    w.on('message', (m: { id: number; result?: OffThreadResult; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error));
      else if (m.result) p?.resolve(m.result);
    });
    const fail = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker = undefined;
    };
    w.on('error', (err) => {
      this.log?.error({ err }, 'compliance thread failed');
      fail(err);
    });
    w.on('exit', () => fail(new Error('the compliance thread ended')));
    this.worker = w;
    return w;
  }

  /** Evaluates the given schools (all of the registry without ids) in the thread; one run at a time. */
  evaluate(ids?: string[]): Promise<OffThreadResult> {
    const run = this.queue.then(
      () =>
        new Promise<OffThreadResult>((resolve, reject) => {
          const id = ++this.seq;
          this.pending.set(id, { resolve, reject });
          this.start().postMessage({ id, ids });
        }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
