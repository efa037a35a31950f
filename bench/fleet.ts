/**
 * A fleet of protocol-level agents (no cameras) against one real server process and one redis-server: what the
 * server and dashboard benchmarks drive. Agents are enrolled through the repository (what POST /enrol does),
 * connect over the real agent link and send real protocol batches.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { generateRegistry } from '../scripts/gen-registry.ts';
import { AgentRepository } from '../server/src/repositories/agents.ts';
import { Keys } from '../server/src/repositories/redis.ts';
import { freePortRange, ROOT, startRedis } from '../test/helpers.ts';

export const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const ADMIN_PW = 'bench-admin-pw';
const AT = '2000-01-01T00:00:00.000Z'; // placeholder replaced by the send time

export interface Sim {
  agentId: string;
  token: string;
  ws: WebSocket;
  seq: number;
  cams: string[];
  /** send time (performance.now) of each unacknowledged batch */
  sent: Map<number, number>;
  /** each camera's health sample, pre-serialised (its times a placeholder) */
  healthJson?: string[];
  /** which of its slices it sends next, and how many rounds it has sent (see healthLoad) */
  part?: number;
  round?: number;
  /** each camera's last clock drift sent (its periodic state repeats it, as a real agent's does) */
  drift?: number[];
  /** when it last sent anything (Date.now): like the real agent, only a quiet link pings */
  lastSent?: number;
  /** its last welcome: when (performance.now), and whether the centre asked for a full resync */
  welcome?: { at: number; resync: boolean };
}

const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export async function startFleet(o: {
  agents: number;
  cameras: number;
  env?: Record<string, string>;
  /** schools in the generated registry (default: one per agent) */
  registrySchools?: number;
  /** which schools get an agent (default: the first `agents`) */
  only?: (s: { regionCode: string }) => boolean;
  /** more arguments for redis-server (default: no persistence) */
  redisArgs?: string[];
}) {
  const redis = await startRedis(o.redisArgs);
  children.push(redis.proc);
  const registry = generateRegistry(o.registrySchools ?? o.agents);
  mkdirSync(join(ROOT, 'var'), { recursive: true }); // a fresh clone has none
  const regFile = join(ROOT, 'var/bench-registry.json');
  writeFileSync(regFile, JSON.stringify(registry));
  const port = await freePortRange(1);
  const prefix = 'bench:';
  // BENCH_PROFILE=dir: run the server under the V8 profiler (same flags as server/bin/kuzet-server)
  const prof = process.env.BENCH_PROFILE;
  const spawnServer = async () => {
    const p = spawn(
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
          KUZET_ADMIN_PASSWORD: ADMIN_PW,
          KUZET_LOG_LEVEL: 'warn',
          KUZET_LINK_DOWN_SECONDS: '120',
          ...o.env,
        },
      },
    );
    children.push(p);
    // its log (stdout) is read until it says it is ready; one that exits before says why
    let out = '';
    await new Promise<void>((resolve, reject) => {
      p.stdout!.on('data', (d) => {
        out = (out + String(d)).slice(-4000);
        if (out.includes('"ready"')) resolve();
      });
      p.once('exit', (code, signal) =>
        reject(new Error(`the server exited (${code ?? signal}) before it was ready: ${out}`)),
      );
    });
    log(`server pid ${p.pid} on ${port}`);
    return p;
  };
  let server = await spawnServer();

  const r = new Redis(redis.url);
  const agentsRepo = new AgentRepository(r, new Keys(prefix));
  const schools = (o.only ? registry.schools.filter(o.only) : registry.schools).slice(0, o.agents);
  const sims: Sim[] = [];
  let camNo = 0;
  for (const s of schools) {
    const agentId = s.agents[0]!;
    const { code } = await agentsRepo.createEnrolmentCode(agentId, s.id);
    const { token } = (await agentsRepo.enrol(code))!;
    const n = Math.floor(o.cameras / schools.length) + (sims.length < o.cameras % schools.length ? 1 : 0);
    const cams = Array.from({ length: n }, () => `cam-${(camNo++).toString(16).padStart(16, '0')}`);
    sims.push({ agentId, token, ws: undefined as unknown as WebSocket, seq: 0, cams, sent: new Map() });
  }
  r.disconnect();
  log(`${sims.length} agents enrolled, ${camNo} cameras`);

  const ackLag: number[] = [];
  const errors = new Map<string, number>();
  /** (Re)connects an agent's link: hello, then it may send. */
  async function connect(sim: Sim): Promise<void> {
    sim.ws = new WebSocket(`ws://127.0.0.1:${port}/agent/link`, { headers: { authorization: `Bearer ${sim.token}` } });
    sim.sent.clear();
    sim.welcome = undefined;
    sim.ws.on('message', (d) => {
      const f = JSON.parse(String(d));
      if (f.type === 'error') errors.set(f.code, (errors.get(f.code) ?? 0) + 1);
      if (f.type === 'welcome') sim.welcome = { at: performance.now(), resync: f.resync !== false };
      if (f.type === 'ack') {
        const t = sim.sent.get(f.seq);
        if (t !== undefined) {
          ackLag.push(performance.now() - t);
          sim.sent.delete(f.seq);
        }
      }
    });
    sim.ws.on('error', () => undefined);
    // refused or reset (a loaded machine's full accept queue): like a real agent, it tries again a little later
    const opened = await new Promise<boolean>((res) => {
      sim.ws.once('open', () => res(true));
      sim.ws.once('close', () => res(false));
    });
    if (!opened) {
      await sleep(500 + Math.random() * 1000);
      return connect(sim);
    }
    sim.ws.send(JSON.stringify({ type: 'hello', v: 1, agentId: sim.agentId, lastSeq: sim.seq }));
  }
  for (const [i, sim] of sims.entries()) {
    await connect(sim);
    if (i % 1000 === 999) log(`${i + 1} agents connected`);
  }

  // like real agents, an agent pings when it has sent nothing for 15 s (90% of the interval) — spread over the
  // interval as real agents' clocks are, never all at once
  let pingCursor = 0;
  const pinger = setInterval(() => {
    const n = Math.ceil(sims.length / 150);
    for (let k = 0; k < n; k++) {
      const sim = sims[pingCursor++ % sims.length]!;
      if (sim.ws.readyState !== WebSocket.OPEN || Date.now() - (sim.lastSent ?? 0) < 13_500) continue;
      sim.ws.send(JSON.stringify({ type: 'ping', t: Date.now() }));
      sim.lastSent = Date.now();
    }
  }, 100);
  pinger.unref();

  /** sends one batch: its messages, or their JSON already serialised (an agent's own work, not what is measured) */
  const send = (sim: Sim, messages: object[] | string) => {
    sim.seq++;
    sim.sent.set(sim.seq, performance.now());
    const json = typeof messages === 'string' ? messages : JSON.stringify(messages);
    sim.ws.send(`{"type":"batch","seq":${sim.seq},"messages":${json}}`);
    sim.lastSent = Date.now();
  };
  const state = (
    sim: Sim,
    cameraId: string,
    status: string,
    reasons: string[] = [],
    at = new Date().toISOString(),
  ) => ({
    v: 1,
    agentId: sim.agentId,
    at,
    type: 'state',
    state: { cameraId, at, status, reasons, since: at },
  });
  const unacked = () => sims.reduce((a, s) => a + s.sent.size, 0);

  /**
   * Health samples from every agent, each agent once per period ÷ factor, spread over the period (by elapsed time:
   * timers drift). Never offers less than the nominal rate. Returns a stop function with what was offered.
   * o.clockSeconds / o.stateSeconds: like real agents, each camera's clock is also read that often, and its state (with
   * its measured figures) sent that often, in the batches it falls in. o.slices: each agent's cameras go in that many
   * smaller batches per period instead of one (a real agent flushes half a second after the first buffered message).
   */
  function healthLoad(
    factor: number,
    periodMs = 10_000,
    o: { clockSeconds?: number; stateSeconds?: number; slices?: number } = {},
  ) {
    const slices = Math.max(1, o.slices ?? 1);
    /** each camera is in one batch per round */
    const round = periodMs / factor;
    const every = round / slices;
    const clockRounds = o.clockSeconds ? Math.max(1, Math.round((o.clockSeconds * 1000) / round)) : 0;
    const stateRounds = o.stateSeconds ? Math.max(1, Math.round((o.stateSeconds * 1000) / round)) : 0;
    const since = new Date().toISOString();
    let readings = 0;
    let states = 0;
    let batches = 0;
    let due = 0;
    let cursor = 0;
    let offered = 0;
    let last = performance.now();
    const first = last;
    let stopped = false;
    /** the generator's own hiccups: a late tick sends what fell due meanwhile in one burst */
    const gaps: number[] = [];
    const ticker = setInterval(() => {
      const at = new Date().toISOString();
      const now = performance.now();
      gaps.push(now - last);
      due += ((now - last) / every) * sims.length;
      last = now;
      for (; due > 0 && !stopped; due--) {
        const sim = sims[cursor++ % sims.length]!;
        const part = ((sim.part ?? -1) + 1) % slices;
        sim.part = part;
        if (part === 0) sim.round = (sim.round ?? -1) + 1;
        const rnd = sim.round ?? 0;
        // the generator is not what is measured: its health samples are pre-serialised, only time and seq change
        sim.healthJson ??= sim.cams.map((c) =>
          JSON.stringify({
            v: 1,
            agentId: sim.agentId,
            at: AT,
            type: 'health',
            sample: { cameraId: c, at: AT, tier: 'reachability', ok: true, reasons: [], latencyMs: 3 },
          }),
        );
        sim.drift ??= sim.cams.map(() => 0.4);
        const messages: string[] = [];
        for (let i = part; i < sim.cams.length; i += slices) {
          messages.push(sim.healthJson[i]!.replaceAll(AT, at));
          offered++;
          if (clockRounds && (rnd + i) % clockRounds === 0) {
            // a real camera's drift read over ONVIF (whole seconds, a round trip) jitters by tenths of a second
            const drift = Math.round((0.4 + (Math.random() - 0.5)) * 10) / 10;
            sim.drift[i] = drift;
            messages.push(
              `{"v":1,"agentId":"${sim.agentId}","at":"${at}","type":"clock","reading":{"cameraId":"${sim.cams[i]}","at":"${at}","driftSeconds":${drift}}}`,
            );
            readings++;
          }
          if (stateRounds && (rnd * 7 + i) % stateRounds === 0) {
            // the agent's periodic state: unchanged status, its last measured figures (as storeFacts gave them)
            const [w, h] = i % 7 === 0 ? [1280, 720] : [1920, 1080];
            const state = `{"cameraId":"${sim.cams[i]}","at":"${at}","status":"online","reasons":[],"since":"${since}","lastSeen":"${at}","width":${w},"height":${h},"fps":15,"retainedDays":${i % 4 === 0 ? 20 : 35},"clockDriftSeconds":${sim.drift[i]}}`;
            messages.push(`{"v":1,"agentId":"${sim.agentId}","at":"${at}","type":"state","state":${state}}`);
            states++;
          }
        }
        if (!messages.length) continue;
        sim.seq++;
        sim.sent.set(sim.seq, performance.now());
        sim.ws.send(`{"type":"batch","seq":${sim.seq},"messages":[${messages.join(',')}]}`);
        sim.lastSent = Date.now();
        batches++;
      }
    }, 50);
    return () => {
      stopped = true;
      clearInterval(ticker);
      gaps.sort((a, b) => a - b);
      return {
        offeredPerS: offered / ((last - first) / 1000),
        /** clock readings among them, per second */
        readingsPerS: readings / ((last - first) / 1000),
        /** periodic states among them, per second */
        statesPerS: states / ((last - first) / 1000),
        batchesPerS: batches / ((last - first) / 1000),
        /** ticks are due every 50 ms: the 99th percentile and the largest interval between them */
        tickGapP99Ms: gaps[Math.floor(gaps.length * 0.99)] ?? 0,
        tickGapMaxMs: gaps.at(-1) ?? 0,
      };
    };
  }

  /**
   * Stops the server (SIGTERM: it drains its links) and starts it again on the same port and Redis; every agent
   * reconnects at once (the worst case: real agents spread their reconnects with jittered backoff). Resolves when
   * every agent has reconnected (sent its hello), with the time the new server was ready; the welcomes come in
   * afterwards (Sim.welcome).
   */
  async function restartServer(): Promise<{ readyAt: number }> {
    const old = server;
    old.kill('SIGTERM');
    if (old.exitCode === null) await Promise.race([new Promise((r) => old.once('exit', r)), sleep(60_000)]);
    for (const s of sims) s.ws.terminate();
    server = await spawnServer();
    const readyAt = performance.now();
    await Promise.all(sims.map((s) => connect(s)));
    return { readyAt };
  }

  async function stop() {
    clearInterval(pinger);
    for (const s of sims) s.ws.terminate();
    server.kill('SIGTERM');
    await Promise.race([new Promise((r) => server.once('exit', r)), sleep(10_000)]);
    await redis.stop();
  }

  return {
    redis,
    /** the server process (another one after restartServer) */
    get server() {
      return server;
    },
    restartServer,
    port,
    registry,
    sims,
    ackLag,
    errors,
    send,
    state,
    unacked,
    healthLoad,
    stop,
    camNo,
    connect,
  };
}
export type Fleet = Awaited<ReturnType<typeof startFleet>>;

/** Logs in as the fleet's admin: a fetch of `/api/v1{path}` with the session cookie and a same-origin header. */
export async function adminApi(port: number) {
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PW }),
  });
  if (login.status !== 200) throw new Error(`admin login: HTTP ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  return (path: string, init: RequestInit = {}) =>
    fetch(`${base}/api/v1${path}`, {
      ...init,
      headers: { cookie, origin: base, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
}

/** A camera's identity as a real agent reports it (two H.264 profiles, Profile S and G, recording search). */
export function identity(cameraId: string, i: number, identifiedAt: string) {
  const host = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const media = (token: string, w: number, h: number) => ({
    token,
    name: token,
    encoding: 'H264',
    width: w,
    height: h,
    fps: 15,
    bitrateKbps: 4096,
    streamUri: `rtsp://${host}:554/Streaming/Channels/${token === 'main' ? 101 : 102}`,
    snapshotUri: `http://${host}/onvif/snapshot/${token}`,
  });
  return {
    cameraId,
    manufacturer: 'Hikvista',
    model: 'DS-2CD2143G2-I',
    firmware: 'V5.7.3 build 220112',
    serial: `DS-2CD2143G2-I20221015AAWRJ${String(i).padStart(8, '0')}`,
    hardwareId: '88',
    endpointRef: `urn:uuid:${cameraId.slice(4)}-0000-4000-a000-000000000000`,
    xaddr: `http://${host}/onvif/device_service`,
    host,
    profiles: ['S', 'G'],
    auth: 'usernameToken',
    media: [media('main', 1920, 1080), media('sub', 640, 360)],
    recordingSearch: { kind: 'camera', xaddr: `http://${host}/onvif/search_service` },
    identifiedAt,
  };
}

/**
 * A benchmark's baseline: seconds to write `n` camera-sized hashes with pipelined HSET (1,000 per round trip) from one
 * ioredis connection to the same Redis; the keys are deleted afterwards.
 */
export async function pipelinedHsetSeconds(url: string, n: number, fields: Record<string, string>): Promise<number> {
  const r = new Redis(url);
  const t0 = performance.now();
  for (let i = 0; i < n; i += 1000) {
    const p = r.pipeline();
    for (let j = i; j < Math.min(n, i + 1000); j++) p.hset(`base:cam:${j}`, fields);
    await p.exec();
  }
  const s = (performance.now() - t0) / 1000;
  for (let i = 0; i < n; i += 1000) {
    const p = r.pipeline();
    for (let j = i; j < Math.min(n, i + 1000); j++) p.del(`base:cam:${j}`);
    await p.exec();
  }
  r.disconnect();
  return s;
}

/**
 * A dashboard in its own process (bench/live-subscriber.ts: the generator's busy event loop must not delay what a
 * dashboard receives), subscribed to the whole country as the fleet's admin: told of each marked change's push
 * latency — from the agent's send, and from the server's receipt (the delta's `at`). Resolves once subscribed.
 */
export async function liveSubscriber(base: string, onPush: (totalMs: number, fromServerMs: number) => void) {
  const p = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/live-subscriber.ts'), base, 'admin', ADMIN_PW, 'black_picture'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(p);
  let buf = '';
  let subscribed = false;
  p.stdout!.on('data', (d: Buffer) => {
    buf += String(d);
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines)
      if (l === 'ready') subscribed = true;
      else if (l) {
        const [total, fromServer] = l.split(' ').map(Number) as [number, number];
        onPush(total, fromServer);
      }
  });
  for (let i = 0; i < 300 && !subscribed; i++) await sleep(100);
  if (!subscribed) throw new Error('the live subscriber did not get its snapshot');
}
