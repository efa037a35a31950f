import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { identity } from '../bench/fleet.ts';
import { defineCameraOps, queueCameraOps } from './src/repositories/camera-ops.ts';
import { Keys } from './src/repositories/redis.ts';
import { decodeAgentFrame } from './src/services/frame-decode.ts';

const port = 46000 + Math.floor(Math.random() * 1000);
const rp = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 300));
const redis = new Redis({ port });
defineCameraOps(redis);
const keys = new Keys('b:');
const at = new Date().toISOString();
const N = Number(process.env.N ?? 2000);
const batches = [];
for (let s = 0; s < N; s++) {
  const agentId = s.toString(16).padStart(32, '0');
  const cams = Array.from({ length: 33 }, (_, i) => `cam-${(s * 33 + i).toString(16).padStart(16, '0')}`);
  const m = (x: object) => ({ v: 1, agentId, at, ...x });
  const text = JSON.stringify({
    v: 1,
    type: 'batch',
    seq: 5,
    messages: cams.flatMap((c, i) => [
      m({ type: 'camera', camera: identity(c, s * 33 + i, at) }),
      m({ type: 'state', state: { cameraId: c, at, status: 'online', reasons: [], since: at, lastSeen: at } }),
    ]),
  });
  const d = decodeAgentFrame(text, agentId);
  if (!('cameras' in d)) throw new Error('not packed');
  batches.push({
    place: { schoolId: `s${s}`, districtId: `d${s % 200}`, regionCode: `r${s % 20}`, agentId },
    ops: d.cameras.ops,
  });
}
const cpu = async () => {
  const i = String(await redis.info('cpu'));
  const g = (k: string) => Number(i.match(new RegExp(`${k}:([\\d.]+)`))![1]);
  return g('used_cpu_user') + g('used_cpu_sys');
};
for (const round of ['empty', 'known']) {
  await redis.config('RESETSTAT');
  const c0 = await cpu();
  const t0 = performance.now();
  await Promise.all(
    batches.map(async (b) => {
      const m = redis.multi();
      queueCameraOps(m, keys, b.place, at, b.ops);
      const r = await m.exec();
      if (r![0]![0]) throw r![0]![0];
    }),
  );
  const c = (await cpu()) - c0;
  console.log(
    round,
    'redis cpu',
    c.toFixed(2),
    's for',
    N * 33,
    'cameras →',
    ((c / (N * 33)) * 250000).toFixed(1),
    's per 250k; wall',
    ((performance.now() - t0) / 1000).toFixed(2),
  );
  if (process.env.V)
    console.log(
      String(await redis.info('commandstats'))
        .split('\n')
        .filter((l) => l.startsWith('cmdstat'))
        .map((l) => l.replace(/,rejected.*/, ''))
        .join('\n'),
    );
}
console.log(
  'used_memory',
  String(await redis.info('memory')).match(/used_memory_human:(\S+)/)![1],
  'keys',
  await redis.dbsize(),
);
redis.disconnect();
rp.kill();
