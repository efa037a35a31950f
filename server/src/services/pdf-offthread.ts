import type { Worker } from 'node:worker_threads';
import { tsWorker } from '../threads/boot.ts';
import type { PdfReport } from './archive-pdf.ts';

type Msg = { id: number; chunk?: Uint8Array; done?: boolean; error?: string };

/**
 * PDF reports rendered in a worker thread (layout and font subsetting are CPU work: seconds for a region's month),
 * streamed back chunk by chunk. One thread, started when first needed; reports may overlap.
 */
export class PdfThread {
  private worker?: Worker;
  private seq = 0;
  private readonly listeners = new Map<number, (m: Msg) => void>();

  constructor(private readonly fontDir: string) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = tsWorker(new URL('../threads/pdf-thread.ts', import.meta.url));
    w.on('message', (m: Msg) => this.listeners.get(m.id)?.(m));
    const fail = (err: Error) => {
      for (const l of this.listeners.values()) l({ id: 0, error: err.message });
      this.listeners.clear();
      this.worker = undefined;
    };
    w.on('error', fail);
    w.on('exit', () => fail(new Error('the PDF thread ended')));
    this.worker = w;
    return w;
  }

  /** The report's bytes, as the thread produces them. */
  async *render(report: PdfReport): AsyncGenerator<Buffer> {
    const id = ++this.seq;
    const queue: Msg[] = [];
    let wake: (() => void) | undefined;
    this.listeners.set(id, (m) => {
      queue.push(m);
      wake?.();
    });
    try {
      this.start().postMessage({ id, report, fontDir: this.fontDir });
      for (;;) {
        const m = queue.shift();
        if (!m) {
          await new Promise<void>((r) => {
            wake = r;
          });
          wake = undefined;
          continue;
        }
        if (m.error) throw new Error(`PDF report failed: ${m.error}`);
        if (m.chunk) yield Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.byteLength);
        if (m.done) return;
      }
    } finally {
      this.listeners.delete(id);
    }
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
