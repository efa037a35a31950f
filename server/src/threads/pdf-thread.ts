import { parentPort } from 'node:worker_threads';
import { type PdfReport, renderPdf } from '../services/archive-pdf.ts';

/** Lays out PDF reports off the server's event loop; the bytes go back in chunks as they are produced. */
parentPort!.on('message', async (m: { id: number; report: PdfReport; fontDir: string }) => {
  try {
    await renderPdf(m.report, m.fontDir, (chunk) => {
      const bytes = new Uint8Array(chunk);
      parentPort!.postMessage({ id: m.id, chunk: bytes }, [bytes.buffer]);
    });
    parentPort!.postMessage({ id: m.id, done: true });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: String((err as Error).message ?? err) });
  }
});
