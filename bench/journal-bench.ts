/**
 * Agent journal (issue 17): how much disk and memory a link outage costs a school's agent. One hour of the messages
 * of a 33-camera school at the default intervals goes through the real link (centre unreachable) into the real
 * journal; the file size and the process's memory for the pending batches are measured and scaled to a week.
 * Baseline in the same run: the same messages as plain NDJSON lines (the journal's format before compression).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentMessage } from '@kuzet/protocol';
import { Journal } from '../agents/src/journal.ts';
import { ServerLink } from '../agents/src/link.ts';
import { machine } from './proc.ts';
import { writeSection } from './results.ts';

const CAMERAS = 33;
const HOURS = 1;

/** What an agent sends for `CAMERAS` cameras in an hour at default intervals (agents/src/config.ts). */
function hourOfMessages(): AgentMessage[] {
  const cams = Array.from({ length: CAMERAS }, (_, i) => `cam-${(0xabc000 + i).toString(16).padStart(16, '0')}`);
  const out: AgentMessage[] = [];
  const t0 = Date.parse('2026-12-01T00:00:00Z');
  const base = { v: 1 as const, agentId: 'school-agent-001' };
  for (let s = 0; s < 3600 * HOURS; s++)
    for (const [i, c] of cams.entries()) {
      const at = new Date(t0 + s * 1000 + i * 7).toISOString();
      const h = (tier: 'reachability' | 'session' | 'rtsp' | 'clock', latencyMs: number) =>
        out.push({ ...base, at, type: 'health', sample: { cameraId: c, at, tier, ok: true, reasons: [], latencyMs } });
      if ((s + i) % 10 === 0) h('reachability', 12 + (s % 7));
      if ((s + i) % 60 === 0) h('session', 25);
      if ((s + i) % 30 === 0) h('rtsp', 18);
      if ((s + i) % 300 === 0) {
        h('clock', 9);
        out.push({ ...base, at, type: 'clock', reading: { cameraId: c, at, driftSeconds: 0.4, ntp: true } });
      }
      if ((s + i) % 60 === 0)
        out.push({
          ...base,
          at,
          type: 'state',
          state: { cameraId: c, at, status: 'online', reasons: [], since: '2026-11-30T10:00:00.000Z', lastSeen: at },
        });
    }
  return out;
}

const msgs = hourOfMessages();
const dir = mkdtempSync(join(tmpdir(), 'kuzet-journal-bench-'));
const journal = new Journal(dir, 1024 * 1024 * 1024);
// a link whose centre is unreachable: it journals what it is given, in its offline batches
const link = new ServerLink({
  url: 'ws://127.0.0.1:9/agent/link',
  token: 't',
  agentId: 'a',
  journal,
  backoffMinMs: 600_000,
});
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const t0 = process.hrtime.bigint();
// the hour's messages arrive over an hour; the offline flush interval (30 s) cuts them into batches
const perFlush = Math.ceil(msgs.length / (3600 / 30));
for (let i = 0; i < msgs.length; i += perFlush) {
  for (const m of msgs.slice(i, i + perFlush)) link.send(m);
  link.flush();
}
const cpuMs = Number(process.hrtime.bigint() - t0) / 1e6;
global.gc?.();
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
const fileMb = journal.sizeBytes() / 1e6;
const plainMb = msgs.reduce((n, m) => n + JSON.stringify(m).length + 1, 0) / 1e6;
await link.stop();
rmSync(dir, { recursive: true, force: true });
const week = (x: number) => (x * 168) / HOURS;
writeSection(
  'Agent journal: a week-long outage of a 33-camera school (issue 17)',
  [
    `Run ${new Date().toISOString()} on ${machine()}. One hour of a ${CAMERAS}-camera school's messages at default`,
    `intervals (${msgs.length.toLocaleString('en')} messages) through the real link with the centre unreachable (offline`,
    'batches of 30 s) into the real journal; scaled to a week (168 h).',
    '',
    '| figure | one hour | a week |',
    '| --- | --- | --- |',
    `| journal file (deflate + base64 lines) | ${fileMb.toFixed(2)} MB | ${week(fileMb).toFixed(0)} MB |`,
    `| baseline: the same messages as plain NDJSON (the format before) | ${plainMb.toFixed(2)} MB | ${week(plainMb).toFixed(0)} MB |`,
    `| agent heap held by the pending batches | ${heapMb.toFixed(1)} MB | ${week(heapMb).toFixed(0)} MB |`,
    `| CPU to journal them (compression included) | ${cpuMs.toFixed(0)} ms | ${(week(cpuMs) / 1000).toFixed(0)} s |`,
    '',
    `The default journal bound (journalMaxMb 128) holds ${(((128 / fileMb) * HOURS) / 24).toFixed(0)} days of such an outage;`,
    'beyond it the oldest batches are dropped first, and counted.',
  ].join('\n'),
);
process.stderr.write(
  `[bench] journal: ${fileMb.toFixed(2)} MB/h (plain ${plainMb.toFixed(2)}), heap ${heapMb.toFixed(1)} MB\n`,
);
