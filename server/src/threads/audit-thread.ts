/**
 * The audit log's reader (see AuditRepository.offThread): filtered reads of the whole stream, or of a day kept in the
 * object store, with connections of its own, away from the event loop that acknowledges agents' batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type AuditQuery, AuditRepository } from '../repositories/audit.ts';
import { AuditArchiveRepository } from '../repositories/audit-archive.ts';
import { objectStoreFor, type S3Options } from '../repositories/object-store.ts';
import { connectRedis, Keys, whenReady } from '../repositories/redis.ts';
import { serveRequests } from './rpc.ts';

const { redisUrl, prefix, store } = workerData as {
  redisUrl: string;
  prefix: string;
  store: { dir: string; s3?: S3Options };
};
// fails fast like the requests' own connection: a reader waits for no Redis that is down
const redis = connectRedis(redisUrl, { failFast: true });
const keys = new Keys(prefix);
const archive = new AuditArchiveRepository(redis, keys, objectStoreFor(store));
const audit = new AuditRepository(redis, keys, archive);

type Request = { id: number } & ({ kind: 'read'; q: AuditQuery } | { kind: 'compact'; day: string });

serveRequests<Request>(parentPort!, async (m) => {
  if (m.kind === 'compact') return archive.compact(m.day);
  // the thread's connection is new at its first request: it may wait for it, but not for a Redis that is down
  // (its commands then fail at once, and the request answers 503)
  await Promise.race([whenReady(redis), new Promise((r) => setTimeout(r, 3000))]);
  return audit.read(m.q);
});
