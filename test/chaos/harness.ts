/**
 * What the chaos scenarios share: a Redis with an append-only file that can be killed and restarted on its port,
 * servers in their own processes (killed with SIGKILL like crashed ones), and counting agents — the real agent link
 * and journal, sending numbered measurements — whose every message is looked for in Redis afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentMessage } from '@kuzet/protocol';
import { Redis } from 'ioredis';
import { Journal } from '../../agents/src/journal.ts';
import { ServerLink } from '../../agents/src/link.ts';
import { generateRegistry } from '../../scripts/gen-registry.ts';
import { freePortRange, ROOT, waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, spawnServer } from '../server-helpers.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const PREFIX = 'chaos:';

/** A redis-server with an append-only file fsynced at every write, restartable on its port. */
export class ChaosRedis {
  proc?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'kuzet-chaos-redis-'));
  constructor(readonly port: number) {}
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  static async start(): Promise<ChaosRedis> {
    const r = new ChaosRedis(await freePortRange(1));
    await r.start();
    return r;
  }
  async start(): Promise<void> {
    const proc = spawn(
      'redis-server',
      [
        ...['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir],
        ...['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('Ready to accept connections')) resolve();
      });
      proc.once('exit', (c) => reject(new Error(`redis-server exited ${c}: ${out}`)));
    });
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(signal);
    });
  }
  async remove(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A deployment: Redis, a registry file, servers in their own processes on fixed ports. */
export class Deployment {
  readonly servers = new Map<number, Awaited<ReturnType<typeof spawnServer>>>();
  private registryFile = join(ROOT, 'var/chaos-registry.json');
  private constructor(
    readonly redis: ChaosRedis,
    readonly ports: number[],
    private readonly env: Record<string, string>,
  ) {}

  static async start(o: { instances?: number; schools?: number; env?: Record<string, string> } = {}) {
    const redis = await ChaosRedis.start();
    const ports: number[] = [];
    for (let i = 0; i < (o.instances ?? 1); i++) ports.push(await freePortRange(1));
    const d = new Deployment(redis, ports, o.env ?? {});
    mkdirSync(join(ROOT, 'var'), { recursive: true });
    // the generator spreads schools over the 20 regions by weight: ask for enough that every scenario finds its own
    writeFileSync(d.registryFile, JSON.stringify(generateRegistry(Math.max(300, o.schools ?? 0))));
    for (const p of ports) await d.startServer(p);
    return d;
  }

  urlOf(port: number) {
    return `http://127.0.0.1:${port}`;
  }
  linkUrls() {
    return this.ports.map((p) => `ws://127.0.0.1:${p}/agent/link`);
  }

  async startServer(port: number): Promise<void> {
    this.servers.set(
      port,
      await spawnServer({
        KUZET_PORT: String(port),
        KUZET_REDIS_URL: this.redis.url,
        KUZET_PREFIX: PREFIX,
        KUZET_ADMIN_PASSWORD: ADMIN_PASSWORD,
        KUZET_REGISTRY: this.registryFile,
        KUZET_OBJECT_DIR: join(this.redis.dir, 'objects'),
        KUZET_LINK_DOWN_SECONDS: '10',
        KUZET_AGENT_MAX_BACKOFF_SECONDS: '2',
        ...this.env,
      }),
    );
  }

  async kill(port: number): Promise<void> {
    await this.servers.get(port)?.kill();
    this.servers.delete(port);
  }

  async api(port = this.ports[0]!): Promise<Api> {
    const api = new Api(this.urlOf(port));
    if ((await api.login('admin', ADMIN_PASSWORD)) !== 200) throw new Error('admin login failed');
    return api;
  }

  /** An enrolled agent of the n-th school of the registry: its id, school and token. */
  async enrol(n: number): Promise<{ agentId: string; schoolId: string; token: string }> {
    const api = await this.api();
    const schools = (await api.get('/schools?limit=1000')).json.items as { id: string; agents: string[] }[];
    const s = schools[n]!;
    const code = (await api.post('/enrolment-codes', { schoolId: s.id, agentId: s.agents[0] })).json.code;
    const token = (await api.post('/enrol', { code })).json.token as string;
    return { agentId: s.agents[0]!, schoolId: s.id, token };
  }

  redisClient(): Redis {
    return new Redis(this.redis.url, { maxRetriesPerRequest: null }).on('error', () => undefined);
  }

  async stop(): Promise<void> {
    for (const p of [...this.servers.keys()]) await this.kill(p);
    await this.redis.remove();
  }
}

/**
 * An agent without cameras: the real link and journal, sending one numbered clock reading every `everyMs` for its
 * cameras in turn. Every reading is a distinct measurement, so Redis must end up with each exactly once.
 */
export class CountingAgent {
  readonly cams: string[];
  readonly sent = new Map<string, number[]>();
  link!: ServerLink;
  journal!: Journal;
  private timer?: NodeJS.Timeout;
  private n = 0;
  private dir: string;
  constructor(
    readonly a: { agentId: string; schoolId: string; token: string },
    private readonly urls: string[],
    cameras = 10,
    readonly idBase = Math.floor(Math.random() * 0xffffff) * 256,
  ) {
    this.cams = Array.from({ length: cameras }, (_, i) => `cam-${(idBase + i).toString(16).padStart(16, '0')}`);
    this.dir = mkdtempSync(join(tmpdir(), 'kuzet-chaos-agent-'));
  }

  /** Starts (again) with the journal in its directory; `freshJournal` is a reinstall. */
  start(everyMs = 50, freshJournal = false): void {
    if (freshJournal) {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = mkdtempSync(join(tmpdir(), 'kuzet-chaos-agent-'));
    }
    this.journal = new Journal(this.dir);
    this.link = new ServerLink({
      urls: this.urls,
      token: this.a.token,
      agentId: this.a.agentId,
      journal: this.journal,
      flushMs: 100,
      offlineFlushMs: 1000,
      backoffMinMs: 200,
      backoffMaxMs: 2000,
    });
    this.link.start();
    // its cameras' states first: that makes them this school's (another school's reports about them are refused)
    const at = new Date().toISOString();
    for (const cam of this.cams)
      this.link.send({
        v: 1,
        agentId: this.a.agentId,
        at,
        type: 'state',
        state: { cameraId: cam, at, status: 'online', reasons: [], since: at },
      });
    this.timer = setInterval(() => this.tick(), everyMs);
  }

  private tick(): void {
    const cam = this.cams[this.n % this.cams.length]!;
    const value = ++this.n;
    const at = new Date().toISOString();
    const m: AgentMessage = {
      v: 1,
      agentId: this.a.agentId,
      at,
      type: 'clock',
      reading: { cameraId: cam, at, driftSeconds: value },
    };
    this.link.send(m);
    this.sent.set(cam, [...(this.sent.get(cam) ?? []), value]);
  }

  /** Stops producing; waits until everything produced is acknowledged. */
  async drain(timeoutMs = 60_000): Promise<void> {
    clearInterval(this.timer);
    this.link.flush();
    await waitFor(
      () => (this.link.connected && this.journal.pending.length === 0) || undefined,
      timeoutMs,
      `${this.a.agentId}'s journal drained`,
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.link?.stop();
  }

  get total(): number {
    return this.n;
  }
}

/** Readings stored for some cameras (all kinds of measurement). */
export async function stored(redis: Redis, cams: string[]): Promise<number> {
  let n = 0;
  for (const c of cams) n += await redis.llen(`${PREFIX}meas:cam:${c}`);
  return n;
}

/** Lost and duplicated readings of counting agents, from what Redis holds. */
export async function verify(
  redis: Redis,
  agents: CountingAgent[],
): Promise<{ sent: number; lost: number; duplicated: number }> {
  let sent = 0;
  let lost = 0;
  let duplicated = 0;
  for (const a of agents)
    for (const cam of a.cams) {
      const want = a.sent.get(cam) ?? [];
      sent += want.length;
      // entries "<ms base 36>|c|<drift>" (server/src/repositories/measurements.ts)
      const got = (await redis.lrange(`${PREFIX}meas:cam:${cam}`, 0, -1))
        .filter((e) => e.split('|')[1] === 'c')
        .map((e) => Number(e.split('|')[2]));
      const seen = new Set(got);
      duplicated += got.length - seen.size;
      for (const v of want) if (!seen.has(v)) lost++;
    }
  return { sent, lost, duplicated };
}
