/**
 * Agent benchmark (issue 3): one agent watching 256 simulated cameras at default intervals.
 * Measures: discovery time of 256 cameras, agent CPU (self and ffmpeg/ffprobe children) and RSS over a window,
 * spread of deep checks, time for an offline camera to be reported; baseline: plain fetch() of the same ONVIF call.
 * Writes the "Agent" section of bench/RESULTS.md.  Env: BENCH_CAMERAS (256), BENCH_WINDOW_S (300).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isRecorder, WsDiscovery } from '@kuzet/agent';
import { AgentMessage } from '@kuzet/protocol';
import { freePortRange, ROOT } from '../test/helpers.ts';
import { cpuSeconds, machine, percentile, rssMb } from './proc.ts';
import { writeSection } from './results.ts';

const N = Number(process.env.BENCH_CAMERAS ?? 256);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 300);
const WARMUP_S = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

const children = new Set<ChildProcess>();
function start(cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}
// never leave a simulator or agent behind: they would answer the next run's discovery
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Other ONVIF devices answering on lo would be discovered and measured too: refuse to run beside them. */
async function assertQuietLoopback(): Promise<void> {
  const wsd = new WsDiscovery([{ name: 'lo', address: '127.0.0.1' }], false);
  await wsd.start();
  const heard = await wsd.probe(1500, 1);
  wsd.stop();
  if (heard.length)
    throw new Error(`${heard.length} ONVIF devices already answer on lo (another simulator?): stop them first`);
}

async function main() {
  await assertQuietLoopback();
  const base = await freePortRange(2 * N + 2);
  const controlPort = base + 2 * N + 1;
  const control = `http://127.0.0.1:${controlPort}`;
  log(`simulator: ${N} cameras 1920x1080@15 on 127.0.1.x, ports ${base}…`);
  const sim = start(join(ROOT, 'simulator/bin/kuzet-sim'), [
    'run',
    '-n',
    String(N),
    '--base-port',
    String(base),
    '--own-addresses',
    '--control-port',
    String(controlPort),
  ]);
  await new Promise<void>((resolve, reject) => {
    sim.stdout!.on('data', (d: Buffer) => d.toString().includes('"ready"') && resolve());
    sim.on('exit', (c) => reject(new Error(`simulator exited ${c}`)));
  });
  const cams = (await (await fetch(`${control}/cameras`)).json()) as {
    name: string;
    host: string;
    onvifPort: number;
    serial: string;
  }[];

  // discovery: three scans, each a full round (multicast probe + identification of every device)
  const discovery: { ms: number; found: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const scan = start(join(ROOT, 'agents/bin/kuzet-agent'), [
      'scan',
      '-i',
      'lo',
      '-u',
      'admin',
      '-p',
      'camera-pass',
      '--json',
    ]);
    let out = '';
    scan.stdout!.on('data', (d) => (out += d));
    await new Promise((r) => scan.on('exit', r));
    const j = JSON.parse(out) as {
      durationMs: number;
      devices: { identity?: { media: unknown[] }; scopes: string[]; types: string[] }[];
    };
    // the NVR answers too (with a Media service): counted are the cameras, as the agent would watch them
    discovery.push({
      ms: j.durationMs,
      found: j.devices.filter((d) => d.identity && !isRecorder(d, d.identity)).length,
    });
    log(`discovery ${i + 1}: ${j.durationMs} ms, ${discovery.at(-1)!.found} cameras identified`);
  }

  // baseline: plain fetch() of GetSystemDateAndTime to every camera, CPU per request, in this process
  const body =
    '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>';
  const c0 = process.cpuUsage();
  let requests = 0;
  for (let round = 0; round < 8; round++) {
    await Promise.all(
      cams.map(async (c) => {
        const r = await fetch(`http://${c.host}:${c.onvifPort}/onvif/device_service`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/soap+xml' },
        });
        await r.text();
        requests++;
      }),
    );
  }
  const cu = process.cpuUsage(c0);
  const baselineMsPerReq = (cu.user + cu.system) / 1000 / requests;
  log(`baseline: ${requests} raw requests, ${baselineMsPerReq.toFixed(3)} ms CPU each`);

  // the agent, default intervals
  const dir = join(ROOT, 'var/bench');
  mkdirSync(dir, { recursive: true });
  const nvrPort = base + 2 * N;
  const cfg = {
    agentId: 'bench-agent',
    discovery: { interfaces: ['lo'] },
    credentials: [{ username: 'admin', password: 'camera-pass' }],
    nvrs: [{ xaddr: `http://127.0.0.1:${nvrPort}/onvif/device_service`, username: 'admin', password: 'camera-pass' }],
    log: { level: 'warn' },
  };
  writeFileSync(join(dir, 'agent.json'), JSON.stringify(cfg));
  const agent = start(join(ROOT, 'agents/bin/kuzet-agent'), ['run', '-c', join(dir, 'agent.json'), '--stdout']);
  await sleep(1000);
  // bin/kuzet-agent execs node: the agent's pid is the child's pid
  const pid = agent.pid!;
  const events: { t: number; m: AgentMessage }[] = [];
  const hostOf = new Map<string, string>();
  const stateOf = new Map<string, string>();
  const offlineAt = new Map<string, number>();
  const raw = createWriteStream(join(dir, 'agent.ndjson'));
  createInterface({ input: agent.stdout! }).on('line', (line) => {
    raw.write(`${line}\n`);
    const r = AgentMessage.safeParse(JSON.parse(line));
    if (!r.success) return;
    const m = r.data;
    events.push({ t: Date.now(), m });
    if (m.type === 'camera') hostOf.set(m.camera.host, m.camera.cameraId);
    if (m.type === 'state') {
      stateOf.set(m.state.cameraId, m.state.status);
      if (m.state.status === 'offline' && !offlineAt.has(m.state.cameraId)) offlineAt.set(m.state.cameraId, Date.now());
    }
  });
  log(`agent pid ${pid}: warm-up ${WARMUP_S} s`);
  // the peak counts from the start: identifying 256 cameras at once is when an agent holds the most
  let rssPeak = 0;
  for (let s = 0; s < WARMUP_S; s++) {
    await sleep(1000);
    rssPeak = Math.max(rssPeak, rssMb(pid));
  }
  log(`RSS peak during warm-up (discovery, identification): ${rssPeak.toFixed(0)} MB`);
  const identified = hostOf.size;

  const a0 = cpuSeconds(pid);
  const s0 = cpuSeconds(sim.pid!);
  const t0 = Date.now();
  const rssSamples: number[] = [];
  const offlineLatencies: number[] = [];
  const trials = Math.max(1, Math.floor(WINDOW_S / 30));
  log(`measuring ${WINDOW_S} s with ${trials} offline trials`);
  for (let i = 0; i < trials; i++) {
    const cam = cams[(i * 37) % cams.length]!;
    const id = hostOf.get(cam.host);
    const injected = Date.now();
    if (id) offlineAt.delete(id);
    const res = await fetch(`${control}/cameras/${cam.name}/faults`, {
      method: 'PATCH',
      body: JSON.stringify({ offline: true }),
    });
    if (!res.ok) throw new Error(`fault injection failed: ${res.status} ${await res.text()}`);
    for (let k = 0; k < 20 && !(id && offlineAt.has(id)); k++) {
      await sleep(1000);
      const r = rssMb(pid);
      rssSamples.push(r);
      rssPeak = Math.max(rssPeak, r);
    }
    if (id && offlineAt.has(id)) offlineLatencies.push((offlineAt.get(id)! - injected) / 1000);
    else offlineLatencies.push(Number.POSITIVE_INFINITY);
    log(
      `trial ${i + 1}: ${cam.name} ${cam.host} → ${id ?? 'unknown id'}: ${offlineLatencies.at(-1)} s (state ${id ? stateOf.get(id) : '-'})`,
    );
    await fetch(`${control}/cameras/${cam.name}/faults`, { method: 'DELETE' });
    while (Date.now() - t0 < ((i + 1) * WINDOW_S * 1000) / trials) {
      await sleep(1000);
      const r = rssMb(pid);
      rssSamples.push(r);
      rssPeak = Math.max(rssPeak, r);
    }
  }
  const elapsed = (Date.now() - t0) / 1000;
  const a1 = cpuSeconds(pid);
  const s1 = cpuSeconds(sim.pid!);
  const inWindow = events.filter((e) => e.t >= t0);
  const count = (type: string) => inWindow.filter((e) => e.m.type === type).length;
  const checks = count('health');
  const streamTimes = inWindow.filter((e) => e.m.type === 'stream').map((e) => e.t);
  // whole minutes only: a partial last minute would look like a dip
  const buckets = new Array(Math.max(1, Math.floor(elapsed / 60))).fill(0);
  for (const t of streamTimes) {
    const b = Math.floor((t - t0) / 60_000);
    if (b < buckets.length) buckets[b]++;
  }
  const agentSelf = (a1.self - a0.self) / elapsed;
  const agentChildren = (a1.children - a0.children) / elapsed;
  const simCpu = (s1.self - s0.self + s1.children - s0.children) / elapsed;
  const cpuPerCheckMs = ((a1.self - a0.self) * 1000) / Math.max(1, checks);

  agent.kill('SIGTERM');
  sim.kill('SIGTERM');
  await sleep(1500);

  const worstDiscovery = Math.max(...discovery.map((d) => d.ms));
  const worstOffline = Math.max(...offlineLatencies);
  const ok = (b: boolean) => (b ? 'met' : '**not met**');
  const lines = [
    `Run ${new Date().toISOString()} on ${machine()}.`,
    '',
    `Setup: one simulator process with ${N} cameras (1920×1080@15 main + 640×360 sub, three vendor personalities, one NVR), each on its own 127.0.1.x address; one agent process with default intervals (reachability 10 s, session 60 s, RTSP 30 s, deep stream check 15 min spread over the interval, clock 5 min, retention 1 h). Warm-up ${WARMUP_S} s, then a ${Math.round(elapsed)} s window.`,
    '',
    '| figure | measured | target | |',
    '|---|---|---|---|',
    `| discovery of ${N} cameras (multicast probe + identification), worst of 3 | ${worstDiscovery} ms (${discovery.map((d) => `${d.ms} ms/${d.found} found`).join(', ')}) | < 5000 ms | ${ok(worstDiscovery < 5000 && discovery.every((d) => d.found === N))} |`,
    `| agent CPU, own process | ${agentSelf.toFixed(3)} cores | | |`,
    `| agent CPU incl. its ffprobe/ffmpeg children | ${(agentSelf + agentChildren).toFixed(3)} cores | < 0.3 core (issue 15; < 0.5 in issue 3) | ${ok(agentSelf + agentChildren < 0.3)} |`,
    `| agent RSS (own process), mean over the window / peak from its start | ${(rssSamples.reduce((a, b) => a + b, 0) / rssSamples.length).toFixed(0)} / ${rssPeak.toFixed(0)} MB | < 150 MB peak (issue 15; < 250 MB in issue 3) | ${ok(rssPeak < 150)} |`,
    `| camera offline → reported, ${offlineLatencies.length} trials, p50 / max | ${percentile(offlineLatencies, 50).toFixed(1)} / ${worstOffline.toFixed(1)} s | < 15 s | ${ok(worstOffline < 15)} |`,
    `| cameras identified by the running agent | ${identified} | ${N} | ${ok(identified === N)} |`,
    `| checks in the window (health samples) | ${checks} (${(checks / elapsed).toFixed(1)}/s) | | |`,
    `| deep stream checks per minute (spread, not bursts) | ${buckets.join(', ')} (expected ≈ ${(N / 15).toFixed(1)}/min) | | |`,
    `| simulator CPU serving all of it | ${simCpu.toFixed(3)} cores | | |`,
    '',
    `Baseline measured in the same run: a plain \`fetch()\` of GetSystemDateAndTime to the same cameras costs ${baselineMsPerReq.toFixed(3)} ms CPU per request; the agent's own process spends ${cpuPerCheckMs.toFixed(3)} ms CPU per check of any tier (ratio ${(cpuPerCheckMs / baselineMsPerReq).toFixed(1)}×; a check includes validation, state tracking and report output, and RTSP/ffprobe/retention checks do more than one request).`,
  ];
  writeSection(`Agent: ${N} cameras (issue 3)`, lines.join('\n'));
  log('written to bench/RESULTS.md');
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
