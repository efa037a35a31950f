import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ROOT } from './helpers.ts';

export const SHOTS = join(ROOT, 'test/artifacts/screenshots');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the dashboard when its build is missing or older than its sources (the server serves dashboard/dist). */
export function ensureDashboardBuilt(): void {
  const index = join(ROOT, 'dashboard/dist/index.html');
  const src = Math.max(newest(join(ROOT, 'dashboard/src')), newest(join(ROOT, 'protocol/src')));
  const built = existsSync(index) && existsSync(join(ROOT, 'dashboard/dist/assets'));
  if (built && statSync(index).mtimeMs > src && !developmentBuild()) return;
  execFileSync('npx', ['vite', 'build', 'dashboard', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (developmentBuild())
    throw new Error('dashboard/dist holds React development code: the build must be a production build');
}

/** A build that bundled React's development runtime (its JSX dev helper is in it): slow, never what is served. */
function developmentBuild(): boolean {
  const assets = join(ROOT, 'dashboard/dist/assets');
  return readdirSync(assets).some((f) => f.endsWith('.js') && readFileSync(join(assets, f), 'utf8').includes('jsxDEV'));
}

/** Debian's Chromium, headless; never a downloaded browser. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/**
 * Collects console errors and page errors of every page of a context. The test fails on any of them, except the
 * browser's own connection-refused messages while a test has deliberately stopped the server (`expectOutage`) and
 * the API's 404 answers while it visits pages outside the user's scope on purpose (`expectNotFound`).
 */
export class ConsoleGuard {
  readonly errors: string[] = [];
  private outage = false;
  private notFound = false;
  private refused = false;
  watch(ctx: BrowserContext): void {
    ctx.on('page', (p) => this.watchPage(p));
    for (const p of ctx.pages()) this.watchPage(p);
  }
  watchPage(p: Page): void {
    p.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      const refused =
        /ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE/;
      if (this.outage && refused.test(text)) return;
      if (this.notFound && /status of 404 \(Not Found\)/.test(text)) return;
      if (this.refused && /status of (400 \(Bad Request\)|403 \(Forbidden\)|409 \(Conflict\))/.test(text)) return;
      this.errors.push(`${p.url()}: ${text}`);
    });
    p.on('pageerror', (e) => this.errors.push(`${p.url()}: page error: ${e.message}`));
  }
  expectOutage(on: boolean): void {
    this.outage = on;
  }
  /** while a test submits something invalid (or not allowed yet) on purpose, the API's 400, 403 or 409 is the answer */
  expectRefusal(on: boolean): void {
    this.refused = on;
  }
  /** while a test visits a page outside the user's scope on purpose, the API's 404s are the expected answer */
  expectNotFound(on: boolean): void {
    this.notFound = on;
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * A user's own browser context (its console watched by `guard`, kept in `contexts` for the test to close), logged in:
 * its page.
 */
export async function openAs(
  o: { browser: Browser; base: string; guard: ConsoleGuard; contexts: BrowserContext[] },
  username: string,
  password: string,
  locale = 'en-US',
  viewport = { width: 1440, height: 1000 },
): Promise<Page> {
  const ctx = await o.browser.newContext({ viewport, locale });
  o.contexts.push(ctx);
  o.guard.watch(ctx);
  const page = await ctx.newPage();
  await login(page, o.base, username, password);
  return page;
}

export async function login(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('header.top');
}

/**
 * The schools table's cells after the name and district (status, cameras, recording days, resolution, verdict) whose
 * text does not fit its column: those must be read whole (names and districts are cut on purpose, with a title).
 */
export function cutSchoolCells(page: Page): Promise<string[]> {
  return page.$$eval('.vbody-row > .td:nth-child(n+3)', (els) =>
    els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => (e.textContent ?? '').trim()),
  );
}
