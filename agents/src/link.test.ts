import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { Journal } from './journal.ts';
import { type LinkOptions, ServerLink } from './link.ts';
import { MessageFactory } from './output.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A minimal centre: welcomes with a 200 ms heartbeat, acknowledges batches, answers pings while `answering`. */
async function centre(storedSeq = 0) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const c = { wss, pings: [] as number[], batches: 0, answering: true, seqs: [] as number[], sizes: [] as number[] };
  wss.on('connection', (ws) => {
    ws.on('message', (d) => {
      const f = JSON.parse(String(d));
      if (f.type === 'hello') ws.send(JSON.stringify({ type: 'welcome', ackedSeq: storedSeq, heartbeatSeconds: 0.2 }));
      if (f.type === 'ping') {
        c.pings.push(Date.now());
        if (c.answering) ws.send(JSON.stringify({ type: 'pong', t: f.t }));
      }
      if (f.type === 'batch') {
        c.batches++;
        c.seqs.push(f.seq);
        c.sizes.push(f.messages.length);
        if (c.answering) ws.send(JSON.stringify({ type: 'ack', seq: f.seq }));
      }
    });
  });
  return c;
}

/**
 * A link to centre `c` (journal in a fresh directory); `close` stops it and removes the centre and the directory —
 * once the acknowledgements of what stopping flushed are in (up to a second): an acknowledgement writes the journal.
 */
function linkTo(c: Awaited<ReturnType<typeof centre>>, over: Partial<LinkOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kuzet-link-'));
  const journal = new Journal(dir);
  const link = new ServerLink({
    url: `ws://127.0.0.1:${(c.wss.address() as AddressInfo).port}`,
    token: 't',
    agentId: 'agent-1',
    journal,
    ...over,
  });
  return {
    link,
    close: async () => {
      await link.stop();
      for (let i = 0; i < 50 && journal.pending.length && c.answering; i++) await sleep(20);
      c.wss.close();
      for (const ws of c.wss.clients) ws.terminate();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('agent link heartbeat', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0)) await f();
  });

  it('pings only while it has nothing else to send, and drops a centre that went silent', async () => {
    const c = await centre();
    const { link, close } = linkTo(c, { flushMs: 10, backoffMinMs: 60_000 });
    cleanup.push(close);
    const disconnected: string[] = [];
    link.on('disconnected', (r) => disconnected.push(r));
    link.start();
    await new Promise<void>((r) => link.once('connected', () => r()));

    // quiet: one ping per 200 ms interval
    await sleep(1100);
    expect(c.pings.length).toBeGreaterThanOrEqual(4);

    // reporting every 50 ms (each batch acknowledged): no ping at all
    const m = new MessageFactory('agent-1');
    const before = c.pings.length;
    for (let i = 0; i < 20; i++) {
      link.send(
        m.make('health', {
          sample: {
            cameraId: 'cam-0000000000000001',
            at: new Date().toISOString(),
            tier: 'rtsp',
            ok: true,
            reasons: [],
          },
        }),
      );
      await sleep(50);
    }
    expect(c.batches).toBeGreaterThanOrEqual(10);
    expect(c.pings.length).toBe(before);

    // the centre stops answering: the agent gives the link up after three intervals of silence
    c.answering = false;
    const silentFrom = Date.now();
    for (let i = 0; i < 40 && disconnected.length === 0; i++) await sleep(50);
    expect(disconnected.length).toBe(1);
    expect(Date.now() - silentFrom).toBeGreaterThanOrEqual(400);
  });
});

describe('agent link batching', () => {
  it('lets routine messages wait for a larger batch; news takes them along within flushMs', async () => {
    const c = await centre();
    const { link, close } = linkTo(c, { flushMs: 20, routineFlushMs: 60_000 });
    try {
      link.start();
      await new Promise<void>((r) => link.once('connected', () => r()));
      const m = new MessageFactory('agent-1');
      const at = () => new Date().toISOString();
      const sample = () =>
        m.make('health', {
          sample: { cameraId: 'cam-0000000000000001', at: at(), tier: 'reachability', ok: true, reasons: [] },
        });
      const state = (status: 'online' | 'offline') =>
        m.make('state', {
          state: { cameraId: 'cam-0000000000000001', at: at(), status, reasons: [], since: at() },
        });
      for (let i = 0; i < 5; i++) link.send(sample(), { routine: true });
      link.send(state('online'), { routine: true });
      // far longer than flushMs: routine messages wait (for a minute here)
      await sleep(400);
      expect(c.batches).toBe(0);
      // a change of status: sent within flushMs, with everything buffered before it, in one batch
      link.send(state('offline'));
      for (let i = 0; i < 100 && c.batches === 0; i++) await sleep(20);
      expect(c.sizes).toEqual([7]);
      // routine messages after it wait again; stopping the link flushes them
      link.send(sample(), { routine: true });
      await sleep(200);
      expect(c.batches).toBe(1);
    } finally {
      await close();
    }
  });
});

describe('agent link sequence', () => {
  it('never numbers below what the centre has stored: pending batches go out renumbered above it', async () => {
    const c = await centre(40);
    const dir = mkdtempSync(join(tmpdir(), 'kuzet-link-'));
    const journal = new Journal(dir);
    const m = new MessageFactory('agent-1');
    for (let i = 0; i < 3; i++)
      journal.append([m.make('heartbeat', { uptimeSeconds: i, cameras: 0, checksInFlight: 0, rssMb: 1 })]);
    const link = new ServerLink({
      url: `ws://127.0.0.1:${(c.wss.address() as AddressInfo).port}`,
      token: 't',
      agentId: 'agent-1',
      journal,
      flushMs: 10,
    });
    const rebased: number[] = [];
    link.on('rebased', (n) => rebased.push(n));
    link.start();
    for (let i = 0; i < 40 && c.seqs.length < 3; i++) await sleep(50);
    await link.stop();
    c.wss.close();
    rmSync(dir, { recursive: true, force: true });
    expect(c.seqs).toEqual([41, 42, 43]);
    expect(rebased).toEqual([3]);
  });
});

describe('agent link with several servers', () => {
  it('moves to the next server when the one it uses is gone', async () => {
    const a = await centre();
    const b = await centre();
    const dir = mkdtempSync(join(tmpdir(), 'kuzet-link-'));
    const port = (c: { wss: WebSocketServer }) => (c.wss.address() as AddressInfo).port;
    const link = new ServerLink({
      urls: [`ws://127.0.0.1:${port(a)}`, `ws://127.0.0.1:${port(b)}`],
      token: 't',
      agentId: 'agent-1',
      journal: new Journal(dir),
      flushMs: 10,
      backoffMinMs: 50,
      backoffMaxMs: 100,
    });
    link.start();
    await new Promise<void>((r) => link.once('connected', () => r()));
    expect(link.url).toContain(String(port(a)));
    for (const ws of a.wss.clients) ws.terminate();
    a.wss.close();
    await new Promise<void>((r) => link.once('connected', () => r()));
    expect(link.url).toContain(String(port(b)));
    const m = new MessageFactory('agent-1');
    link.send(m.make('heartbeat', { uptimeSeconds: 1, cameras: 0, checksInFlight: 0, rssMb: 1 }));
    for (let i = 0; i < 40 && b.batches === 0; i++) await sleep(25);
    expect(b.batches).toBe(1);
    await link.stop();
    b.wss.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
