/**
 * The audit log's reader (see AuditRepository.offThread): filtered reads of the whole stream, with a connection of
 * its own, away from the event loop that acknowledges agents' batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type AuditQuery, AuditRepository } from '../repositories/audit.ts';
import { connectRedis, Keys, whenReady } from '../repositories/redis.ts';
import { serveRequests } from './rpc.ts';

const { redisUrl, prefix } = workerData as { redisUrl: string; prefix: string };
// fails fast like the requests' own connection: a reader waits for no Redis that is down
const redis = connectRedis(redisUrl, { failFast: true });
const audit = new AuditRepository(redis, new Keys(prefix));

serveRequests<AuditQuery & { id: number }>(parentPort!, async ({ id: _, ...q }) => {
  // the thread's connection is new at its first request: it may wait for it, but not for a Redis that is down
  // (its commands then fail at once, and the request answers 503)
  await Promise.race([whenReady(redis), new Promise((r) => setTimeout(r, 3000))]);
  return audit.read(q);
});
