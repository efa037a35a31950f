/**
 * The steady state with real agents' readings (issues 4, 13 and 17): the server bench's nominal load offers health
 * samples only, but a real agent also reads every camera's clock every 5 minutes (833 readings/s for 250,000
 * cameras) and sends every camera's state every minute (4,167 states/s). 7,500 agents / 250,000 cameras with their
 * facts stored (bench/facts.ts), then a minute of nominal health load alone (the baseline, same run), a minute of
 * the same load with the clock readings in it, and one with the states too. Per phase: server and Redis CPU, each server
 * thread's CPU, ack p50/p99. Writes its section of bench/RESULTS.md. Env: BENCH_AGENTS, BENCH_CAMERAS.
 */
import { storeFacts } from './facts.ts';
import { log, sleep, startFleet } from './fleet.ts';
import { cpuSeconds, machine, percentile, threadCpu } from './proc.ts';
import { writeSection } from './results.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 7500);
const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 250_000);
const PERIOD_MS = 10_000;
const WINDOW_MS = 60_000;
/**
 * a real agent's batches (`npm run bench -- agent-link` counts them): when it sent every message within 0.5 s, its
 * samples spread over the checks' intervals went in 1.24 batches/s (12 per 10 s); letting routine messages wait up to
 * 5 s, in 0.23 (2 per 10 s)
 */
const SLICES_BEFORE = Number(process.env.BENCH_SLICES_BEFORE ?? 12);
const SLICES_NOW = Number(process.env.BENCH_SLICES_NOW ?? 2);

const fleet = await startFleet({ agents: AGENTS, cameras: CAMERAS });
const { sims, ackLag, redis } = fleet;

interface Phase {
  label: string;
  samplesPerS: number;
  readingsPerS: number;
  statesPerS: number;
  batchesPerS: number;
  serverCores: number;
  redisCores: number;
  threads: string;
  p50: number;
  p99: number;
  unacked: number;
}

async function phase(
  label: string,
  o: { clockSeconds?: number; stateSeconds?: number; slices?: number } = {},
): Promise<Phase> {
  const stop = fleet.healthLoad(1, PERIOD_MS, o);
  await sleep(20_000); // warm-up: every agent has sent twice, the compliance marks are flowing
  ackLag.length = 0;
  const pid = fleet.server.pid!;
  const c0 = cpuSeconds(pid).self;
  const r0 = cpuSeconds(redis.proc.pid!).self;
  const th0 = threadCpu(pid);
  const t0 = performance.now();
  await sleep(WINDOW_MS);
  const s = (performance.now() - t0) / 1000;
  const serverCores = (cpuSeconds(pid).self - c0) / s;
  const redisCores = (cpuSeconds(redis.proc.pid!).self - r0) / s;
  const threads = [...threadCpu(pid)]
    .map(([t, c]) => [t.replace(/^\d+ /, ''), (c - (th0.get(t) ?? 0)) / s] as const)
    .filter(([, c]) => c >= 0.02)
    .sort((a, b) => b[1] - a[1])
    .map(([t, c]) => `${t} ${c.toFixed(2)}`)
    .join(', ');
  const lags = [...ackLag].sort((a, b) => a - b);
  const offered = stop();
  await sleep(3_000);
  const p: Phase = {
    label,
    samplesPerS: offered.offeredPerS,
    readingsPerS: offered.readingsPerS,
    statesPerS: offered.statesPerS,
    batchesPerS: offered.batchesPerS,
    serverCores,
    redisCores,
    threads,
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    unacked: fleet.unacked(),
  };
  log(JSON.stringify(p));
  // let the verdicts the phase asked for settle before the next
  await sleep(15_000);
  return p;
}

try {
  await storeFacts(fleet);
  await sleep(15_000); // the verdicts of the first load settle
  const base = await phase("health samples only (the server bench's nominal load)");
  const clock = await phase("the same with every camera's clock read every 5 min, as real agents do", {
    clockSeconds: 300,
  });
  const real = await phase("the same with every camera's state every minute too, as real agents send it", {
    clockSeconds: 300,
    stateSeconds: 60,
  });
  const small = await phase(
    `the same in batches as a real agent sent them before: each agent's cameras in ${SLICES_BEFORE} batches per 10 s (every message within 0.5 s)`,
    { clockSeconds: 300, stateSeconds: 60, slices: SLICES_BEFORE },
  );
  const batched = await phase(
    `the same in batches as a real agent sends them now: ${SLICES_NOW} per 10 s (routine messages wait up to 5 s)`,
    { clockSeconds: 300, stateSeconds: 60, slices: SLICES_NOW },
  );
  const n = (x: number) => Math.round(x).toLocaleString('en');
  const row = (p: Phase) =>
    `| ${p.label} | ${n(p.samplesPerS)} + ${n(p.readingsPerS)} + ${n(p.statesPerS)} | ${n(p.batchesPerS)} | ${p.serverCores.toFixed(2)} | ${p.redisCores.toFixed(2)} | ${p.p50.toFixed(0)} / ${p.p99.toFixed(0)} | ${p.unacked} | ${p.threads} |`;
  writeSection(
    "Steady state with real agents' clock readings and states (issues 4, 13 and 17)",
    [
      `Run ${new Date().toISOString()} on ${machine()}; redis-server, the server and the agent fleet (${sims.length.toLocaleString('en')} websocket clients) share the two cores.`,
      `${fleet.camNo.toLocaleString('en')} cameras with a state, a stream measurement, a retention report and a clock reading each (their verdicts stored first). Each phase: 20 s of warm-up, then a ${WINDOW_MS / 1000} s window; health batches every 10 s per agent; clock readings jitter by tenths of a second around 0.4 s (ONVIF's whole seconds and a round trip), as real cameras' do; a periodic state repeats the camera's status and last measured figures.`,
      '',
      '| load | health samples + clock readings + states offered /s | batches /s | server CPU (cores) | Redis CPU (cores) | ack p50 / p99 (ms) | unacked after the window +3 s | server threads (cores) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      row(base),
      row(clock),
      row(real),
      row(small),
      row(batched),
      '',
      'Targets of issue 4 at nominal load: server CPU < 0.5 core, ingest without backlog. Threads: MainThread is the event loop; the WorkerThreads are the frame decoder and the compliance thread; V8Worker are the collector.',
    ].join('\n'),
  );
} finally {
  await fleet.stop();
}
