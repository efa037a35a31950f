import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { tsWorker } from './boot.ts';

/** What a thread answers to a request: its id, and a result or an error's text. */
export type ThreadReply = { id: number; result?: unknown; error?: string };

/**
 * Requests to a worker thread and their answers, for work that must not hold up the event loop (see boot.ts). The
 * thread is started when first needed and again after it failed; a request in flight when it fails or ends is
 * refused with the reason. `serial`: one request at a time, in order (the compliance thread's evaluations);
 * otherwise requests overlap (the thread awaits I/O for each). `idleMs`: the thread ends once it has had nothing to
 * do for that long (a thread holds ~50 MB: one used now and then need not hold it for good).
 */
export class ThreadRpc {
  private worker?: Worker;
  private seq = 0;
  private readonly pending = new Map<
    number,
    { worker: Worker; resolve: (r: unknown) => void; reject: (e: Error) => void }
  >();
  private queue: Promise<unknown> = Promise.resolve();
  private idle?: NodeJS.Timeout;

  constructor(
    private readonly file: URL,
    private readonly name: string,
    private readonly workerData: unknown,
    private readonly o: { serial?: boolean; log?: Logger; idleMs?: number } = {},
  ) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = tsWorker(this.file, this.workerData);
    w.on('message', (m: ThreadReply) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
      if (this.pending.size === 0 && this.o.idleMs !== undefined) {
        clearTimeout(this.idle);
        this.idle = setTimeout(() => void this.close(), this.o.idleMs).unref();
      }
    });
    // only what was sent to this thread: one ended when idle may exit after the next request started another
    const fail = (err: Error) => {
      for (const [id, p] of this.pending)
        if (p.worker === w) {
          this.pending.delete(id);
          p.reject(err);
        }
      if (this.worker === w) this.worker = undefined;
    };
    w.on('error', (err) => {
      this.o.log?.error({ err }, `${this.name} failed`);
      fail(err);
    });
    w.on('exit', () => fail(new Error(`the ${this.name} ended`)));
    this.worker = w;
    return w;
  }

  /** Sends one request (its fields beside the id the reply is matched by) and waits for the thread's answer. */
  call<T>(msg: Record<string, unknown>): Promise<T> {
    const send = () =>
      new Promise<T>((resolve, reject) => {
        clearTimeout(this.idle);
        const id = ++this.seq;
        const worker = this.start();
        this.pending.set(id, { worker, resolve: resolve as (r: unknown) => void, reject });
        worker.postMessage({ id, ...msg });
      });
    if (!this.o.serial) return send();
    const run = this.queue.then(send);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}

/**
 * The thread's side: answers each request with what `handle` returns, or with the error's text (a failed request
 * never ends the thread).
 */
export function serveRequests<M extends { id: number }>(
  port: import('node:worker_threads').MessagePort,
  handle: (m: M) => Promise<unknown>,
): void {
  port.on('message', async (m: M) => {
    try {
      port.postMessage({ id: m.id, result: await handle(m) } satisfies ThreadReply);
    } catch (err) {
      port.postMessage({ id: m.id, error: String((err as Error).stack ?? err) } satisfies ThreadReply);
    }
  });
}
