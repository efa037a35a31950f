/**
 * The compose check (scripts/compose-check.sh builds the images first): docker/compose.yaml up with Redis and the
 * server, /readyz, an admin login, the dashboard in Chromium (screenshot), an agent enrolled and run from the agent
 * image (host network) against simulated cameras, the cameras online through the API, both containers healthy;
 * then everything down, volumes too. Prints the images' sizes. Exit 1 on the first failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, SHOTS } from '../test/browser.ts';
import { freePortRange, generatedSimulator, ROOT, waitFor } from '../test/helpers.ts';
import { Api, SMALL_REGISTRY } from '../test/server-helpers.ts';

const SCHOOL = 'KZ-75-01-0001';
const AGENT_ID = 'agent-almaty-1';
const PASSWORD = 'compose-check-admin';
const dir = join(ROOT, 'var/compose-check');
mkdirSync(dir, { recursive: true });
const port = await freePortRange(1);
const env = {
  ...process.env,
  KUZET_REDIS_IMAGE: 'kuzet/redis:latest',
  KUZET_S3_ENDPOINT: '', // no MinIO image without a registry: pictures on the server's volume
  KUZET_HTTP_PORT: `127.0.0.1:${port}`, // published on loopback only
  KUZET_ADMIN_PASSWORD: PASSWORD,
  KUZET_SECURE_COOKIES: 'false', // plain HTTP here
  KUZET_REGISTRY_FILE: SMALL_REGISTRY,
  KUZET_AGENT_CONFIG_FILE: join(dir, 'agent.yaml'),
};
const files = ['-f', join(ROOT, 'docker/compose.yaml')];
const compose = (...args: string[]) =>
  execFileSync('docker-compose', ['-p', 'kuzetcheck', ...files, ...args], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
const say = (s: string) => process.stderr.write(`\u001b[1;34m==>\u001b[0m ${s}\n`);
const health = (service: string) => {
  const id = compose('--profile', 'school', 'ps', '-q', service).trim();
  return id
    ? execFileSync('docker', ['inspect', '-f', '{{.State.Health.Status}}', id], { encoding: 'utf8' }).trim()
    : '';
};

const { sim } = await generatedSimulator({ count: 3, personalities: ['hikvista'] });
let failed = false;
try {
  say(`compose up: redis + server on :${port}`);
  compose('up', '-d', '--no-deps', 'redis', 'server');
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    () =>
      fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    120_000,
    'the server container ready (/readyz 200)',
  );
  const api = new Api(base);
  if ((await api.login('admin', PASSWORD)) !== 200) throw new Error('admin login failed');

  say('the agent image: enrol, then run (host network) against 3 simulated cameras');
  writeFileSync(
    env.KUZET_AGENT_CONFIG_FILE,
    JSON.stringify({
      agentId: AGENT_ID,
      discovery: { multicast: false, static: sim.list().map((c) => c.xaddr) },
      credentials: [{ username: 'admin', password: 'camera-pass' }],
      server: {
        url: [`ws://127.0.0.1:${port}/agent/link`],
        tokenFile: '/var/lib/kuzet/agent.token',
        journalDir: '/var/lib/kuzet/journal',
      },
    }),
  );
  const code = await api.post('/enrolment-codes', { schoolId: SCHOOL, agentId: AGENT_ID });
  if (code.status !== 200) throw new Error(`enrolment code: ${code.status} ${JSON.stringify(code.json)}`);
  const enrolled = compose(
    '--profile',
    'school',
    'run',
    '--rm',
    '--no-deps',
    'agent',
    'enrol',
    '--code',
    code.json.code,
  );
  if (!enrolled.includes(`enrolled as ${AGENT_ID}`)) throw new Error(`enrolment: ${enrolled}`);
  compose('--profile', 'school', 'up', '-d', '--no-deps', 'agent');
  await waitFor(
    async () => {
      const r = await api.get(`/schools/${SCHOOL}/cameras`);
      const cams = (Array.isArray(r.json) ? r.json : []) as { status: string }[];
      return cams.length === 3 && cams.every((c) => c.status === 'online');
    },
    120_000,
    "the agent container's 3 cameras online",
  );
  say("the dashboard, from the server image, in Chromium, with the agent's cameras");
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(base);
    await page.fill('input[name="username"]', 'admin');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('nav', { timeout: 30_000 });
    await page.getByText('Total: 3').waitFor({ timeout: 30_000 });
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'compose-check-overview.png') });
    if (errors.length) throw new Error(`console errors in the dashboard: ${errors.join('; ')}`);
  } finally {
    await browser.close();
  }

  say('cameras online; waiting for both containers to report healthy');
  await waitFor(
    () => (health('server') === 'healthy' && health('agent') === 'healthy') || undefined,
    150_000,
    'server and agent containers healthy',
  );
  const sizes = ['kuzet/server', 'kuzet/agent', 'kuzet/redis'].map((i) => {
    const bytes = Number(execFileSync('docker', ['image', 'inspect', '-f', '{{.Size}}', i], { encoding: 'utf8' }));
    return `${i} ${(bytes / 1e6).toFixed(0)} MB`;
  });
  const user = execFileSync('docker', ['exec', compose('ps', '-q', 'server').trim(), 'id', '-un'], {
    encoding: 'utf8',
  }).trim();
  say(`compose check passed: server user ${user}; images ${sizes.join(', ')} (base ${process.env.KUZET_BASE_IMAGE})`);
} catch (err) {
  failed = true;
  process.stderr.write(`compose check FAILED: ${(err as Error).message}\n`);
  try {
    process.stderr.write(compose('--profile', 'school', 'logs', '--tail', '40'));
  } catch {}
} finally {
  try {
    compose('--profile', 'school', 'down', '-v', '--remove-orphans');
  } catch (err) {
    process.stderr.write(`compose down: ${(err as Error).message}\n`);
  }
  await sim.stop();
}
process.exit(failed ? 1 : 0);
