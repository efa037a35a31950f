import type { Logger } from 'pino';
import type { S3Options } from '../repositories/object-store.ts';
import { ThreadRpc } from '../threads/rpc.ts';
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
  private readonly rpc: ThreadRpc;

  constructor(
    redisUrl: string,
    prefix: string,
    log?: Logger,
    /** for the archive's work: where objects are kept, and the deployment's time zone */
    archiveCfg?: { store: { dir: string; s3?: S3Options }; timeZone: string },
  ) {
    this.rpc = new ThreadRpc(
      new URL('../threads/compliance-thread.ts', import.meta.url),
      'compliance thread',
      { redisUrl, prefix, ...archiveCfg },
      { serial: true, ...(log ? { log } : {}) },
    );
  }

  /** Evaluates the given schools (all of the registry without ids) in the thread; one run at a time. */
  evaluate(ids?: string[]): Promise<OffThreadResult> {
    return this.rpc.call<OffThreadResult>({ kind: 'evaluate', ids });
  }

  /** The archive's daily run, or its revision of days with late changes, with the caller's clock. */
  archive(
    kind: 'archive-daily' | 'archive-late' | 'archive-day',
    now: number,
    day?: string,
  ): Promise<{ archived?: string[]; revised?: string[]; n?: number }> {
    return this.rpc.call({ kind, now, day });
  }

  close(): Promise<void> {
    return this.rpc.close();
  }
}
