/**
 * Server benchmark (issue 4): 7,500 protocol-level agents (no cameras) with 250,000 cameras reporting every 10 s,
 * against one server process and one redis-server. Measures the server's CPU at the nominal load, ack lag
 * (backlog), live-push latency to a subscribed dashboard client, then raises the rate until it breaks.
 * Baseline in the same run: raw pipelined Redis hash writes from Node. Env: BENCH_AGENTS, BENCH_CAMERAS, BENCH_STEP_S.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { generateRegistry } from '../scripts/gen-registry.ts';
import { AgentRepository } from '../server/src/repositories/agents.ts';
import { Keys } from '../server/src/repositories/redis.ts';
import { freePortRange, ROOT, startRedis } from '../test/helpers.ts';
import { cpuSeconds, machine, percentile } from './proc.ts';
import { writeSection } from './results.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 7500);
const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 250_000);
const STEP_S = Number(process.env.BENCH_STEP_S ?? 30);
const PERIOD_MS = 10_000;
const log = (s: string) => process.stderr.write(`[server-bench] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

async function baseline(url: string): Promise<number> {
  const r = new Redis(url);
  const n = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i += 1000) {
    const p = r.pipeline();
    for (let j = i; j < i + 1000; j++)
      p.hset(`base:cam:${j}`, {
        lastCheck: '2026-11-23T00:00:00.000Z',
        'tier:reachability': '2026-11-23T00:00:00.000Z',
      });
    await p.exec();
  }
  const rate = n / ((performance.now() - t0) / 1000);
  await r.flushall();
  r.disconnect();
  return rate;
}

const AT = '2000-01-01T00:00:00.000Z'; // placeholder replaced by the send time

interface Sim {
  healthJson?: string;
  agentId: string;
  ws: WebSocket;
  seq: number;
  cams: string[];
  sent: Map<number, number>;
}

async function main() {
  const redis = await startRedis();
  children.push(redis.proc);
  const base = await baseline(redis.url);
  log(`baseline: ${Math.round(base)} pipelined HSET/s from one ioredis connection`);

  const registry = generateRegistry(AGENTS);
  const regFile = join(ROOT, 'var/bench-registry.json');
  writeFileSync(regFile, JSON.stringify(registry));
  const port = await freePortRange(1);
  const prefix = 'bench:';
  // BENCH_PROFILE=dir: run the server under the V8 profiler (same flags as server/bin/kuzet-server)
  const prof = process.env.BENCH_PROFILE;
  const server = spawn(
    prof ? 'node' : join(ROOT, 'server/bin/kuzet-server'),
    prof
      ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, '--max-semi-space-size=128', '--import', 'tsx', 'server/src/main.ts']
      : [],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        KUZET_PORT: String(port),
        KUZET_REDIS_URL: redis.url,
        KUZET_PREFIX: prefix,
        KUZET_REGISTRY: regFile,
        KUZET_ADMIN_PASSWORD: 'bench-admin-pw',
        KUZET_LOG_LEVEL: 'warn',
        KUZET_LINK_DOWN_SECONDS: '120',
      },
    },
  );
  children.push(server);
  await new Promise<void>((resolve) => server.stdout!.on('data', (d) => String(d).includes('"ready"') && resolve()));
  log(`server pid ${server.pid} on ${port}`);

  // enrol every agent directly through the repository (what POST /enrol does)
  const r = new Redis(redis.url);
  const agentsRepo = new AgentRepository(r, new Keys(prefix));
  const schools = registry.schools.slice(0, AGENTS);
  const sims: Sim[] = [];
  const perAgent = Math.round(CAMERAS / schools.length);
  let camNo = 0;
  for (const s of schools) {
    const agentId = s.agents[0]!;
    const { code } = await agentsRepo.createEnrolmentCode(agentId, s.id);
    const { token } = (await agentsRepo.enrol(code))!;
    const n = Math.floor(CAMERAS / schools.length) + (sims.length < CAMERAS % schools.length ? 1 : 0);
    const cams = Array.from({ length: n }, () => `cam-${(camNo++).toString(16).padStart(16, '0')}`);
    sims.push({ agentId, ws: undefined as unknown as WebSocket, seq: 0, cams, sent: new Map() });
    (sims.at(-1) as Sim & { token: string }).token = token;
  }
  log(`${sims.length} agents enrolled, ${camNo} cameras`);

  const ackLag: number[] = [];
  const errors = new Map<string, number>();
  for (const [i, sim] of sims.entries()) {
    sim.ws = new WebSocket(`ws://127.0.0.1:${port}/agent/link`, {
      headers: { authorization: `Bearer ${(sim as Sim & { token: string }).token}` },
    });
    sim.ws.on('message', (d) => {
      const f = JSON.parse(String(d));
      if (f.type === 'error') errors.set(f.code, (errors.get(f.code) ?? 0) + 1);
      if (f.type === 'ack') {
        const t = sim.sent.get(f.seq);
        if (t !== undefined) {
          ackLag.push(performance.now() - t);
          sim.sent.delete(f.seq);
        }
      }
    });
    await new Promise((res) => sim.ws.once('open', res));
    sim.ws.send(JSON.stringify({ type: 'hello', v: 1, agentId: sim.agentId, lastSeq: 0 }));
    if (i % 500 === 499) log(`${i + 1} agents connected`);
  }
  const send = (sim: Sim, messages: object[]) => {
    sim.seq++;
    sim.sent.set(sim.seq, performance.now());
    sim.ws.send(JSON.stringify({ type: 'batch', seq: sim.seq, messages }));
  };
  // first: identities and states of every camera
  for (const sim of sims) {
    const at = new Date().toISOString();
    send(
      sim,
      sim.cams.map((c) => ({
        v: 1,
        agentId: sim.agentId,
        at,
        type: 'state',
        state: { cameraId: c, at, status: 'online', reasons: [], since: at },
      })),
    );
  }
  await sleep(5000);

  // a dashboard client subscribed to the whole country
  // it runs in its own process: the generator's busy event loop must not delay what a dashboard receives
  const pushLatency: number[] = [];
  const subscriber = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'bench/live-subscriber.ts'),
      `http://127.0.0.1:${port}`,
      'admin',
      'bench-admin-pw',
      'black_picture',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(subscriber);
  let subscribed = false;
  let buf = '';
  subscriber.stdout!.on('data', (d: Buffer) => {
    buf += String(d);
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines)
      if (l === 'ready') subscribed = true;
      else if (l) pushLatency.push(Number(l));
  });
  for (let i = 0; i < 300 && !subscribed; i++) await sleep(100);
  if (!subscribed) throw new Error('the live subscriber did not get its snapshot');
  await sleep(2000);

  /** runs the load at `factor` × nominal for STEP_S seconds; returns what was achieved */
  async function step(factor: number, withChanges: boolean) {
    const periodMs = PERIOD_MS / factor;
    let stop = false;
    let offered = 0;
    ackLag.length = 0;
    let due = 0;
    let cursor = 0;
    let last = performance.now();
    const firstTick = last;
    const ticker = setInterval(() => {
      // every ~50 ms the agents whose turn it is report (by elapsed time, timers drift): spread like real agents
      const at = new Date().toISOString();
      const now = performance.now();
      due += ((now - last) / periodMs) * sims.length;
      last = now;
      for (; due > 0 && !stop; due--) {
        const sim = sims[cursor++ % sims.length]!;
        // the generator is not what is measured: its health batches are pre-serialised, only time and seq change
        sim.healthJson ??= JSON.stringify(
          sim.cams.map((c) => ({
            v: 1,
            agentId: sim.agentId,
            at: AT,
            type: 'health',
            sample: { cameraId: c, at: AT, tier: 'reachability', ok: true, reasons: [], latencyMs: 3 },
          })),
        );
        sim.seq++;
        sim.sent.set(sim.seq, performance.now());
        sim.ws.send(`{"type":"batch","seq":${sim.seq},"messages":${sim.healthJson.replaceAll(AT, at)}}`);
        offered += sim.cams.length;
      }
    }, 50);
    let flip = false;
    const changer = withChanges
      ? setInterval(() => {
          const sim = sims[Math.floor(Math.random() * sims.length)]!;
          const at = new Date().toISOString();
          flip = !flip;
          send(sim, [
            {
              v: 1,
              agentId: sim.agentId,
              at,
              type: 'state',
              state: {
                cameraId: sim.cams[0]!,
                at,
                status: flip ? 'degraded' : 'online',
                reasons: flip ? ['black_picture'] : [],
                since: at,
              },
            },
          ]);
        }, 100)
      : undefined;
    const c0 = cpuSeconds(server.pid!);
    const t0 = performance.now();
    await sleep(STEP_S * 1000);
    stop = true;
    clearInterval(ticker);
    if (changer) clearInterval(changer);
    const elapsed = (performance.now() - t0) / 1000;
    // offered rate over the span the ticks covered (the ticks add exactly elapsed/period × agents)
    const offeredSpan = (last - firstTick) / 1000;
    const c1 = cpuSeconds(server.pid!);
    const inFlight = sims.reduce((a, s) => a + s.sent.size, 0);
    await sleep(3000); // let the tail drain
    const backlogAfter = sims.reduce((a, s) => a + s.sent.size, 0);
    return {
      factor,
      offeredPerS: offered / offeredSpan,
      cpu: (c1.self - c0.self) / elapsed,
      ackP50: percentile(ackLag, 50),
      ackP99: percentile(ackLag, 99),
      inFlightAtEnd: inFlight,
      backlogAfter,
    };
  }

  // the cost of merely holding every agent's link open (heartbeats, timers), for reference
  const i0 = cpuSeconds(server.pid!);
  await sleep(10_000);
  const idleCpu = (cpuSeconds(server.pid!).self - i0.self) / 10;
  log(`idle with ${sims.length} links open: ${idleCpu.toFixed(3)} cores`);
  const results = [];
  log('nominal load (with live changes for the push-latency figure)');
  results.push(await step(1, true));
  log(JSON.stringify(results.at(-1)));
  const push = [...pushLatency];
  for (const f of [2, 3, 4, 6, 8, 16].filter((x) => x <= Number(process.env.BENCH_MAX_FACTOR ?? 16))) {
    const r2 = await step(f, false);
    results.push(r2);
    log(JSON.stringify(r2));
    if (r2.ackP99 > 2000 || r2.backlogAfter > sims.length) break;
  }
  subscriber.kill('SIGTERM');
  for (const s of sims) s.ws.terminate();
  server.kill('SIGTERM');
  await Promise.race([new Promise((r) => server.once('exit', r)), sleep(10_000)]);
  await redis.stop();

  const nominal = results[0]!;
  const sustained = results.filter((x) => x.ackP99 < 2000 && x.backlogAfter <= sims.length);
  const ceiling = sustained.at(-1)!;
  const ok = (b: boolean) => (b ? 'met' : '**not met**');
  const f0 = (n: number) => Math.round(n).toLocaleString('en');
  const lines = [
    `Run ${new Date().toISOString()} on ${machine()}; redis-server ${'7.0'} on the same machine; the load generator (one Node process, ${sims.length} websocket clients) shares the two cores with the server and Redis.`,
    '',
    `Load: ${sims.length} agents × ${perAgent} cameras = ${f0(camNo)} cameras; each agent sends one batch of health samples (one per camera) every ${PERIOD_MS / 1000} s ÷ factor, spread over the period; each batch is acknowledged after it is stored (one pipeline per batch: a script call writing every camera's last check, roll-ups by script on state changes, the sequence number last).`,
    '',
    '| factor | offered samples/s | server CPU (cores) | ack p50 / p99 (ms) | unacked after +3 s |',
    '|---|---|---|---|---|',
    ...results.map(
      (x) =>
        `| ${x.factor}× | ${f0(x.offeredPerS)} | ${x.cpu.toFixed(2)} | ${x.ackP50.toFixed(0)} / ${x.ackP99.toFixed(0)} | ${x.backlogAfter} |`,
    ),
    '',
    '| figure | measured | target | |',
    '|---|---|---|---|',
    `| ingest at nominal load without backlog | ${f0(nominal.offeredPerS)} samples/s, ack p99 ${nominal.ackP99.toFixed(0)} ms | ≥ 25,000/s | ${ok(nominal.offeredPerS >= 25_000 && nominal.ackP99 < 2000)} |`,
    `| server CPU at nominal load | ${nominal.cpu.toFixed(2)} cores | < 0.5 core | ${ok(nominal.cpu < 0.5)} |`,
    `| agent → dashboard push latency, p50 / p99 (${push.length} changes) | ${percentile(push, 50).toFixed(0)} / ${percentile(push, 99).toFixed(0)} ms | p99 < 250 ms | ${ok(percentile(push, 99) < 250)} |`,
    `| ceiling (highest step with ack p99 < 2 s and no backlog) | ${f0(ceiling.offeredPerS)} samples/s | goal ≥ 100,000/s | ${ok(ceiling.offeredPerS >= 100_000)} |`,
    `| server CPU with all ${sims.length} links open and no traffic | ${idleCpu.toFixed(2)} cores | | |`,
    `| baseline: raw pipelined HSET from Node (same Redis) | ${f0(base)} /s | | |`,
    `| ratio ceiling / baseline | ${(ceiling.offeredPerS / base).toFixed(2)} | goal ≥ 0.5 | ${ok(ceiling.offeredPerS / base >= 0.5)} |`,
  ];
  writeSection('Server: 7,500 agents / 250,000 cameras (issue 4)', lines.join('\n'));
  log(`error frames: ${JSON.stringify(Object.fromEntries(errors))}`);
  log('written to bench/RESULTS.md');
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
