import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerEnv, startServer } from '@kuzet/server';
import pino from 'pino';
import { ROOT, runTag } from './helpers.ts';

export const SMALL_REGISTRY = join(ROOT, 'test/fixtures/registry-small.json');
export const ADMIN_PASSWORD = 'admin-password-for-tests';

export async function testServer(
  redisUrl: string,
  prefix = `t${runTag().toLowerCase()}:`,
  env: Record<string, string> = {},
) {
  const cfg = ServerEnv.parse({
    KUZET_PORT: '0',
    KUZET_REDIS_URL: redisUrl,
    KUZET_PREFIX: prefix,
    KUZET_ADMIN_PASSWORD: ADMIN_PASSWORD,
    KUZET_REGISTRY: SMALL_REGISTRY,
    KUZET_LOG_LEVEL: 'silent',
    // the tests' agents reconnect within 2 s (test/chain.ts)
    KUZET_AGENT_MAX_BACKOFF_SECONDS: '2',
    // camera pictures of this test's server (kept across a restart with the same prefix)
    KUZET_OBJECT_DIR: join(ROOT, 'var/test-objects', prefix.replace(/:$/, '')),
    ...env,
  });
  const server = await startServer(cfg, pino({ level: 'silent' }));
  return { server, prefix, cfg };
}

/** A logged-in API client (cookie session). */
export class Api {
  cookie = '';
  /** sent with every request (e.g. X-Forwarded-For through a trusted proxy, an Origin) */
  headers: Record<string, string> = {};
  lastHeaders?: Headers;
  constructor(readonly base: string) {}
  async login(username: string, password: string): Promise<number> {
    const res = await fetch(`${this.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { ...this.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    this.lastHeaders = res.headers;
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    await res.text();
    return res.status;
  }
  async call(
    method: string,
    path: string,
    body?: unknown,
    // biome-ignore lint/suspicious/noExplicitAny: JSON answers of the API under test, checked by each assertion
  ): Promise<{ status: number; json: any; bytes?: Buffer; headers: Headers }> {
    const res = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: {
        ...this.headers,
        cookie: this.cookie,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!(res.headers.get('content-type') ?? 'json').includes('json'))
      return { status: res.status, json: undefined, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
  }
  get = (p: string) => this.call('GET', p);
  post = (p: string, b?: unknown) => this.call('POST', p, b ?? {});
}

export const registryJson = () => JSON.parse(readFileSync(SMALL_REGISTRY, 'utf8'));

/** A server in its own process (to be killed with SIGKILL like a crashed one); resolves once it is ready. */
export async function spawnServer(env: Record<string, string>): Promise<{
  url: string;
  proc: import('node:child_process').ChildProcess;
  kill: () => Promise<void>;
}> {
  const { spawn } = await import('node:child_process');
  const proc = spawn(join(ROOT, 'server/bin/kuzet-server'), [], {
    env: {
      ...process.env,
      KUZET_PORT: '0',
      KUZET_LOG_LEVEL: 'silent',
      KUZET_AGENT_MAX_BACKOFF_SECONDS: '2',
      KUZET_DASHBOARD_DIR: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /"event":"ready","url":"([^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return {
    url,
    proc,
    kill: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      }),
  };
}
