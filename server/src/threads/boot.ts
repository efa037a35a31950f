import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const TSX = createRequire(import.meta.url).resolve('tsx/cjs/api');

/**
 * A worker thread running a TypeScript file. On Node 20 a worker did not get the parent's ESM loader (tsx's
 * --import: nodejs/node#47747), so the thread loads its code through tsx's in-thread require hook; none of the
 * parent's V8 flags either. Unref'd: it never keeps the process alive.
 */
export function tsWorker(file: URL, workerData?: unknown): Worker {
  const boot = `require(${JSON.stringify(TSX)}).register();\nrequire(${JSON.stringify(fileURLToPath(file))});`;
  const w = new Worker(boot, { eval: true, execArgv: [], workerData });
  w.unref();
  return w;
}
