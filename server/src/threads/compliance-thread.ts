/**
 * The compliance thread (see services/compliance-offthread.ts): evaluates schools with its own Redis connections,
 * so that re-evaluating every school after a profile change (seconds of work) never holds up the event loop that
 * acknowledges agents' batches. Verdict changes go out over Redis pub/sub like any instance's; the thread hands
 * back which schools changed and how, for the compliance alerts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ArchiveRepository } from '../repositories/archive.ts';
import { type ObjectStore, objectStoreFor, type S3Options } from '../repositories/object-store.ts';
import { connectRedis, Keys, whenReady } from '../repositories/redis.ts';
import { RegistryRepository } from '../repositories/registry.ts';
import { RequirementsRepository } from '../repositories/requirements.ts';
import { ArchiveService } from '../services/archive.ts';
import { DeltaBus } from '../services/bus.ts';
import { ComplianceService, type VerdictChange } from '../services/compliance.ts';
import { serveRequests } from './rpc.ts';

const { redisUrl, prefix, store, timeZone } = workerData as {
  redisUrl: string;
  prefix: string;
  store?: { dir: string; s3?: S3Options };
  timeZone?: string;
};
const redis = connectRedis(redisUrl);
const pub = connectRedis(redisUrl);
const keys = new Keys(prefix);
/** the thread only reads the document in force (from Redis); versions and archives are the main thread's */
const noStore: ObjectStore = {
  put: () => Promise.reject(new Error('no object store in the compliance thread')),
  get: () => Promise.resolve(undefined),
  delete: () => Promise.resolve(),
  list: () => Promise.resolve([]),
};
// publishes only: nothing here listens to the bus
const bus = new DeltaBus(pub, pub, keys.deltas());
const compliance = new ComplianceService(
  redis,
  keys,
  new RegistryRepository(redis, keys),
  new RequirementsRepository(redis, keys, noStore),
  bus,
);

const registry = new RegistryRepository(redis, keys);
/** the archive's days are judged here too (seconds of work at full size); it writes to the object store itself */
const archive =
  store && timeZone
    ? new ArchiveService({
        redis,
        keys,
        registry,
        compliance,
        repo: new ArchiveRepository(objectStoreFor(store), redis, keys),
        timeZone,
      })
    : undefined;

type Message = {
  id: number;
  kind?: 'evaluate' | 'archive-daily' | 'archive-late' | 'archive-day';
  ids?: string[];
  now?: number;
  day?: string;
};

serveRequests<Message>(parentPort!, async (m) => {
  await whenReady(redis);
  await compliance.reload();
  if (m.kind === 'archive-daily' || m.kind === 'archive-late' || m.kind === 'archive-day') {
    if (!archive) throw new Error("the compliance thread was started without the archive's configuration");
    const now = m.now ?? Date.now();
    archive.clock = () => now;
    return m.kind === 'archive-daily'
      ? await archive.runDaily()
      : m.kind === 'archive-late'
        ? await archive.reviseLate()
        : { n: await archive.rejudge(m.day!) };
  }
  const changes: VerdictChange[] = [];
  compliance.onChanged = async (cs) => {
    changes.push(...cs);
  };
  const t0 = Date.now();
  const ids = m.ids ?? (await registry.schoolIds({}));
  const changed = await compliance.evaluate(ids, 3);
  return { schools: ids.length, changed, ms: Date.now() - t0, changes };
});
