import { createHash } from 'node:crypto';
import type { RunningServer } from '@kuzet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { enrolFakeAgent } from '../fake-agent.ts';
import { startRedis, waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

/** Abuse and bounds found by the security probe (issue 17, items 7, 9–11, 13, 14). */
const A = 'KZ-75-01-0001';
const camOf = (n: number) => `cam-${n.toString(16).padStart(16, '0')}`;

describe('abuse and bounds', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let s: RunningServer;
  let prefix: string;
  let admin: Api;

  beforeAll(async () => {
    redis = await startRedis();
    // behind a (simulated) reverse proxy on loopback: X-Forwarded-For names the client
    ({ server: s, prefix } = await testServer(redis.url, undefined, { KUZET_TRUST_PROXY: 'loopback' }));
    admin = new Api(s.url);
    expect(await admin.login('admin', ADMIN_PASSWORD)).toBe(200);
    for (const u of [
      { username: 'guard', role: 'school', regions: [], schoolId: A },
      { username: 'op', role: 'operator', regions: ['KZ-75'] },
    ])
      expect((await admin.post('/users', { ...u, password: `${u.username}-password-1` })).status).toBe(200);
  });
  afterAll(async () => {
    await s?.close();
    await redis?.stop();
  });

  it('slows guessing per user and address, and never refuses the right password from elsewhere', async () => {
    const attacker = new Api(s.url);
    attacker.headers['x-forwarded-for'] = '10.9.9.9';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await attacker.login('admin', 'guess'));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(Number(attacker.lastHeaders?.get('retry-after'))).toBeGreaterThan(0);
    // the real admin, elsewhere, logs in at once
    const real = new Api(s.url);
    real.headers['x-forwarded-for'] = '10.1.1.1';
    expect(await real.login('admin', ADMIN_PASSWORD)).toBe(200);
    // the wait grows with each failure and ends: 2 s after the fifth
    await new Promise((r) => setTimeout(r, 2100));
    expect(await attacker.login('admin', 'guess')).toBe(401);
    expect(await attacker.login('admin', 'guess')).toBe(429);
    const audit = (await admin.get('/audit?limit=100')).json as { action: string; ip?: string; username: string }[];
    expect(audit.filter((e) => e.action === 'login_failed' && e.ip === '10.9.9.9').length).toBe(6);
    expect(audit.some((e) => e.action === 'login_throttled' && e.ip === '10.9.9.9')).toBe(true);
    expect(audit.some((e) => e.action === 'login' && e.ip === '10.1.1.1')).toBe(true);
  });

  it('takes X-Forwarded-For only from the configured proxy', async () => {
    const { server: direct } = await testServer(redis.url, prefix, { KUZET_REGISTRY: '' });
    try {
      const spoof = new Api(direct.url);
      for (let i = 0; i < 6; i++) {
        spoof.headers['x-forwarded-for'] = `10.7.0.${i}`; // a new "address" each time: ignored
        await spoof.login('nobody', 'wrong');
      }
      expect(await spoof.login('nobody', 'wrong')).toBe(429);
    } finally {
      await direct.close();
    }
  });

  it('refuses state changes and the live socket from another origin (another port of this host too)', async () => {
    const evil = new Api(s.url);
    evil.cookie = admin.cookie;
    evil.headers.origin = 'http://127.0.0.1:9';
    expect((await evil.post('/agents/agent-almaty-1/revoke')).status).toBe(403);
    evil.headers = { 'sec-fetch-site': 'same-site' };
    expect((await evil.post('/agents/agent-almaty-1/revoke')).status).toBe(403);
    evil.headers = { origin: new URL(s.url).origin, 'sec-fetch-site': 'same-origin' };
    expect((await evil.post('/enrolment-codes', { schoolId: A, agentId: 'agent-almaty-1' })).status).toBe(200);
    const live = (origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${s.url.replace('http', 'ws')}/api/v1/live`, {
          headers: { cookie: admin.cookie, origin },
        });
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    expect(await live('http://127.0.0.1:9')).toBe(403);
    expect(await live(new URL(s.url).origin)).toBe(101);
  });

  it('answers malformed requests with 4xx, never 500', async () => {
    const raw = (path: string, init: RequestInit = {}) => fetch(`${s.url}${path}`, init).then((r) => r.status);
    expect(await raw('/api/v1/auth/me', { headers: { cookie: 'kuzet_session=%E0%A4%A' } })).toBe(401);
    expect(await raw('/api/v1/schools/%E0%A4%A', { headers: { cookie: admin.cookie } })).toBe(400);
    const post = (headers: Record<string, string>, body = '{}') =>
      raw('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect(await post({ 'content-encoding': 'compress' })).toBe(415);
    expect(await post({ 'content-type': 'application/json; charset=latin9' })).toBe(415);
    expect(await post({}, '{"username":')).toBe(400);
    expect(await raw('/assets/no-such-file.js')).toBe(404);
  });

  it('keeps sessions hashed, cookies Secure over TLS, metrics private', async () => {
    const keys = await s.redis.keys(`${prefix}session:*`);
    const sid = decodeURIComponent(admin.cookie.split('=')[1]!);
    expect(keys).not.toContain(`${prefix}session:${sid}`);
    expect(keys).toContain(`${prefix}session:${createHash('sha256').update(sid).digest('base64url')}`);
    // through the TLS-terminating proxy: Secure; plain HTTP: not
    const tls = new Api(s.url);
    tls.headers['x-forwarded-proto'] = 'https';
    await tls.login('op', 'op-password-1');
    expect(tls.lastHeaders?.get('set-cookie')).toMatch(/; Secure/i);
    const plain = new Api(s.url);
    await plain.login('op', 'op-password-1');
    expect(plain.lastHeaders?.get('set-cookie')).not.toMatch(/; Secure/i);
    expect((await fetch(`${s.url}/metrics`)).status).toBe(200); // loopback
    const { server: tokened } = await testServer(redis.url, prefix, {
      KUZET_REGISTRY: '',
      KUZET_METRICS_TOKEN: 'a-long-metrics-token',
    });
    try {
      expect((await fetch(`${tokened.url}/metrics`)).status).toBe(401);
      const ok = await fetch(`${tokened.url}/metrics`, { headers: { authorization: 'Bearer a-long-metrics-token' } });
      expect(ok.status).toBe(200);
    } finally {
      await tokened.close();
    }
  });

  it("bounds school staff's maintenance windows; staff cannot end an operator's", async () => {
    const guard = new Api(s.url);
    expect(await guard.login('guard', 'guard-password-1')).toBe(200);
    const op = new Api(s.url);
    expect(await op.login('op', 'op-password-1')).toBe(200);
    const agent = await enrolFakeAgent(admin, s.url, A, 'agent-almaty-1');
    await agent.batch([{ cam: camOf(1), status: 'online' }]);
    agent.ws.close();
    const h = (x: number) => new Date(Date.now() + x * 3_600_000).toISOString();
    const win = (from: string, to: string, extra = {}) => ({ schoolId: A, from, to, reason: 'works', ...extra });
    const bad = [
      win('2000-01-01T00:00:00Z', '2099-01-01T00:00:00Z'),
      win(h(0), h(9)),
      win(h(24 * 8), h(24 * 8 + 1)),
      win(h(0), h(1), { cameraId: camOf(0xdead) }),
    ];
    for (const b of bad) expect((await guard.post('/maintenance', b)).status).toBe(400);
    // each problem said in the three languages, as the school page shows them
    expect((await guard.post('/maintenance', win(h(-20), h(-1)))).json.problemsLocalized).toEqual([
      { en: 'the window is over already', ru: 'это время уже прошло', kk: 'бұл уақыт өтіп кеткен' },
      { en: 'at most 8 hours', ru: 'не больше 8 ч', kk: 'ең көбі 8 сағат' },
    ]);
    expect((await guard.post('/maintenance', win(h(2), h(1)))).json.problemsLocalized).toEqual([
      { en: 'to: must be after from', ru: 'to: должно быть позже начала', kk: 'to: басталуынан кейін болуы керек' },
    ]);
    expect((await guard.post('/maintenance', win(h(0), h(1), { cameraId: 'x'.repeat(250_000) }))).status).toBe(400);
    expect((await guard.post('/maintenance', win(h(0), h(2), { cameraId: camOf(1) }))).status).toBe(200);
    expect((await guard.post('/maintenance', win(h(3), h(4)))).status).toBe(200);
    expect((await guard.post('/maintenance', win(h(5), h(6)))).status).toBe(400); // a third
    const opw = await op.post('/maintenance', win(h(0), h(72)));
    expect(opw.status).toBe(200);
    const refused = await guard.call('DELETE', `/maintenance/${opw.json.id}`);
    expect(refused.status).toBe(403);
    expect(refused.json.problemsLocalized[0].ru).toBe('работы запланировал оператор: завершить их может только ЦОУ');
    // the school's own windows, soonest first (its page lists them)
    const ofSchool = (await guard.get(`/maintenance?schoolId=${A}`)).json as { from: string; byRole: string }[];
    expect(ofSchool.map((w) => w.byRole)).toEqual(['school', 'operator', 'school']);
    expect(ofSchool.map((w) => w.from)).toEqual([...ofSchool.map((w) => w.from)].sort());
    expect((await guard.get('/maintenance?schoolId=KZ-71-01-0001')).status).toBe(404); // not theirs
    const mine = ((await guard.get('/maintenance')).json as { id: string; byRole: string }[]).find(
      (w) => w.byRole === 'school',
    );
    expect((await guard.call('DELETE', `/maintenance/${mine!.id}`)).status).toBe(200);
  });

  it('notices a Redis that came back empty: not ready, rebuilt, accounts restored, agents asked to resync', async () => {
    const agent = await enrolFakeAgent(admin, s.url, A, 'agent-almaty-1');
    await agent.batch([{ cam: camOf(2), status: 'online' }]);
    await s.redis.flushall();
    await waitFor(
      () => agent.frames.find((f) => f.type === 'resync'),
      10_000,
      'the server to ask the agent for a resync',
    );
    await waitFor(async () => (await fetch(`${s.url}/readyz`)).status === 200 || undefined, 10_000, 'ready again');
    // logins and the agent's token work again (restored from the account backup in the object store)
    const back = new Api(s.url);
    expect(await back.login('op', 'op-password-1')).toBe(200);
    await agent.batch([{ cam: camOf(2), status: 'degraded', reasons: ['clock_drift'] }]);
    expect((await back.get(`/cameras/${camOf(2)}`)).json.status).toBe('degraded');
    agent.ws.close();
  });

  it('answers readiness within a second while Redis is down, and REST fails fast', async () => {
    await redis.stop();
    const t0 = Date.now();
    expect((await fetch(`${s.url}/readyz`)).status).toBe(503);
    expect(Date.now() - t0).toBeLessThan(1500);
    const t1 = Date.now();
    expect((await admin.get('/summary')).status).toBe(503);
    expect(Date.now() - t1).toBeLessThan(3500);
    // the audit log is read in a thread with its own connection: refused as plainly, not a 500 and not a hang
    expect((await admin.get('/audit?action=login')).status).toBe(503);
  });
});
