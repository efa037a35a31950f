import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleGuard, ensureDashboardBuilt, launch, openAs, screenshot } from '../browser.ts';
import { type Chain, startChain } from '../chain.ts';
import { waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api } from '../server-helpers.ts';

const SCHOOL = 'KZ-75-01-0001';
const USERS = [
  { username: 'op-live', password: 'operator-live-pw', role: 'operator', regions: ['KZ-75'] },
  { username: 'aud-live', password: 'auditor-live-pw', role: 'auditor', regions: [] },
];

/** What the page's video shows: its clock, and a few pixels' worth of the current picture (mean and a hash). */
const look = (page: Page) =>
  page.evaluate(() => {
    const v = document.querySelector('[data-testid=live-video]') as HTMLVideoElement;
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 36;
    const g = c.getContext('2d')!;
    g.drawImage(v, 0, 0, 64, 36);
    const px = g.getImageData(0, 0, 64, 36).data;
    let sum = 0;
    let hash = 0;
    for (let i = 0; i < px.length; i += 4) {
      sum += px[i]! + px[i + 1]! + px[i + 2]!;
      hash = (hash * 31 + px[i]! + 7 * px[i + 1]! + 13 * px[i + 2]!) | 0;
    }
    return { time: v.currentTime, width: v.videoWidth, mean: sum / (px.length / 4) / 3, hash };
  });

describe('live video in Chromium: relayed by the agent, played with Media Source Extensions', () => {
  let chain: Chain;
  let browser: Browser;
  let base: string;
  let cameraId: string;
  const guard = new ConsoleGuard();
  const contexts: BrowserContext[] = [];
  const as = (username: string, password: string, locale = 'en-US') =>
    openAs({ browser, base, guard, contexts }, username, password, locale, { width: 1280, height: 900 });

  beforeAll(async () => {
    ensureDashboardBuilt();
    chain = await startChain({
      school: SCHOOL,
      agentId: 'agent-almaty-1',
      cameras: 1,
      env: { KUZET_LIVE_SESSION_SECONDS: '12' },
    });
    base = chain.server.url;
    const api = new Api(base);
    await api.login('admin', ADMIN_PASSWORD);
    for (const u of USERS) expect((await api.post('/users', u)).status).toBe(200);
    cameraId = await waitFor(
      async () => {
        const c = (await api.get(`/schools/${SCHOOL}/cameras`)).json as { cameraId: string; status: string }[];
        return c.find((x) => x.status === 'online')?.cameraId;
      },
      45_000,
      'an online camera',
    );
    // named and placed by staff: the camera page shows it by that name, and where it watches
    const placed = { name: 'Main gate', zone: 'main_entrance' };
    expect((await api.call('PUT', `/cameras/${cameraId}/placement`, placed)).status).toBe(200);
    browser = await launch();
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
    expect(guard.errors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await chain?.stop();
  });

  it('an operator watches a camera: frames arrive and change, the picture is the camera’s; closing the tab ends it', async () => {
    const page = await as('op-live', 'operator-live-pw');
    await page.goto(`${base}/cameras/${cameraId}`);
    await page.locator('h1', { hasText: 'Main gate' }).waitFor();
    await page.locator('dl.facts dd', { hasText: 'Main entrance' }).waitFor();
    await page.getByTestId('watch-live').click();
    await page.waitForFunction(
      () => ((document.querySelector('[data-testid=live-video]') as HTMLVideoElement | null)?.currentTime ?? 0) > 0,
      undefined,
      { timeout: 15_000 },
    );
    const a = await look(page);
    await page.waitForTimeout(1500);
    const b = await look(page);
    expect(b.time).toBeGreaterThan(a.time); // it plays
    expect(a.hash).not.toBe(b.hash); // and the picture moves on
    expect(a.width).toBe(640); // the camera's substream, preferred for live
    expect(a.mean).toBeGreaterThan(40); // the test pattern's colours, not a black picture
    await page.getByTestId('live-left').waitFor();
    await screenshot(page, 'live-operator');
    expect(chain.relay.active).toBe(1);
    await page.close(); // the tab closes: nobody watches, the agent stops pulling the camera
    await waitFor(() => chain.relay.active === 0 || undefined, 10_000, 'the relay to stop');
  });

  it('ends when its time runs out, and says so; watching again works', async () => {
    const page = await as('op-live', 'operator-live-pw', 'ru-RU');
    await page.goto(`${base}/cameras/${cameraId}`);
    await page.getByTestId('watch-live').click();
    await page.getByTestId('live-left').waitFor();
    await page.getByText('Трансляция закончилась: время истекло.').waitFor({ timeout: 25_000 });
    await screenshot(page, 'live-expired-ru');
    await page.getByRole('button', { name: 'Смотреть снова' }).click();
    await page.getByTestId('live-left').waitFor();
    await page.getByRole('button', { name: 'Закрыть' }).click();
    await waitFor(() => chain.relay.active === 0 || undefined, 10_000, 'the relay to stop');
  });

  it('an auditor is offered no live video, and the centre refuses one asked for anyway', async () => {
    const page = await as('aud-live', 'auditor-live-pw', 'kk-KZ');
    await page.goto(`${base}/cameras/${cameraId}`);
    await page.getByText('Бейне сіздің рөліңізге қолжетімсіз.').waitFor();
    expect(await page.getByTestId('watch-live').count()).toBe(0);
    const answer = await page.evaluate(
      (id) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/api/v1/video?camera=${id}`);
          ws.onmessage = (e) => resolve(String(e.data));
        }),
      cameraId,
    );
    expect(JSON.parse(answer)).toMatchObject({ type: 'ended', reason: 'not_allowed' });
    await screenshot(page, 'live-auditor-kk');
  });
});
