/**
 * Redis memory at full scale (issue 17): one region's worth of cameras is brought to the steady state the server
 * keeps — identity, state, last measurements, 7 days of status history, 72 h of (downsampled) measurements, school
 * history — through the real ingest path, and Redis's used_memory per camera is scaled to 250,000 cameras.
 * Baseline in the same run: the same cameras with the bounds before (history 500 entries and measurement streams of
 * 1,000 entries per camera, school history 10,000), written directly.
 * Env: BENCH_MEM_CAMERAS (5,000).
 */
import { Redis } from 'ioredis';
import type { AgentMessage } from '../protocol/src/index.ts';
import { generateRegistry } from '../scripts/gen-registry.ts';
import { Keys } from '../server/src/repositories/redis.ts';
import { RegistryRepository } from '../server/src/repositories/registry.ts';
import { IngestService } from '../server/src/services/ingest.ts';
import { startRedis } from '../test/helpers.ts';
import { identity as fleetIdentity } from './fleet.ts';
import { machine } from './proc.ts';
import { writeSection } from './results.ts';

const CAMERAS = Number(process.env.BENCH_MEM_CAMERAS ?? 5000);
const PER_SCHOOL = 33;
const FULL = 250_000;
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
const HOUR = 3_600_000;
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

const identity = (cameraId: string, i: number) => fleetIdentity(cameraId, i, iso(now - 7 * 24 * HOUR));

async function steadyState(redis: Redis, keys: Keys): Promise<void> {
  const registry = new RegistryRepository(redis, keys);
  // the generator spreads schools over the regions by weight (rounding): ask for enough, use as many as needed
  const reg = generateRegistry(Math.max(300, Math.ceil(CAMERAS / PER_SCHOOL) + 50));
  reg.schools = reg.schools.slice(0, Math.ceil(CAMERAS / PER_SCHOOL));
  await registry.import(reg);
  const ingest = new IngestService(redis, keys);
  let seq = 0;
  for (const [si, school] of reg.schools.entries()) {
    const agentId = school.agents[0]!;
    const place = { agentId, schoolId: school.id, districtId: school.districtId, regionCode: school.regionCode };
    const cams = Array.from({ length: PER_SCHOOL }, (_, k) => si * PER_SCHOOL + k).filter((i) => i < CAMERAS);
    const msg = (at: number, m: object) => ({ v: 1, agentId, at: iso(at), ...m }) as AgentMessage;
    const batch: AgentMessage[] = [];
    for (const i of cams) {
      const id = `cam-${i.toString(16).padStart(16, '0')}`;
      batch.push(msg(now - 7 * 24 * HOUR, { type: 'camera', camera: identity(id, i) }));
    }
    await ingest.ingest(place, ++seq, batch);
    // 7 days: a status change every ~8 h per camera (flaps, deep-check findings), in time order
    for (let t = now - 7 * 24 * HOUR; t < now; t += 8 * HOUR) {
      const b = cams.map((i) => {
        const id = `cam-${i.toString(16).padStart(16, '0')}`;
        const bad = ((t / (8 * HOUR)) | 0) % 2 === 1;
        const at = t + (i % 600) * 1000;
        return msg(at, {
          type: 'state',
          state: {
            cameraId: id,
            at: iso(at),
            status: bad ? 'degraded' : 'online',
            reasons: bad ? ['clock_drift'] : [],
            since: iso(at),
            width: 1920,
            height: 1080,
            fps: 15,
            retainedDays: 30,
            clockDriftSeconds: 0.4,
          },
        });
      });
      await ingest.ingest(place, ++seq, b);
    }
    // 72 h of measurements at the agents' default rates (stream 15 min, clock 5 min, retention 1 h); the server keeps
    // what its downsampling and time bound keep
    const perBatch: AgentMessage[] = [];
    for (let step = 0; step < 72 * 12; step++)
      for (const i of cams) {
        const t = now - 72 * HOUR + step * 5 * 60_000;
        const id = `cam-${i.toString(16).padStart(16, '0')}`;
        const at = t + (i % 300) * 1000;
        perBatch.push(msg(at, { type: 'clock', reading: { cameraId: id, at: iso(at), driftSeconds: 0.4 } }));
        if (step % 3 === 0)
          perBatch.push(
            msg(at, {
              type: 'stream',
              measurement: {
                cameraId: id,
                at: iso(at),
                profileToken: 'main',
                codec: 'h264',
                profile: 'Main',
                width: 1920,
                height: 1080,
                fps: 15,
                bitrateKbps: 4000,
                configured: { width: 1920, height: 1080, fps: 15 },
                picture: { analysedSeconds: 4, blackSeconds: 0, frozenSeconds: 0, black: false, frozen: false },
                durationMs: 5200,
              },
            }),
          );
        if (step % 12 === 0)
          perBatch.push(
            msg(at, {
              type: 'retention',
              report: {
                state: 'known',
                cameraId: id,
                at: iso(at),
                source: 'camera',
                recordingToken: 'rec1',
                oldest: iso(at - 30 * 24 * HOUR),
                newest: iso(at),
                retainedDays: 30,
                gaps: [{ start: iso(at - 40 * HOUR), end: iso(at - 39 * HOUR), seconds: 3600 }],
                gapWindowDays: 31,
              },
            }),
          );
        if (perBatch.length >= 900) await ingest.ingest(place, ++seq, perBatch.splice(0));
      }
    if (perBatch.length) await ingest.ingest(place, ++seq, perBatch.splice(0));
    if (si % 20 === 0) log(`${Math.min(CAMERAS, (si + 1) * PER_SCHOOL)} cameras at steady state`);
  }
}

/** The bounds before this change, written directly: hist 500/camera (10,000/school), measurements 1,000/camera. */
async function baseline(redis: Redis, keys: Keys): Promise<void> {
  for (let i = 0; i < CAMERAS; i++) {
    const id = `cam-${i.toString(16).padStart(16, '0')}`;
    const school = `S${Math.floor(i / PER_SCHOOL)}`;
    const p = redis.pipeline();
    p.hset(keys.cam(id), { identity: JSON.stringify(identity(id, i)), schoolId: school, status: 'online' });
    for (let k = 0; k < 500; k++)
      p.xadd(keys.histCam(id), '*', 'at', iso(now - k * 60_000), 'status', 'online', 'reasons', '');
    for (let k = 0; k < 1000; k++)
      p.xadd(keys.measurements(id), '*', 'at', iso(now - k * 60_000), 'kind', 'clock', 'driftSeconds', 0.4);
    if (i % PER_SCHOOL === 0)
      for (let k = 0; k < 10_000; k++)
        p.xadd(keys.histSchool(school), '*', 'at', iso(now - k * 60_000), 'status', 'online', 'reasons', '', 'cam', id);
    await p.exec();
  }
}

async function usedMb(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)![1]) / 1e6;
}

const r = await startRedis();
const redis = new Redis(r.url, { maxRetriesPerRequest: null });
try {
  const empty = await usedMb(redis);
  const t0 = Date.now();
  await steadyState(redis, new Keys('mem:'));
  const ours = (await usedMb(redis)) - empty;
  log(`steady state: ${ours.toFixed(0)} MB for ${CAMERAS} cameras in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (process.env.BENCH_MEM_DETAIL) {
    const k = new Keys('mem:');
    const id = 'cam-0000000000000005';
    const school = (await redis.hget(k.cam(id), 'schoolId')) ?? '';
    for (const key of [k.cam(id), k.camDocs(id), k.histCam(id), k.measurements(id), k.histSchool(school)])
      log(`${key}: ${await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')} bytes, ${await redis.type(key)}`);
    log(`measurements: ${await redis.llen(k.measurements(id))}, history ${await redis.llen(k.histCam(id))}`);
    const all = await redis.keys('mem:*');
    log(`keys: ${all.length}`);
  }
  await redis.flushall();
  const empty2 = await usedMb(redis);
  await baseline(redis, new Keys('base:'));
  const before = (await usedMb(redis)) - empty2;
  const per = (mb: number) => (mb * 1e6) / CAMERAS / 1000;
  const full = (mb: number) => (mb * FULL) / CAMERAS / 1000;
  writeSection(
    'Redis memory at full scale: 250,000 cameras (issue 17)',
    [
      `Run ${new Date().toISOString()} on ${machine()}; redis-server ${(await redis.info('server')).match(/redis_version:(\S+)/)?.[1]}.`,
      `${CAMERAS.toLocaleString('en')} cameras (${PER_SCHOOL} per school) brought to the steady state through the real ingest path:`,
      'identity, state, last measurements, a status change every 8 h for 7 days, 72 h of measurements at the agents',
      "default rates (the server keeps a steady value every 3 h, and every change), the schools' history. used_memory",
      'after minus before, scaled linearly to 250,000 cameras.',
      '',
      '| layout | per camera | 250,000 cameras |',
      '| --- | --- | --- |',
      `| now (history 200 / 7 days, measurements 72 h downsampled, school history 1,000 / 7 days; compact lists) | ${per(ours).toFixed(1)} KB | ${full(ours).toFixed(2)} GB |`,
      `| baseline: the bounds before (history 500, measurements 1,000, school history 10,000), identity only | ${per(before).toFixed(1)} KB | ${full(before).toFixed(2)} GB |`,
      '',
      `Target: under 4 GB for 250,000 cameras: ${full(ours) < 4 ? 'met' : 'not met'}.`,
    ].join('\n'),
  );
  log(
    `now ${per(ours).toFixed(1)} KB/camera → ${full(ours).toFixed(2)} GB; before ${per(before).toFixed(1)} KB/camera`,
  );
} finally {
  redis.disconnect();
  await r.stop();
}
