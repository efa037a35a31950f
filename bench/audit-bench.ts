/**
 * The audit log at its cap (100,000 entries): how long a filtered read holds the server's event loop, read on the
 * event loop itself (the baseline: how it was) and in the audit thread (how the server reads it now). A filter
 * that matches nothing reads the whole stream; the longest gap between ticks of a 1 ms timer during the read is
 * how long every agent's acknowledgement would have waited.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import pino from 'pino';
import { AUDIT_MAXLEN, AuditRepository } from '../server/src/repositories/audit.ts';
import { AuditArchiveRepository } from '../server/src/repositories/audit-archive.ts';
import { objectStoreFor } from '../server/src/repositories/object-store.ts';
import { Keys } from '../server/src/repositories/redis.ts';
import { dayOf } from '../server/src/services/archive-day.ts';
import { AuditArchiveService } from '../server/src/services/audit-archive.ts';
import { ThreadRpc } from '../server/src/threads/rpc.ts';
import { startRedis } from '../test/helpers.ts';
import { log } from './fleet.ts';
import { machine } from './proc.ts';
import { writeSection } from './results.ts';

const RUNS = 5;
const rs = await startRedis();
const objects = mkdtempSync(join(tmpdir(), 'audit-bench-'));
const redis = new Redis(rs.url);
const keys = new Keys('bench:');
const audit = new AuditRepository(redis, keys);
const thread = new ThreadRpc(new URL('../server/src/threads/audit-thread.ts', import.meta.url), 'audit thread', {
  redisUrl: rs.url,
  prefix: 'bench:',
  store: { dir: objects },
});

/** one read's time and the event loop's longest stall during it (ms) */
async function measure(read: () => Promise<unknown>): Promise<{ ms: number; stall: number; busy: number }> {
  const elu0 = performance.eventLoopUtilization();
  let last = performance.now();
  let stall = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 1);
  const t0 = performance.now();
  await read();
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(tick);
  const busy = performance.eventLoopUtilization(elu0).active;
  return { ms, stall: Math.max(stall, performance.now() - last), busy };
}

try {
  // what a busy day leaves: picture views of many cameras by many users
  for (let i = 0; i < AUDIT_MAXLEN; i += 1000)
    await Promise.all(
      Array.from({ length: 1000 }, (_, j) =>
        audit.record({
          username: `operator-${(i + j) % 300}`,
          role: 'operator',
          action: 'snapshot_view',
          cameraId: `cam-${((i + j) % 20_000).toString(16).padStart(16, '0')}`,
          schoolId: `KZ-75-01-${String((i + j) % 600).padStart(4, '0')}`,
          ip: '10.1.2.3',
        }),
      ),
    );
  log(`${await redis.xlen(keys.audit())} audit entries`);
  const q = { limit: 100, cameraId: 'cam-ffffffffffffffff' };
  await thread.call({ kind: 'read', q }); // the thread started and its connection up, as after the first query
  type M = { ms: number; stall: number; busy: number };
  const local: M[] = [];
  const off: M[] = [];
  for (let i = 0; i < RUNS; i++) {
    local.push(await measure(() => audit.read(q)));
    off.push(await measure(() => thread.call({ kind: 'read', q })));
  }
  // the same entries copied to the archive (the object store on this disk) as one day, then that day read
  const archive = new AuditArchiveService(
    new AuditArchiveRepository(redis, keys, objectStoreFor({ dir: objects })),
    audit,
    {
      timeZone: 'Asia/Almaty',
      retentionDays: 365,
      log: pino({ level: 'silent' }),
    },
  );
  const t0 = performance.now();
  const copied = await archive.ship();
  const copyS = (performance.now() - t0) / 1000;
  const day = dayOf(Date.now(), 'Asia/Almaty');
  const dayRuns: M[] = [];
  for (let i = 0; i < RUNS; i++)
    dayRuns.push(await measure(() => thread.call({ kind: 'read', q: { ...q, days: [day] } })));
  const f = (xs: M[], k: keyof M) =>
    `${Math.max(...xs.map((x) => x[k])).toFixed(0)} ms (${xs.map((x) => x[k].toFixed(0)).join(', ')})`;
  writeSection(
    'Audit log: a filtered read at the cap, and a day of its archive (issue 17)',
    [
      `Run ${new Date().toISOString()} on ${machine()}; a redis-server of its own.`,
      `${AUDIT_MAXLEN.toLocaleString('en')} entries (picture views of 20,000 cameras by 300 users); the filter names a camera with no entry, so the whole stream is read (\`GET /audit?cameraId=…\`). ${RUNS} runs of each, alternately; the event loop's stall is the longest gap between ticks of a 1 ms timer during the read.`,
      '',
      '| figure | measured (max; each run) |',
      '| --- | --- |',
      `| a filtered audit log read in the audit thread: the event loop busy | ${f(off, 'busy')} |`,
      `| its longest stall | ${f(off, 'stall')} |`,
      `| the same read's time | ${f(off, 'ms')} |`,
      `| baseline: the same read on the event loop (as before): the event loop busy | ${f(local, 'busy')} |`,
      `| its longest stall | ${f(local, 'stall')} |`,
      `| baseline: its time | ${f(local, 'ms')} |`,
      `| the same filter over the same entries as a day of the archive (\`&from=\`), in the thread: its time | ${f(dayRuns, 'ms')} |`,
      `| the event loop busy meanwhile | ${f(dayRuns, 'busy')} |`,
      `| copying the ${copied.copied.toLocaleString('en')} entries to the archive (a backlog of the whole stream; each minute copies only what is new) | ${copyS.toFixed(1)} s |`,
    ].join('\n'),
  );
} finally {
  await thread.close();
  redis.disconnect();
  await rs.stop();
  rmSync(objects, { recursive: true, force: true });
}
process.exit(0);
