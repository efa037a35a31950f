import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AgentConfig, parseConfig } from '@kuzet/agent';
import { type GenerateOptions, generateCameras, type SimConfigInput, Simulator } from '@kuzet/simulator';
import S3rver from 's3rver';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLIPS_DIR = resolve(ROOT, '.cache/clips');

function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((res) => {
    const s = net.createServer();
    s.once('error', () => res(false));
    s.listen(port, host, () => s.close(() => res(true)));
  });
}

/**
 * Where the kernel's ephemeral ports begin (the local ports outgoing connections take; 32768 on Linux by default).
 * Listening ports are chosen below it: a simulated camera closes its ports while it is offline or its RTSP is down,
 * and a port in the ephemeral range could meanwhile be taken by any client socket on the machine — listening again
 * then failed with EADDRINUSE (seen once in a fresh-clone run of server-chain.test.ts, on port 37494).
 */
function ephemeralStart(): number {
  try {
    const lo = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(lo) && lo > 12_000 ? lo : 32_768;
  } catch {
    return 32_768;
  }
}

/** A base port with `count` consecutive free ports above it (checked, not assumed), below the ephemeral ports. */
export async function freePortRange(count: number): Promise<number> {
  const top = ephemeralStart() - count;
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * (top - 10_000));
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

/** A unique serial prefix per test run, so a test only counts its own simulated cameras. */
export const runTag = () =>
  `T${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1296)
    .toString(36)
    .toUpperCase()}`;

export async function startSimulator(input: SimConfigInput): Promise<Simulator> {
  const sim = new Simulator({ clipsDir: CLIPS_DIR, ...input }, ROOT);
  await sim.start();
  return sim;
}

export async function generatedSimulator(o: Omit<GenerateOptions, 'basePort'>, extra: Partial<SimConfigInput> = {}) {
  const basePort = await freePortRange(2 * o.count + 2);
  const tag = runTag();
  const gen = generateCameras({ width: 640, height: 360, ...o, basePort });
  for (const c of gen.cameras) c.serial = `${tag}-${c.serial}`;
  const sim = await startSimulator({ ...gen, discoveryMaxDelayMs: 200, ...extra });
  return { sim, tag, basePort };
}

export function agentConfig(over: Record<string, unknown> = {}): AgentConfig {
  return parseConfig({
    agentId: 'test-agent',
    discovery: { interfaces: ['lo'], waitMs: 1500, intervalSeconds: 3600 },
    credentials: [{ username: 'admin', password: 'camera-pass' }],
    requirements: {
      name: 'test',
      minRetentionDays: 30,
      minWidth: 640,
      minHeight: 360,
      minFps: 12,
      maxClockDriftSeconds: 30,
      maxGapMinutes: 10,
    },
    ...over,
  });
}

export async function waitFor<T>(
  fn: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  /** said on timeout; a function to tell what was seen by then */
  what: string | (() => string) = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (let late = false; ; ) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    // past the deadline, one more look after a turn of the event loop: a loop stalled past the deadline fires the
    // timer below before it reads what the sockets received meanwhile
    if (late)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    late = Date.now() > end;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A real redis-server of our own on a free port, gone when stopped; `args` go after the defaults (and win). */
export async function startRedis(args: string[] = []): Promise<{
  url: string;
  port: number;
  proc: import('node:child_process').ChildProcess;
  stop: () => Promise<void>;
}> {
  const { spawn } = await import('node:child_process');
  const port = await freePortRange(1);
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) resolve();
    });
    proc.on('exit', (c) => reject(new Error(`redis-server exited ${c}: ${out}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    proc,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** A real S3 endpoint for a test: s3rver on a free loopback port, its data in a fresh temporary directory. */
export async function startS3rver(): Promise<{ s3: S3rver; endpoint: string }> {
  const port = await freePortRange(1);
  const s3 = new S3rver({
    port,
    address: '127.0.0.1',
    directory: mkdtempSync(join(tmpdir(), 'kuzet-s3rver-')),
    silent: true,
  });
  await s3.run();
  return { s3, endpoint: `http://127.0.0.1:${port}` };
}
