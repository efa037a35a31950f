/**
 * Full resync of 250,000 cameras (issue 17): what an agent sends when the centre asks — its store came back empty,
 * or its record of the agent is incomplete (link marked down) — is each camera's identity and state
 * (agents/src/agent.ts `resync`). Cases, each with every one of 7,500 agents at once:
 *  - into an empty store (Redis lost, or the first start): every camera is new, every state a change;
 *  - into a store that already holds them (every agent asked at once): nothing changed;
 *  - a server restart: agents reconnect and resend only what their welcome asks for.
 * Measured from the first send to the last acknowledgement, with the server's and Redis's CPU; then how long until
 * the compliance verdicts of every school are stored (the server's CPU back under 0.2 core).
 * Baseline in the same run: raw pipelined HSET of the same number of camera hashes from one ioredis connection.
 * Env: BENCH_AGENTS (7,500), BENCH_CAMERAS (250,000), BENCH_EMPTY_ONLY (only the first case, nothing written),
 * BENCH_VERBOSE (Redis's costliest commands, the CPU of each server thread and of the agents' generator).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { identity, log, pipelinedHsetSeconds, type Sim, sleep, startFleet } from './fleet.ts';
import { childrenCpu, cpuSeconds, machine, machineCpu, threadCpu } from './proc.ts';
import { writeSection } from './results.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 7500);
const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 250_000);
const TARGET_S = 10;
/** when the agents identified their cameras: an identity does not change from one resync to the next */
const IDENTIFIED_AT = new Date(Date.now() - 86_400_000).toISOString();

/**
 * Redis persists as in production and the demo: AOF, fsync every second (its own temporary directory). With
 * BENCH_NO_AOF=1 no persistence, as in the runs before 2026-12-04 (for comparisons).
 */
const AOF = !process.env.BENCH_NO_AOF;
const aofDir = mkdtempSync(join(tmpdir(), 'kuzet-resync-aof-'));
const fleet = await startFleet({
  agents: AGENTS,
  cameras: CAMERAS,
  ...(AOF ? { redisArgs: ['--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', aofDir] } : {}),
});
const { sims, send, redis } = fleet;

/** the messages one agent's resync sends: each camera's identity, then its state */
function resyncOf(sim: Sim, base: number, at: string): object[] {
  const m = (x: object) => ({ v: 1, agentId: sim.agentId, at, ...x });
  return sim.cams.flatMap((c, i) => [
    m({ type: 'camera', camera: identity(c, base + i, IDENTIFIED_AT) }),
    m({ type: 'state', state: { cameraId: c, at, status: 'online', reasons: [], since: at, lastSeen: at } }),
  ]);
}

/** where each agent's cameras start in the fleet's numbering (the same identities in every resync) */
const BASES = new Map<Sim, number>();
{
  let n = 0;
  for (const sim of sims) {
    BASES.set(sim, n);
    n += sim.cams.length;
  }
}

/** every agent resyncs at once; resolves when the last batch is acknowledged */
async function resync(label: string) {
  const at = new Date().toISOString();
  // built and serialised before the clock starts: the agents' own work (on 7,500 machines in the field) is not measured
  const batches = sims.map((sim) => JSON.stringify(resyncOf(sim, BASES.get(sim)!, at)));
  const stats = new Redis(redis.url);
  await stats.config('RESETSTAT');
  const c0 = cpuSeconds(fleet.server.pid!).self;
  const r0 = { self: cpuSeconds(redis.proc.pid!).self, children: childrenCpu(redis.proc.pid!) };
  const m0 = machineCpu().busy;
  const g0 = cpuSeconds(process.pid).self;
  const th0 = threadCpu(fleet.server.pid!);
  const t0 = performance.now();
  for (const [i, sim] of sims.entries()) send(sim, batches[i]!);
  while (fleet.unacked() > 0 && performance.now() - t0 < 300_000) await sleep(20);
  const s = (performance.now() - t0) / 1000;
  // Redis's commands up to the last acknowledgement (BENCH_VERBOSE=1; what follows is the compliance verdicts' work)
  const inWindow = process.env.BENCH_VERBOSE ? String(await stats.info('commandstats')) : '';
  const serverCpu = cpuSeconds(fleet.server.pid!).self - c0;
  const r1 = { self: cpuSeconds(redis.proc.pid!).self, children: childrenCpu(redis.proc.pid!) };
  const redisCpu = r1.self - r0.self;
  // Redis's AOF rewrites run in forked children, not counted in its own CPU
  const rewriteCpu = r1.children - r0.children;
  const machineBusy = (machineCpu().busy - m0) / s;
  const generatorCpu = cpuSeconds(process.pid).self - g0;
  const threads = [...threadCpu(fleet.server.pid!)]
    .map(([t, c]) => [t, c - (th0.get(t) ?? 0)] as const)
    .filter(([, c]) => c >= 0.5)
    .sort((a, b) => b[1] - a[1]);
  // settled: the server's CPU under 0.2 core over a second (verdicts of every school judged and stored)
  let settled = s;
  for (let quiet = 0; quiet < 2 && performance.now() - t0 < 300_000; ) {
    const c = cpuSeconds(fleet.server.pid!).self;
    await sleep(1000);
    quiet = cpuSeconds(fleet.server.pid!).self - c < 0.2 ? quiet + 1 : 0;
    settled = (performance.now() - t0) / 1000 - quiet;
  }
  // where Redis's time went (BENCH_VERBOSE=1): the costliest commands and scripts
  if (process.env.BENCH_VERBOSE) {
    const rows = inWindow
      .split('\n')
      .flatMap((l) => {
        const m = /^cmdstat_(\w+):calls=(\d+),usec=(\d+)/.exec(l);
        return m ? [{ cmd: m[1]!, calls: Number(m[2]), s: Number(m[3]) / 1e6 }] : [];
      })
      .sort((a, b) => b.s - a.s)
      .slice(0, 12);
    for (const r of rows)
      log(`  redis ${r.cmd} (until the last acknowledgement): ${r.calls} calls, ${r.s.toFixed(2)} s`);
    log(`  the agents' generator (this process): ${generatorCpu.toFixed(1)} s CPU`);
    for (const [t, c] of threads) log(`  server thread ${t}: ${c.toFixed(1)} s CPU`);
  }
  stats.disconnect();
  log(
    `${label}: acknowledged in ${s.toFixed(1)} s (unacked ${fleet.unacked()}), server CPU ${serverCpu.toFixed(1)} s, ` +
      `Redis CPU ${redisCpu.toFixed(1)} s (its AOF rewrites ${rewriteCpu.toFixed(1)} s more), ` +
      `the machine busy ${machineBusy.toFixed(2)} of ${os.cpus().length} cores, settled after ${settled.toFixed(1)} s`,
  );
  return { s, serverCpu, redisCpu, rewriteCpu, machineBusy, settled, unacked: fleet.unacked() };
}

/**
 * A server restart as agents see it: the server stops (draining), starts again on the same Redis, every agent
 * reconnects at once and resends what its welcome asks for (agents/src/main.ts: a full resync only when the centre
 * says its record is incomplete). Measured from the new server's readiness to the last welcome and the last
 * acknowledgement of any resync asked for.
 */
async function restart() {
  const at = new Date().toISOString();
  const k0 = performance.now();
  const { readyAt } = await fleet.restartServer();
  let asked = 0;
  const pending = new Set(sims);
  while (pending.size && performance.now() - readyAt < 300_000) {
    for (const sim of pending) {
      if (!sim.welcome) continue;
      pending.delete(sim);
      if (sim.welcome.resync) {
        asked++;
        send(sim, JSON.stringify(resyncOf(sim, BASES.get(sim)!, at)));
      }
    }
    await sleep(10);
  }
  while (fleet.unacked() > 0 && performance.now() - readyAt < 300_000) await sleep(20);
  const lastWelcome = Math.max(...sims.map((x) => x.welcome?.at ?? Number.POSITIVE_INFINITY));
  const s = (Math.max(lastWelcome, performance.now()) - readyAt) / 1000;
  // since the new process started (its own start included): the hellos are handled while the agents still connect
  const serverCpu = cpuSeconds(fleet.server.pid!).self;
  log(
    `after a server restart: ${asked} of ${sims.length} agents asked for a resync; back in sync ${s.toFixed(1)} s after ` +
      `the new server was ready (stop + start ${((readyAt - k0) / 1000).toFixed(1)} s), server CPU ${serverCpu.toFixed(1)} s`,
  );
  return { s, asked, serverCpu, restartS: (readyAt - k0) / 1000, unwelcomed: pending.size };
}

try {
  const empty = await resync('into an empty store');
  // BENCH_EMPTY_ONLY=1: only this case, logged, RESULTS.md untouched (quick A/B comparisons of one change)
  if (process.env.BENCH_EMPTY_ONLY) {
    await fleet.stop();
    rmSync(aofDir, { recursive: true, force: true });
    process.exit(0);
  }
  await sleep(3000);
  const known = await resync('into a store that holds them');
  await sleep(3000);
  const restarted = await restart();
  const base = await pipelinedHsetSeconds(redis.url, fleet.camNo, {
    status: 'online',
    reasons: '',
    since: '2026-11-23T00:00:00.000Z',
    schoolId: 's',
  });
  log(`baseline: ${base.toFixed(1)} s for ${fleet.camNo} pipelined HSET`);
  const n = fleet.camNo.toLocaleString('en');
  const row = (what: string, r: Awaited<ReturnType<typeof resync>>) =>
    `| full resync of ${n} cameras ${what}: first send → last acknowledgement | ${r.s.toFixed(1)} s (${Math.round(fleet.camNo / r.s).toLocaleString('en')} cameras/s; server CPU ${r.serverCpu.toFixed(1)} s, Redis CPU ${r.redisCpu.toFixed(1)} s, its AOF rewrites ${r.rewriteCpu.toFixed(1)} s; the machine busy ${r.machineBusy.toFixed(2)} of ${os.cpus().length} cores${r.unacked ? `; ${r.unacked} unacknowledged` : ''}) | < ${TARGET_S} s | ${r.s < TARGET_S && !r.unacked ? 'met' : 'not met'} |`;
  writeSection(
    'Full resync (issue 17)',
    [
      `Run ${new Date().toISOString()} on ${machine()}; redis-server on the same machine${AOF ? ', with AOF (appendfsync everysec) as in production' : ', without persistence'}; the ${sims.length.toLocaleString('en')} agents are one Node process sharing the two cores with the server and Redis.`,
      '',
      `Each agent sends what its resync sends (agents/src/agent.ts): every camera's identity and state, ${Math.round(fleet.camNo / sims.length)} cameras per agent, all agents at once.`,
      '',
      '| figure | measured | target | |',
      '|---|---|---|---|',
      row('after Redis came back empty (every camera new)', empty),
      `| full resync of ${n} cameras after a server restart: the new server ready → every agent welcomed and every resync it asked for acknowledged | ${restarted.s.toFixed(1)} s (${restarted.asked} of ${sims.length.toLocaleString('en')} agents asked for a resync: the centre held the rest; server CPU ${restarted.serverCpu.toFixed(1)} s from its start${restarted.unwelcomed ? `; ${restarted.unwelcomed} agents not welcomed` : ''}) | < ${TARGET_S} s | ${restarted.s < TARGET_S && !restarted.unwelcomed ? 'met' : 'not met'} |`,
      `| the restart itself: SIGTERM (links drained) → the new server ready | ${restarted.restartS.toFixed(1)} s | | |`,
      row(
        'asked by the centre of every agent at once, every camera known and unchanged (what a restart cost before)',
        known,
      ),
      `| the same into an empty store, until every school's compliance verdict is stored (server CPU < 0.2 core) | ${empty.settled.toFixed(1)} s | | |`,
      `| baseline: ${n} pipelined HSET of a camera hash from one ioredis connection (same Redis) | ${base.toFixed(1)} s | | |`,
    ].join('\n'),
  );
} finally {
  await fleet.stop();
  rmSync(aofDir, { recursive: true, force: true });
}
process.exit(0);
