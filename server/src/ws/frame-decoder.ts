import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { type DecodedFrame, decodeAgentFrame } from '../services/frame-decode.ts';
import { tsWorker } from '../threads/boot.ts';

interface Pending {
  resolve: (r: DecodedFrame) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Parses and validates agents' frames (JSON + the protocol schema) off the event loop, in worker threads. At
 * nominal load that is 25,000 samples a second: done on the event loop it was a quarter of the server's CPU and
 * most of its garbage, and the garbage collector's pauses stalled everything else — live pushes included. A thread
 * hands back a health batch already packed for Redis, so the event loop only stores it and acknowledges.
 * With no threads (`threads` 0) frames are decoded on the event loop.
 */
export class FrameDecoder {
  private readonly threads: Thread[] = [];
  private next = 0;
  private seq = 0;
  private closing = false;

  constructor(
    threads: number,
    private readonly log?: Logger,
  ) {
    for (let i = 0; i < threads; i++) this.threads.push(this.spawn());
  }

  private spawn(): Thread {
    const worker = tsWorker(new URL('./frame-decoder-worker.ts', import.meta.url));
    const t: Thread = { worker, pending: new Map() };
    worker.on('message', (m: { id: number; r: DecodedFrame }) => {
      const p = t.pending.get(m.id);
      t.pending.delete(m.id);
      p?.resolve(m.r);
    });
    const fail = (err: Error) => {
      for (const p of t.pending.values()) p.reject(err);
      t.pending.clear();
      if (this.closing) return;
      this.log?.error({ err }, 'frame decoder thread failed; starting another');
      const i = this.threads.indexOf(t);
      if (i >= 0) this.threads[i] = this.spawn();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.threads.includes(t)) fail(new Error(`frame decoder thread exited with code ${code}`));
    });
    return t;
  }

  /** Decodes one text frame of agent `agentId` received at `received` (ms); rejects only if its thread died meanwhile. */
  decode(agentId: string, data: Buffer, received = Date.now()): Promise<DecodedFrame> {
    if (this.threads.length === 0) return Promise.resolve(decodeAgentFrame(data.toString(), agentId, received));
    const t = this.threads[this.next++ % this.threads.length]!;
    const id = ++this.seq;
    // a copy of just these bytes (`data` may be a view into a larger buffer), handed over without another copy
    const bytes = new Uint8Array(data);
    return new Promise((resolve, reject) => {
      t.pending.set(id, { resolve, reject });
      t.worker.postMessage({ id, agentId, data: bytes, received }, [bytes.buffer]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
    for (const t of threads) for (const p of t.pending.values()) p.reject(new Error('the server is shutting down'));
  }
}
