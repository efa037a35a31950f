/**
 * A real agent's batches on its link (issues 4 and 17): how many batches a second one school's agent sends, and how
 * many messages each carries — what the centre pays per batch, at full scale 7,500 times over. Two agents at default
 * intervals watch the same 33 simulated cameras, each over its own link to a centre that counts and acknowledges:
 * one sending every message within 0.5 s (what the agent did before), one letting routine messages (samples,
 * periodic states, clock readings, heartbeats) wait up to 5 s unless news takes them along (what it does now).
 * Writes its section of bench/RESULTS.md. Env: BENCH_CAMERAS (33), BENCH_WINDOW_S (240), BENCH_WARMUP_S (90).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '@kuzet/agent';
import { WebSocketServer } from 'ws';
import { Journal } from '../agents/src/journal.ts';
import { ServerLink } from '../agents/src/link.ts';
import { agentConfig, generatedSimulator } from '../test/helpers.ts';
import { machine } from './proc.ts';
import { writeSection } from './results.ts';

const N = Number(process.env.BENCH_CAMERAS ?? 33);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 240);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 90);
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A centre that welcomes, acknowledges and counts: each batch's time, size and kinds of message. */
async function countingCentre() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const batches: { at: number; size: number; kinds: string[] }[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', (d) => {
      const f = JSON.parse(String(d));
      if (f.type === 'hello') ws.send(JSON.stringify({ type: 'welcome', ackedSeq: 0, heartbeatSeconds: 15 }));
      if (f.type === 'ping') ws.send(JSON.stringify({ type: 'pong', t: f.t }));
      if (f.type === 'batch') {
        batches.push({
          at: Date.now(),
          size: f.messages.length,
          kinds: f.messages.map((m: { type: string }) => m.type),
        });
        ws.send(JSON.stringify({ type: 'ack', seq: f.seq }));
      }
    });
  });
  return { wss, batches, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}` };
}

async function startAgent(id: string, label: string, routineFlushMs?: number) {
  const centre = await countingCentre();
  const dir = mkdtempSync(join(tmpdir(), 'kuzet-bench-link-'));
  const link = new ServerLink({
    url: centre.url,
    token: 't',
    agentId: id,
    journal: new Journal(join(dir, 'journal')),
    ...(routineFlushMs !== undefined ? { routineFlushMs } : {}),
  });
  const agent = new Agent(agentConfig({ agentId: id }), link);
  link.on('connected', (resync) => {
    if (resync) agent.resync();
  });
  link.start();
  await agent.start();
  return {
    label,
    centre,
    agent,
    stop: async () => {
      await agent.stop();
      await link.stop();
      centre.wss.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const { sim } = await generatedSimulator({ count: N });
const before = await startAgent('agent-before', 'every message within 0.5 s (the agent before)', 500);
const now = await startAgent('agent-now', 'routine messages within 5 s, news within 0.5 s (the agent now)');
try {
  log(`${N} cameras, two agents; warm-up ${WARMUP_S} s, window ${WINDOW_S} s`);
  await sleep(WARMUP_S * 1000);
  const from = Date.now();
  await sleep(WINDOW_S * 1000);
  const to = Date.now();
  const rows = [before, now].map((a) => {
    const inWindow = a.centre.batches.filter((b) => b.at >= from && b.at < to);
    const messages = inWindow.reduce((s, b) => s + b.size, 0);
    const kinds = new Map<string, number>();
    for (const b of inWindow) for (const k of b.kinds) kinds.set(k, (kinds.get(k) ?? 0) + 1);
    const r = {
      label: a.label,
      batchesPerS: inWindow.length / ((to - from) / 1000),
      messagesPerS: messages / ((to - from) / 1000),
      perBatch: messages / Math.max(1, inWindow.length),
      kinds: [...kinds]
        .sort((x, y) => y[1] - x[1])
        .map(([k, n]) => `${k} ${(n / ((to - from) / 1000)).toFixed(2)}`)
        .join(', '),
    };
    log(JSON.stringify(r));
    return r;
  });
  const fleet = 7500;
  writeSection(
    "A real agent's batches on its link (issues 4 and 17)",
    [
      `Run ${new Date().toISOString()} on ${machine()}. One simulator with ${N} cameras (a school's worth), two agents at default intervals watching all of them, each over its own link to a centre that acknowledges and counts; ${WARMUP_S} s of warm-up, then ${WINDOW_S} s. Its checks start in step and drift apart by the scheduler's 5 % jitter, so a freshly started agent's samples are more bunched than after hours: the "before" row is a lower bound.`,
      '',
      '| agent | batches /s | messages /s | messages per batch | batches /s for 7,500 schools | messages /s by kind |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows.map(
        (r) =>
          `| ${r.label} | ${r.batchesPerS.toFixed(2)} | ${r.messagesPerS.toFixed(1)} | ${r.perBatch.toFixed(1)} | ${Math.round(r.batchesPerS * fleet).toLocaleString('en')} | ${r.kinds} |`,
      ),
      '',
      'What the centre pays per batch at such rates: the section "Steady state with real agents\' clock readings and states".',
    ].join('\n'),
  );
} finally {
  await before.stop();
  await now.stop();
  await sim.stop();
}
process.exit(0);
