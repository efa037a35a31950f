/**
 * Live video (issue 16): the first frame on screen after the click and the end-to-end delay, in Chromium through
 * the real path (simulated camera → RTSP → agent's ffmpeg → its live socket → server → Redis → viewer socket → MSE);
 * then 20 live views at once through the one server while the fleet's nominal ingest (25,000 samples/s) runs: the
 * acknowledgement p99 with and without them, and the server's CPU per view.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { Agent } from '../agents/src/agent.ts';
import { enrol } from '../agents/src/enrol.ts';
import { Journal } from '../agents/src/journal.ts';
import { ServerLink } from '../agents/src/link.ts';
import { relayLive } from '../agents/src/live/relay.ts';
import { AgentRepository } from '../server/src/repositories/agents.ts';
import { Keys } from '../server/src/repositories/redis.ts';
import { launch, login } from '../test/browser.ts';
import { agentConfig, generatedSimulator, waitFor } from '../test/helpers.ts';
import { ADMIN_PW, adminApi, liveSubscriber, log, sleep, startFleet } from './fleet.ts';
import { cpuSeconds, machine, percentile } from './proc.ts';
import { writeSection } from './results.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 7500);
const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 250_000);
const VIEWS = 20;
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 30);
const FPS = 15;

async function main() {
  const fleet = await startFleet({
    agents: AGENTS,
    cameras: CAMERAS,
    registrySchools: AGENTS + 50, // (rounded per region: a few to spare for the real school)
    env: {
      KUZET_LIVE_VIEWERS_PER_SCHOOL: String(VIEWS * 2),
      KUZET_LIVE_SCHOOL_KBPS: '100000',
      KUZET_LIVE_SESSION_SECONDS: '1800',
    },
  });
  const { port } = fleet;
  const base = `http://127.0.0.1:${port}`;
  // every fleet camera's state first (the ingest below is health samples of known cameras)
  for (const sim of fleet.sims)
    fleet.send(
      sim,
      sim.cams.map((c) => fleet.state(sim, c, 'online')),
    );
  for (let i = 0; i < 1800 && fleet.unacked() > 0; i++) await sleep(100);

  // the one real school: a simulator with 20 cameras and a real agent, enrolled for the registry's last school
  const taken = new Set(fleet.sims.map((x) => x.agentId));
  const school = fleet.registry.schools.find((x) => !taken.has(x.agents[0]!))!;
  const agentId = school.agents[0]!;
  const r = new Redis(fleet.redis.url);
  const { code } = await new AgentRepository(r, new Keys('bench:')).createEnrolmentCode(agentId, school.id);
  r.disconnect();
  const dir = mkdtempSync(join(tmpdir(), 'kuzet-live-bench-'));
  await enrol(`ws://127.0.0.1:${port}/agent/link`, code, join(dir, 'token'));
  const { sim, tag } = await generatedSimulator({ count: VIEWS, personalities: ['hikvista'] });
  const link = new ServerLink({
    url: `ws://127.0.0.1:${port}/agent/link`,
    token: readFileSync(join(dir, 'token'), 'utf8').trim(),
    agentId,
    journal: new Journal(join(dir, 'journal')),
  });
  const agent = new Agent(
    agentConfig({
      agentId,
      intervals: { streamSeconds: 3600, retentionSeconds: 3600 },
      live: { maxSessions: VIEWS },
    }),
    link,
  );
  link.on('connected', (resync) => resync && agent.resync());
  link.on('requirements', (t) => agent.setThresholds(t));
  const relay = relayLive(link, agent);
  link.start();
  await agent.start();
  const api = await adminApi(port);
  const cams = await waitFor(
    async () => {
      const c = (await (await api(`/schools/${school.id}/cameras`)).json()) as {
        cameraId: string;
        status: string;
        serial?: string;
      }[];
      const ours = c.filter((x) => x.status === 'online' && x.serial?.startsWith(tag));
      return ours.length >= VIEWS ? ours : undefined;
    },
    120_000,
    'the real school online',
  );
  log(`real school ${school.id}: ${cams.length} cameras (${sim.cameras.size} simulated)`);

  // 1. Chromium: the first frame after the click (5 times), then the delay of every frame for 10 s
  const browser = await launch();
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await login(page, base, 'admin', ADMIN_PW);
  const target = cams[0]!.cameraId;
  const simCam = [...sim.cameras.values()].find((c) => c.config.serial === (cams[0] as { serial?: string }).serial);
  let sent: number[] = [];
  if (!simCam) throw new Error('the watched camera is not among the simulator’s');
  simCam.onFrame = (path, n, at) => {
    if (!/102|sub/i.test(path)) return;
    if (n === 0) sent = [];
    sent[n] = at;
  };
  const firstFrame: number[] = [];
  let delays: number[] = [];
  for (let run = 0; run < 5; run++) {
    await page.goto(`${base}/cameras/${target}`);
    await page.getByTestId('watch-live').waitFor();
    // plain JavaScript: the page knows nothing of tsx's helpers (named functions get wrapped in them)
    await page.evaluate(`(() => {
      window.__frames = [];
      window.__start = undefined;
      const hook = () => {
        const v = document.querySelector('[data-testid=live-video]');
        if (!v) return void requestAnimationFrame(hook);
        const each = (_now, m) => {
          // the stream's first picture is at the start of what was first buffered (frame 0 of the camera's session)
          if (window.__start === undefined) window.__start = v.buffered.length ? v.buffered.start(0) : m.mediaTime;
          window.__frames.push({ media: m.mediaTime, shown: performance.timeOrigin + m.expectedDisplayTime });
          v.requestVideoFrameCallback(each);
        };
        v.requestVideoFrameCallback(each);
      };
      document.querySelector('[data-testid=watch-live]').addEventListener('click', () => {
        window.__click = performance.timeOrigin + performance.now();
        requestAnimationFrame(hook);
      });
    })()`);
    await page.getByTestId('watch-live').click();
    await page.waitForFunction(() => (window as unknown as { __frames: unknown[] }).__frames.length > 0, undefined, {
      timeout: 20_000,
    });
    const [click, frames] = await page.evaluate(() => {
      const w = window as unknown as { __frames: { media: number; shown: number }[]; __click: number };
      return [w.__click, w.__frames] as const;
    });
    firstFrame.push(frames[0]!.shown - click);
    if (run === 4) {
      await sleep(10_000);
      const [start, all] = await page.evaluate(() => {
        const w = window as unknown as { __frames: { media: number; shown: number }[]; __start: number };
        return [w.__start, w.__frames] as const;
      });
      delays = all.flatMap((f) => {
        const at = sent[Math.round((f.media - start) * FPS)];
        return at === undefined ? [] : [f.shown - at];
      });
    }
    await page.getByRole('button', { name: 'Close' }).click();
    await waitFor(() => relay.active === 0 || undefined, 15_000, 'the relay to stop');
  }
  await browser.close();
  log(`first frame ${firstFrame.map((x) => Math.round(x)).join(', ')} ms; delay p50 ${percentile(delays, 50)}`);

  // 2. nominal ingest alone, then with 20 live views (20 cameras, one viewer each, over websockets); a dashboard in
  // its own process measures the live push of state changes (10 a second) meanwhile
  const pushes: number[] = [];
  await liveSubscriber(base, (total) => pushes.push(total));
  const window = async (views: boolean) => {
    const viewers: WebSocket[] = [];
    let bytes = 0;
    if (views) {
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PW }),
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      for (const c of cams.slice(0, VIEWS)) {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/video?camera=${c.cameraId}`, {
          headers: { cookie, origin: base },
        });
        ws.on('message', (d, binary) => {
          if (binary) bytes += (d as Buffer).length;
        });
        viewers.push(ws);
      }
      await waitFor(() => relay.active === VIEWS || undefined, 30_000, `${VIEWS} relays`);
      await sleep(5000);
    }
    fleet.ackLag.length = 0;
    bytes = 0;
    const stop = fleet.healthLoad(1);
    await sleep(3000); // the load settles
    fleet.ackLag.length = 0;
    pushes.length = 0;
    let flip = false;
    const changer = setInterval(() => {
      const s = fleet.sims[Math.floor(Math.random() * fleet.sims.length)]!;
      flip = !flip;
      fleet.send(s, [fleet.state(s, s.cams[0]!, flip ? 'degraded' : 'online', flip ? ['black_picture'] : [])]);
    }, 100);
    const c0 = cpuSeconds(fleet.server.pid!);
    const t0 = performance.now();
    await sleep(WINDOW_S * 1000);
    const c1 = cpuSeconds(fleet.server.pid!);
    const s = (performance.now() - t0) / 1000;
    clearInterval(changer);
    await sleep(1000); // the last pushes arrive
    const offered = stop();
    const out = {
      cpu: (c1.self + c1.children - c0.self - c0.children) / s,
      ackP99: percentile(fleet.ackLag, 99),
      pushP99: percentile(pushes, 99),
      pushes: pushes.length,
      offered: offered.offeredPerS,
      kbps: (bytes * 8) / s / 1000,
    };
    for (const ws of viewers) ws.close();
    if (views) await waitFor(() => relay.active === 0 || undefined, 20_000, 'the relays to stop');
    return out;
  };
  const idle = await window(false);
  const live = await window(true);
  log(`ingest alone: ${JSON.stringify(idle)}; with ${VIEWS} views: ${JSON.stringify(live)}`);

  const ms = (x: number) => `${Math.round(x)} ms`;
  const met = (ok: boolean) => (ok ? 'met' : 'not met');
  const sorted = [...firstFrame].sort((a, b) => a - b);
  writeSection(
    'Live video (issue 16)',
    [
      `Run ${new Date().toISOString()} on ${machine()}; server, Redis, the fleet of ${AGENTS} protocol-level agents ` +
        `(${CAMERAS.toLocaleString('en')} cameras), a simulator of ${VIEWS} cameras with a real agent, and Chromium ` +
        'all on this one machine.',
      '',
      'Path: simulated camera (640×360 H.264 substream, 15 fps, key frame every second) → RTSP → the agent’s ffmpeg ' +
        '(copy, fragmented MP4, 200 ms fragments) → its live websocket → server → Redis pub/sub → viewer websocket → ' +
        'Media Source Extensions in Chromium. Delay: each frame’s presentation time in Chromium ' +
        '(requestVideoFrameCallback) minus the time the simulator sent that frame over RTSP.',
      '',
      '| figure | measured | target | |',
      '|---|---|---|---|',
      `| live view: first frame on screen after the click (5 runs: median / worst) | ${ms(sorted[2]!)} / ${ms(sorted[4]!)} | < 2 s | ${met(sorted[4]! < 2000)} |`,
      `| live view: end-to-end delay, camera → screen (p50 / p95 over ${delays.length} frames) | ${ms(percentile(delays, 50))} / ${ms(percentile(delays, 95))} | < 1.5 s | ${met(delays.length > 0 && percentile(delays, 95) < 1500)} |`,
      `| nominal ingest alone (offered ${Math.round(idle.offered)} samples/s): ack p99 / live-push p99 (${idle.pushes} changes), server CPU | ${ms(idle.ackP99)} / ${ms(idle.pushP99)}, ${idle.cpu.toFixed(2)} cores | p99 < 250 ms each | ${met(idle.ackP99 < 250 && idle.pushP99 < 250)} |`,
      `| 20 concurrent live views through one server during nominal ingest (offered ${Math.round(live.offered)} samples/s): ack p99 / live-push p99 (${live.pushes} changes), server CPU | ${ms(live.ackP99)} / ${ms(live.pushP99)}, ${live.cpu.toFixed(2)} cores | p99 < 250 ms each | ${met(live.ackP99 < 250 && live.pushP99 < 250)} |`,
      `| server CPU for the relay, per live view | ${(((live.cpu - idle.cpu) / VIEWS) * 100).toFixed(2)} % of a core (${Math.round(live.kbps / VIEWS)} kbit/s each) | | |`,
      '',
      'The live push: a dashboard in its own process subscribed to the country; 10 state changes a second sent by ' +
        'fleet agents, each timed from the agent’s send to the dashboard’s receipt.',
    ].join('\n'),
  );
  relay.stopAll();
  await agent.stop();
  await link.stop();
  await sim.stop();
  await fleet.stop();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
