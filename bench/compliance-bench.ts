/**
 * Compliance benchmark (issue 13): 7,500 schools / 250,000 cameras through the real agent link, each camera with a
 * state, a stream measurement and a retention report; then, while nominal ingest runs (25,000 samples/s), an admin
 * changes the national profile and every camera and school is evaluated again. Measures that re-evaluation (the
 * PUT answers when it is done) and the ingest's ack latency meanwhile; baseline in the same run: the same
 * re-evaluation with no ingest. Then the compliance view of the country in Chromium.
 * Writes the "Compliance" section of bench/RESULTS.md. Env: BENCH_AGENTS (7,500), BENCH_CAMERAS (250,000).
 */
import { launch } from '../test/browser.ts';
import { storeFacts } from './facts.ts';
import { ADMIN_PW, adminApi, log, sleep, startFleet } from './fleet.ts';
import { machine, percentile } from './proc.ts';
import { writeSection } from './results.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 7500);
const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 250_000);
const PERIOD_MS = 10_000;

const fleet = await startFleet({ agents: AGENTS, cameras: CAMERAS });
const { sims, ackLag, port } = fleet;
const base = `http://127.0.0.1:${port}`;
try {
  await storeFacts(fleet);
  const api = await adminApi(port);
  // the verdicts of the first load settle (each school was marked when its facts came)
  await sleep(15_000);
  const change = async (days: number) => {
    const doc = (await (await api('/requirements')).json()) as {
      version: number;
      profiles: { name: string; minRetentionDays: number }[];
    };
    const next = {
      ...doc,
      version: doc.version + 1,
      profiles: doc.profiles.map((p) => (p.name === 'national' ? { ...p, minRetentionDays: days } : p)),
    };
    const t0 = performance.now();
    const res = await api('/requirements', { method: 'PUT', body: JSON.stringify(next) });
    const body = (await res.json()) as { schools: number };
    return { ms: performance.now() - t0, schools: body.schools, status: res.status };
  };
  // baseline: the same re-evaluation with no ingest running
  const quiet = await change(25);
  log(`re-evaluation without ingest: ${quiet.ms.toFixed(0)} ms for ${quiet.schools} schools (HTTP ${quiet.status})`);
  // nominal ingest, measured for 20 s before and during the change
  const stopLoad = fleet.healthLoad(1, PERIOD_MS);
  await sleep(20_000);
  ackLag.length = 0;
  const loaded = await change(30);
  await sleep(2_000);
  const lags = [...ackLag].sort((a, b) => a - b);
  const offered = stopLoad();
  log(`re-evaluation under nominal ingest: ${loaded.ms.toFixed(0)} ms; ack p99 ${percentile(lags, 99).toFixed(0)} ms`);
  const figures = (await (await api('/compliance')).json()) as { figures: Record<string, unknown> };
  // the compliance view of the country, in Chromium
  const browser = await launch();
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
  await page.goto(`${base}/`);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', ADMIN_PW);
  await page.click('button[type=submit]');
  await page.waitForSelector('header.top');
  const views: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await page.goto(`${base}/compliance`);
    await page.waitForSelector('[data-testid=compliance-units] tr[data-unit]');
    views.push(performance.now() - t0);
  }
  await browser.close();
  writeSection(
    'Compliance: re-evaluation after a national profile change (issue 13)',
    [
      `Run ${new Date().toISOString()} on ${machine()}; redis-server, the server and the agent fleet (${sims.length.toLocaleString('en')} websocket clients) share the two cores.`,
      `${fleet.camNo.toLocaleString('en')} cameras of ${sims.length.toLocaleString('en')} schools, each with a state, a stream measurement and a retention report stored through the real agent link. An admin replaces the requirement document (national profile's recording days changed); \`PUT /requirements\` answers when every school and camera has been evaluated again and stored.`,
      '',
      '| figure | measured | target |',
      '| --- | --- | --- |',
      `| re-evaluating all ${fleet.camNo.toLocaleString('en')} cameras and ${loaded.schools.toLocaleString('en')} schools after a national profile change, nominal ingest running | ${(loaded.ms / 1000).toFixed(1)} s | < 10 s |`,
      `| baseline: the same re-evaluation, no ingest running | ${(quiet.ms / 1000).toFixed(1)} s | |`,
      `| ack p99 of the nominal ingest (${Math.round(offered.offeredPerS).toLocaleString('en')} samples/s offered) during it | ${percentile(lags, 99).toFixed(0)} ms | < 250 ms |`,
      `| compliance view of the country (7,500 schools) in Chromium, navigation to the regions table | ${Math.max(...views).toFixed(0)} ms (max of 3; ${views.map((v) => v.toFixed(0)).join(', ')}) | < 1 s |`,
      '',
      `Figures after the run: ${JSON.stringify(figures.figures)}`,
    ].join('\n'),
  );
} finally {
  await fleet.stop();
}
process.exit(0);
