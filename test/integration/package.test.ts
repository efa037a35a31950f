/**
 * The Debian packages (issue 18): `npm run package` builds kuzet-server and kuzet-agent, they install with dpkg on
 * this machine, and each runs as its systemd unit says — the unit's user, environment file, working directory and
 * ExecStart — since there is no systemd here to start it. The agent is enrolled with the installed command (no -c:
 * /etc/kuzet/agent.yaml), as root: the token must still be the service user's. The installed server (its own Node,
 * its own dependencies, the dashboard) then sees the installed agent's cameras online. Purging leaves no config,
 * no token and no state. Needs root (dpkg, the service user): CI and the fresh-clone test run as root.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Simulator } from '@kuzet/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePortRange, generatedSimulator, ROOT, runTag, startRedis, waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, SMALL_REGISTRY } from '../server-helpers.ts';

const SCHOOL = 'KZ-75-01-0001';
/** the school's agent in the test registry */
const AGENT_ID = 'agent-almaty-1';
const root = process.getuid?.() === 0;
/** a login shell's PATH: the installed commands, not the repository's node_modules/.bin (npm puts it first) */
const SYSTEM = { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' }, encoding: 'utf8' as const };

/** the [Service] settings of an installed unit */
function unit(name: string): Record<string, string> {
  const text = readFileSync(`/lib/systemd/system/${name}.service`, 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Za-z]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** starts a unit's ExecStart as systemd would: its user and group, its environment file, its working directory */
function runUnit(name: string, onOutput: (text: string) => void): ChildProcess {
  const u = unit(name);
  const env: Record<string, string> = { ...SYSTEM.env };
  if (u.EnvironmentFile)
    for (const line of readFileSync(u.EnvironmentFile, 'utf8').split('\n')) {
      const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
      if (m) env[m[1]!] = m[2]!;
    }
  const [cmd, ...args] = u.ExecStart!.split(/\s+/);
  const p = spawn(
    'setpriv',
    ['--reuid', u.User!, '--regid', u.Group!, '--init-groups', '--no-new-privs', '--', cmd!, ...args],
    { env, cwd: u.WorkingDirectory ?? '/', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  p.stdout!.on('data', (d) => onOutput(String(d)));
  p.stderr!.on('data', (d) => onOutput(String(d)));
  return p;
}

const stop = (p?: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (!p || p.exitCode !== null || p.signalCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  });

describe.skipIf(!root)('Debian packages (npm run package)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let sim: Simulator;
  let server: ChildProcess | undefined;
  let agent: ChildProcess | undefined;
  let serverOut = '';
  let agentOut = '';
  let debs: string[] = [];

  beforeAll(async () => {
    execFileSync('bash', ['scripts/package.sh'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    debs = readdirSync(join(ROOT, 'dist'))
      .filter((f) => /^kuzet-(agent|server)_.*\.deb$/.test(f))
      .map((f) => join(ROOT, 'dist', f));
    redis = await startRedis();
    ({ sim } = await generatedSimulator({ count: 3, personalities: ['hikvista'] }));
  }, 300_000);

  afterAll(async () => {
    await stop(agent);
    await stop(server);
    await sim?.stop();
    await redis?.stop();
    rmSync('/etc/kuzet/registry.json', { force: true });
    if (root) execFileSync('dpkg', ['--purge', 'kuzet-agent', 'kuzet-server'], { stdio: 'ignore' });
  });

  it('installs both, and their services run an enrolled agent whose cameras the server sees online', async () => {
    expect(debs).toHaveLength(2);
    execFileSync('dpkg', ['-i', ...debs], { stdio: ['ignore', 'ignore', 'inherit'] });
    for (const cmd of ['kuzet-agent', 'kuzet-server'])
      expect(execFileSync('sh', ['-c', `command -v ${cmd}`], SYSTEM).trim()).toBe(`/usr/bin/${cmd}`);
    // the units are valid for systemd (ExecStart exists, settings known)
    for (const u of ['kuzet-agent', 'kuzet-server'])
      execFileSync('systemd-analyze', ['verify', `/lib/systemd/system/${u}.service`], { stdio: 'pipe' });
    expect(unit('kuzet-agent').User).toBe('kuzet');
    expect(unit('kuzet-agent').CapabilityBoundingSet).toBe('');
    // the configuration (camera passwords) readable by root and the service's group only
    expect(statSync('/etc/kuzet/agent.yaml').mode & 0o777).toBe(0o640);

    // the centre, from its package
    const port = await freePortRange(1);
    writeFileSync('/etc/kuzet/registry.json', readFileSync(SMALL_REGISTRY));
    writeFileSync(
      '/etc/kuzet/server.env',
      [
        'KUZET_HOST=127.0.0.1',
        `KUZET_PORT=${port}`,
        `KUZET_REDIS_URL=${redis.url}`,
        `KUZET_PREFIX=pkg${runTag().toLowerCase()}:`,
        `KUZET_ADMIN_PASSWORD=${ADMIN_PASSWORD}`,
        'KUZET_REGISTRY=/etc/kuzet/registry.json',
        'KUZET_OBJECT_DIR=/var/lib/kuzet-server/objects',
        'KUZET_AGENT_MAX_BACKOFF_SECONDS=2',
        '',
      ].join('\n'),
    );
    server = runUnit('kuzet-server', (t) => {
      serverOut += t;
    });
    await waitFor(() => serverOut.includes('"event":"ready"'), 60_000, `the packaged server: ${serverOut}`);
    const base = `http://127.0.0.1:${port}`;
    // the package carries the dashboard
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const api = new Api(base);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);

    // the school's side: the installed configuration, enrolment with the installed command
    writeFileSync(
      '/etc/kuzet/agent.yaml',
      JSON.stringify({
        agentId: AGENT_ID,
        discovery: { multicast: false, static: sim.list().map((c) => c.xaddr) },
        credentials: [{ username: 'admin', password: 'camera-pass' }],
        intervals: { reachabilitySeconds: 2, rtspSeconds: 5, streamSeconds: 3600, retentionSeconds: 3600 },
        server: {
          url: [`ws://127.0.0.1:${port}/agent/link`],
          tokenFile: '/var/lib/kuzet/agent.token',
          journalDir: '/var/lib/kuzet/journal',
        },
      }),
    );
    const code = await api.post('/enrolment-codes', { schoolId: SCHOOL, agentId: AGENT_ID });
    expect(code.status, JSON.stringify(code.json)).toBe(200);
    const enrolled = execFileSync('kuzet-agent', ['enrol', '--code', code.json.code], SYSTEM);
    expect(enrolled).toContain(`enrolled as ${AGENT_ID}`);
    const kuzetUid = Number(execFileSync('id', ['-u', 'kuzet'], { encoding: 'utf8' }));
    const token = statSync('/var/lib/kuzet/agent.token');
    expect(token.uid).toBe(kuzetUid);
    expect(token.mode & 0o777).toBe(0o600);

    agent = runUnit('kuzet-agent', (t) => {
      agentOut += t;
    });
    const online = await waitFor(
      async () => {
        const r = await api.get(`/schools/${SCHOOL}/cameras`);
        const cams = (Array.isArray(r.json) ? r.json : []) as { status: string }[];
        return cams.length === 3 && cams.every((c) => c.status === 'online') ? cams : undefined;
      },
      90_000,
      `the packaged agent's 3 cameras online (agent: ${agentOut.slice(-2000)})`,
    );
    expect(online).toHaveLength(3);
    // the service user wrote its journal where the unit allows it
    expect(statSync('/var/lib/kuzet/journal').uid).toBe(kuzetUid);
    // its health command (the container's health check) sees the running service's status
    await waitFor(
      () => execFileSync('kuzet-agent', ['health'], SYSTEM).startsWith('ok: link up'),
      10_000,
      'kuzet-agent health: link up',
    );
    // and no camera password in what the agent printed
    expect(agentOut).not.toContain('camera-pass');
  }, 240_000);

  it('purging removes the configuration, the token and the state', async () => {
    await stop(agent);
    await stop(server);
    rmSync('/etc/kuzet/registry.json', { force: true });
    execFileSync('dpkg', ['--purge', 'kuzet-agent', 'kuzet-server'], { stdio: ['ignore', 'ignore', 'inherit'] });
    for (const p of ['/usr/bin/kuzet-agent', '/etc/kuzet', '/var/lib/kuzet', '/var/lib/kuzet-server'])
      expect(existsSync(p), p).toBe(false);
  }, 60_000);
});
