import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { S3Options } from '../repositories/object-store.ts';
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
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly log?: Logger,
    /** for the archive's work: where objects are kept, and the deployment's time zone */
    private readonly archiveCfg?: { store: { dir: string; s3?: S3Options }; timeZone: string },
  ) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = tsWorker(new URL('../threads/compliance-thread.ts', import.meta.url), {
      redisUrl: this.redisUrl,
      prefix: this.prefix,
      ...this.archiveCfg,
    });
    w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
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
    return this.run<OffThreadResult>({ kind: 'evaluate', ids });
  }

  /** The archive's daily run, or its revision of days with late changes, with the caller's clock. */
  archive(
    kind: 'archive-daily' | 'archive-late' | 'archive-day',
    now: number,
    day?: string,
  ): Promise<{ archived?: string[]; revised?: string[]; n?: number }> {
    return this.run({ kind, now, day });
  }

  private run<T>(msg: Record<string, unknown>): Promise<T> {
    const run = this.queue.then(
      () =>
        new Promise<T>((resolve, reject) => {
          const id = ++this.seq;
          this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
          this.start().postMessage({ id, ...msg });
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
