/**
 * `npm run demo`: Redis, the server (synthetic registry of 7,500 schools), and three simulated schools in Almaty,
 * each with its own camera simulator and agent enrolled over the API. Ctrl-C stops everything.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { generateCameras } from '@kuzet/simulator';
import { generateRegistry } from './gen-registry.ts';

const ROOT = join(import.meta.dirname, '..');
const VAR = join(ROOT, 'var/demo');
const PORT = Number(process.env.KUZET_DEMO_PORT ?? 8080);
const REDIS_PORT = Number(process.env.KUZET_DEMO_REDIS_PORT ?? 6390);
const ADMIN_PASSWORD = 'kuzet-demo-admin';
const BASE = `http://127.0.0.1:${PORT}`;
const children: ChildProcess[] = [];
const say = (s: string) => process.stdout.write(`${s}\n`);

function start(
  name: string,
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
  ready?: RegExp,
): Promise<ChildProcess> {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const log = join(VAR, `${name}.log`);
  const out = createWriteStream(log);
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  return new Promise((resolve, reject) => {
    if (!ready) return resolve(child);
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d;
      if (ready.test(buf)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}); see ${log}`)));
  });
}

function stopAll(): void {
  for (const c of children.reverse()) c.kill('SIGTERM');
}
process.on('SIGINT', () => {
  stopAll();
  setTimeout(() => process.exit(0), 500);
});
process.on('SIGTERM', () => {
  stopAll();
  process.exit(0);
});

async function api(
  method: string,
  path: string,
  body?: unknown,
  cookie = '',
  // biome-ignore lint/suspicious/noExplicitAny: demo-only JSON from our own API
): Promise<{ status: number; json: any; cookie: string }> {
  const res = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: text ? JSON.parse(text) : undefined,
    cookie: res.headers.get('set-cookie')?.split(';')[0] ?? cookie,
  };
}

/** Stands in for the RRC's and akimat's systems: prints every alert notification the server sends. */
function notificationSink(): void {
  http
    .createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        try {
          say(`notification → ${req.url?.slice(1)}: ${JSON.parse(body).text}`);
        } catch {
          /* not JSON */
        }
        res.writeHead(200).end();
      });
    })
    .listen(8099, '127.0.0.1');
}

async function main() {
  notificationSink();
  mkdirSync(VAR, { recursive: true });
  const registry = generateRegistry();
  writeFileSync(join(VAR, 'registry.json'), JSON.stringify(registry));
  const schools = registry.schools.filter((s) => s.regionCode === 'KZ-75').slice(0, 3);

  // persistence like production: an append-only file (fsync every second) in var/demo/redis
  say(`==> Redis on 127.0.0.1:${REDIS_PORT} (append-only file in var/demo/redis)`);
  mkdirSync(join(VAR, 'redis'), { recursive: true });
  await start(
    'redis',
    'redis-server',
    [
      '--port',
      String(REDIS_PORT),
      '--bind',
      '127.0.0.1',
      '--dir',
      join(VAR, 'redis'),
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
    ],
    {},
    /Ready to accept/,
  );
  say(
    `==> server on ${BASE} (registry: ${registry.schools.length} synthetic schools in ${registry.regions.length} regions)`,
  );
  await start(
    'server',
    join(ROOT, 'server/bin/kuzet-server'),
    [],
    {
      KUZET_PORT: String(PORT),
      KUZET_REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
      KUZET_PREFIX: 'demo:',
      KUZET_ADMIN_PASSWORD: ADMIN_PASSWORD,
      KUZET_REGISTRY: join(VAR, 'registry.json'),
      KUZET_LOG_LEVEL: 'info',
      KUZET_ALERTING: join(ROOT, 'config/demo/alerting.json'),
      KUZET_WEBHOOK_SECRET: 'demo-webhook-secret-0123456789',
      // the demo's notification sink listens on loopback: a school's own webhook may be aimed at it here (never in
      // production: see KUZET_WEBHOOK_INTERNAL_ALLOW)
      KUZET_WEBHOOK_INTERNAL_ALLOW: '127.0.0.1',
      KUZET_PUBLIC_URL: BASE,
      KUZET_NEW_CAMERA_GRACE_SECONDS: '120',
    },
    /"event":"ready"/,
  );
  const admin = await api('POST', '/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  const cookie = admin.cookie;
  const users = [
    { username: 'rrc-almaty', role: 'operator', regions: ['KZ-75'], password: 'rrc-almaty-demo' },
    { username: 'auditor', role: 'auditor', regions: [], password: 'auditor-demo-pw' },
    { username: 'guard', role: 'school', regions: [], schoolId: schools[0]!.id, password: 'guard-demo-pw1' },
  ];
  for (const u of users) await api('POST', '/users', u, cookie);

  for (const [n, school] of schools.entries()) {
    const subnet = `127.0.${20 + n}`;
    const basePort = 21000 + n * 100;
    const gen = generateCameras({ count: 6, basePort, ownAddresses: true });
    gen.cameras.forEach((c, i) => {
      c.host = `${subnet}.${i + 1}`;
      c.serial = `DEMO${n + 1}-${c.serial}`;
    });
    if (n === 0) gen.cameras[1]!.faults.picture = 'black';
    if (n === 1) gen.cameras[0]!.faults.retentionDays = 7;
    for (const nvr of gen.nvrs) nvr.serial = `DEMO${n + 1}-${nvr.serial}`;
    const simCfg = {
      multicastInterface: '127.0.0.1',
      control: { port: 8100 + n },
      clipsDir: join(ROOT, '.cache/clips'),
      cameras: gen.cameras,
      nvrs: gen.nvrs,
    };
    writeFileSync(join(VAR, `sim-${n + 1}.json`), JSON.stringify(simCfg, null, 1));
    say(
      `==> school ${school.id} "${school.nameRu}": 6 cameras on ${subnet}.1-6, simulator control http://127.0.0.1:${8100 + n}`,
    );
    await start(
      `sim-${n + 1}`,
      join(ROOT, 'simulator/bin/kuzet-sim'),
      ['run', '-c', join(VAR, `sim-${n + 1}.json`)],
      {},
      /"event":"ready"/,
    );
    const agentId = school.agents[0]!;
    const agentCfg = {
      agentId,
      schoolId: school.id,
      // each demo school has its own /24 on lo: unicast probing only, so schools never see each other's cameras
      discovery: { multicast: false, unicast: [`${subnet}.1-${subnet}.20`], waitMs: 1500 },
      credentials: [{ username: 'admin', password: 'camera-pass' }],
      nvrs: gen.nvrs.map((v) => ({
        xaddr: `http://127.0.0.1:${v.onvifPort}/onvif/device_service`,
        username: 'admin',
        password: 'camera-pass',
      })),
      intervals: { streamSeconds: 120, retentionSeconds: 300 },
      server: {
        url: `ws://127.0.0.1:${PORT}/agent/link`,
        tokenFile: join(VAR, `agent-${n + 1}.token`),
        journalDir: join(VAR, `journal-${n + 1}`),
      },
      log: { level: 'info' },
    };
    const cfgFile = join(VAR, `agent-${n + 1}.json`);
    writeFileSync(cfgFile, JSON.stringify(agentCfg, null, 1));
    const code = await api('POST', '/enrolment-codes', { schoolId: school.id, agentId }, cookie);
    await start(
      `enrol-${n + 1}`,
      join(ROOT, 'agents/bin/kuzet-agent'),
      ['enrol', '-c', cfgFile, '--code', code.json.code],
      {},
      /enrolled as/,
    );
    await start(`agent-${n + 1}`, join(ROOT, 'agents/bin/kuzet-agent'), ['run', '-c', cfgFile]);
  }

  say(`
Kuzet demo is running.
  Dashboard: ${BASE}/      (open it in a browser and log in)
  API description: ${BASE}/api/openapi.json    logs: var/demo/*.log
Logins (user / password), for the dashboard and the API:
  admin       / ${ADMIN_PASSWORD}      everything, users, agents, enrolment codes
  rrc-almaty  / rrc-almaty-demo        RRC operator, Almaty (KZ-75)
  auditor     / auditor-demo-pw        read-only, whole country
  guard       / guard-demo-pw1         school staff of ${schools[0]!.id}
Try:
  curl -c /tmp/kz -H 'content-type: application/json' -d '{"username":"rrc-almaty","password":"rrc-almaty-demo"}' ${BASE}/api/v1/auth/login
  curl -b /tmp/kz ${BASE}/api/v1/summary
  curl -b /tmp/kz ${BASE}/api/v1/schools/${schools[0]!.id}/cameras
  simulator/bin/kuzet-sim fault cam003 '{"offline":true}' --control http://127.0.0.1:8100     # then watch the summary
Ctrl-C stops everything.
`);
  let last = '';
  setInterval(async () => {
    const lines: string[] = [];
    for (const s of schools) {
      const c = (await api('GET', `/summary?school=${s.id}`, undefined, cookie)).json as Record<string, number>;
      lines.push(
        `${s.id}: ${
          Object.entries(c)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'no cameras yet'
        }`,
      );
    }
    const text = lines.join('  |  ');
    if (text !== last) say(`${new Date().toLocaleTimeString('en-GB', { timeZone: 'Asia/Almaty' })}  ${text}`);
    last = text;
  }, 3000);
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${(err as Error).message}\n`);
  stopAll();
  process.exit(1);
});
