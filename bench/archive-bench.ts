/**
 * Archive benchmark (issue 14): 7,500 schools / 250,000 cameras with their facts stored through the real agent
 * link; the daily evaluation of a whole day (every camera's availability from its history, every verdict, written to
 * the hash chain) measured in the server — once with no ingest (baseline), once under nominal ingest with the
 * agents' ack latency meanwhile; then 30 days of archive (the evaluated day's objects copied under 29 earlier days:
 * the same size as real ones) for a region's 30-day PDF and the country's 30-day CSV, with the server's memory.
 * Writes the "Archive" section of bench/RESULTS.md. Env: BENCH_AGENTS (7,500), BENCH_CAMERAS (250,000).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ArchiveRepository } from '../server/src/repositories/archive.ts';
import { DiskObjectStore } from '../server/src/repositories/object-store.ts';
import { Keys } from '../server/src/repositories/redis.ts';
import { addDays, dayOf } from '../server/src/services/archive-day.ts';
import { storeFacts } from './facts.ts';
import { adminApi, log, sleep, startFleet } from './fleet.ts';
import { machine, percentile, rssMb } from './proc.ts';
import { writeSection } from './results.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 7500);
const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 250_000);
const PERIOD_MS = 10_000;
const objects = mkdtempSync(join(tmpdir(), 'kuzet-archive-bench-'));

const fleet = await startFleet({ agents: AGENTS, cameras: CAMERAS, env: { KUZET_OBJECT_DIR: objects } });
const { sims, ackLag, port, server } = fleet;
try {
  await storeFacts(fleet);
  const api = await adminApi(port);
  const yesterday = addDays(dayOf(Date.now(), 'Asia/Almaty'), -1);
  // the day is judged from what is stored now (every camera online since the facts came)
  const rejudge = async () => {
    const t0 = performance.now();
    const res = await api(`/archive/days/${yesterday}/rejudge`, { method: 'POST', body: '{}' });
    const body = (await res.json()) as { n: number };
    if (res.status !== 200) throw new Error(`rejudge: HTTP ${res.status} ${JSON.stringify(body)}`);
    return { ms: performance.now() - t0, n: body.n };
  };
  await sleep(10_000);
  const quiet = await rejudge();
  log(`daily evaluation without ingest: ${quiet.ms.toFixed(0)} ms (entry ${quiet.n})`);
  const stopLoad = fleet.healthLoad(1, PERIOD_MS);
  await sleep(20_000);
  ackLag.length = 0;
  const loaded = await rejudge();
  await sleep(2_000);
  const lags = [...ackLag].sort((a, b) => a - b);
  const offered = stopLoad();
  log(
    `daily evaluation under nominal ingest: ${loaded.ms.toFixed(0)} ms; ack p99 ${percentile(lags, 99).toFixed(0)} ms`,
  );

  // 29 earlier days: the evaluated day's objects under each (appended to the same chain, as the server would)
  const redis = new Redis(fleet.redis.url);
  const repo = new ArchiveRepository(new DiskObjectStore(objects), redis, new Keys('bench:'));
  const current = (await repo.entry(loaded.n))!.manifest;
  const regions = await Promise.all(
    current.objects
      .filter((o) => o.part === 'schools')
      .map((o) => repo.region(current, o.regionCode, { cameras: true })),
  );
  const from = addDays(yesterday, -29);
  for (let d = from; d < yesterday; d = addDays(d, 1)) {
    await repo.append(
      { day: d, kind: 'daily', requirementsVersion: current.requirementsVersion, figures: current.figures },
      regions.map((r) => ({ ...r!, day: d })),
    );
  }
  redis.disconnect();
  log('30 days of archive written');
  const biggest = Object.entries(current.figures.regions).sort((a, b) => b[1].schools - a[1].schools)[0]!;
  const pdfRuns: number[] = [];
  let pdfBytes = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const res = await api(`/exports/compliance.pdf?region=${biggest[0]}&from=${from}&to=${yesterday}&lang=ru`);
    pdfBytes = (await res.arrayBuffer()).byteLength;
    if (res.status !== 200) throw new Error(`pdf: HTTP ${res.status}`);
    pdfRuns.push(performance.now() - t0);
  }
  log(`region PDF: ${pdfRuns.map((x) => x.toFixed(0)).join(', ')} ms, ${pdfBytes} bytes`);
  // the country's CSV, read slowly enough to need streaming, with the server's resident memory sampled meanwhile
  const rss0 = rssMb(server.pid!);
  let rssMax = rss0;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, rssMb(server.pid!));
  }, 100);
  const t0 = performance.now();
  const res = await api(`/exports/compliance.csv?from=${from}&to=${yesterday}&lang=kk`);
  let csvBytes = 0;
  let rows = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    csvBytes += value.byteLength;
    for (const b of value) if (b === 10) rows++;
  }
  const csvMs = performance.now() - t0;
  clearInterval(sampler);
  log(
    `country CSV: ${csvMs.toFixed(0)} ms, ${rows} rows, ${csvBytes} bytes, RSS ${rss0.toFixed(0)} → max ${rssMax.toFixed(0)} MB`,
  );
  writeSection(
    "Archive: the daily evaluation, a region's PDF, the country's CSV (issue 14)",
    [
      `Run ${new Date().toISOString()} on ${machine()}; redis-server, the server and the agent fleet (${sims.length.toLocaleString('en')} websocket clients) share the two cores.`,
      `${fleet.camNo.toLocaleString('en')} cameras of ${sims.length.toLocaleString('en')} schools with their facts stored through the real agent link. The day is judged in the server (its compliance thread) by \`POST /archive/days/:day/rejudge\`: every camera's availability from its status history, every camera's and school's verdict, one gzipped object per region and the manifest written to the object store (local disk). For the exports, the evaluated day's objects were copied under the 29 days before it (appended to the same chain): 30 days of real size.`,
      '',
      '| figure | measured | target |',
      '| --- | --- | --- |',
      `| daily evaluation of ${fleet.camNo.toLocaleString('en')} cameras / ${current.figures.country.schools.toLocaleString('en')} schools, nominal ingest running | ${(loaded.ms / 1000).toFixed(1)} s | < 60 s |`,
      `| ack p99 of the nominal ingest (${Math.round(offered.offeredPerS).toLocaleString('en')} samples/s offered) during it | ${percentile(lags, 99).toFixed(0)} ms | < 250 ms |`,
      `| baseline: the same evaluation, no ingest running | ${(quiet.ms / 1000).toFixed(1)} s | |`,
      `| a region's 30-day PDF (${biggest[0]}, ${biggest[1].schools.toLocaleString('en')} schools; ${(pdfBytes / 1024).toFixed(0)} KB) | ${(Math.max(...pdfRuns) / 1000).toFixed(1)} s (max of 3; ${pdfRuns.map((x) => (x / 1000).toFixed(1)).join(', ')}) | < 5 s |`,
      `| the country's 30-day CSV (${(rows - 1).toLocaleString('en')} rows, ${(csvBytes / 1024 / 1024).toFixed(1)} MB), streamed: server RSS growth | ${(rssMax - rss0).toFixed(0)} MB (${rss0.toFixed(0)} → ${rssMax.toFixed(0)} MB; ${(csvMs / 1000).toFixed(1)} s) | < 200 MB |`,
    ].join('\n'),
  );
} finally {
  await fleet.stop();
}
process.exit(0);
