import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from '@kuzet/protocol';
import type { RunningServer } from '@kuzet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolFakeAgent, type FakeAgent } from '../fake-agent.ts';
import { startRedis, waitFor } from '../helpers.ts';
import { httpReceiver, smtpReceiver } from '../receivers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

const A = { school: 'KZ-75-01-0001', agent: 'agent-almaty-1' }; // Almaty: contacts configured
const B = { school: 'KZ-71-01-0001', agent: 'agent-astana-1' }; // Astana: link-down tests
const cam = (n: number) => `cam-${n.toString(16).padStart(16, '0')}`;
const SECRET = 'webhook-secret-for-tests';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('alerting on BullMQ with real Redis, local webhook/SMTP/Telegram receivers', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let server: RunningServer;
  let api: Api;
  let a: FakeAgent;
  let b: FakeAgent;
  let ops: Awaited<ReturnType<typeof httpReceiver>>; // operators' webhook: fails twice first
  let duty: Awaited<ReturnType<typeof httpReceiver>>;
  let person: Awaited<ReturnType<typeof httpReceiver>>; // an operator's own contact
  let telegram: Awaited<ReturnType<typeof httpReceiver>>;
  let smtp: Awaited<ReturnType<typeof smtpReceiver>>;

  const alerts = async (q = '') => (await api.get(`/alerts${q}`)).json as Alert[];
  /** a camera's alerts; none while the centre does not know the camera yet (its alerts answer 404 then) */
  const ofCamera = async (n: number) => {
    const r = await api.get(`/cameras/${cam(n)}/alerts`);
    return (r.status === 404 ? [] : r.json) as Alert[];
  };
  const deliveries = (r: Awaited<ReturnType<typeof httpReceiver>>, alertId: string, event?: string) =>
    r.got.filter((g) => (g.body.alert as Alert | undefined)?.id === alertId && (!event || g.body.event === event));

  beforeAll(async () => {
    redis = await startRedis();
    ops = await httpReceiver({ failFirst: 2 });
    duty = await httpReceiver();
    person = await httpReceiver();
    telegram = await httpReceiver();
    smtp = await smtpReceiver();
    const cfgFile = join(tmpdir(), `kuzet-alerting-${process.pid}.json`);
    writeFileSync(
      cfgFile,
      JSON.stringify({
        rules: {
          camera_offline: { openAfterSeconds: 1.5, resolveAfterSeconds: 1.5 },
          stream_down: { openAfterSeconds: 0, resolveAfterSeconds: 0 },
        },
        schools: { [A.school]: { rules: { picture_bad: { enabled: false } } } },
        escalation: { afterMinutes: [0.04, 0.08], renotifyMinutes: 0 }, // 2.4 s, then 4.8 s
        contacts: {
          'KZ-75': {
            operators: [
              { channel: 'webhook', url: `${ops.url}/hook` },
              { channel: 'email', to: 'rrc-almaty@example.kz' },
            ],
            duty: [{ channel: 'webhook', url: `${duty.url}/duty` }],
            // the akimat's contact reads Kazakh
            akimat: [{ channel: 'telegram', chatId: '-100123', lang: 'kk' }],
          },
        },
        // an operator's own contact: told when an alert is assigned to them
        people: { 'op-almaty': [{ channel: 'webhook', url: `${person.url}/op-almaty` }] },
      }),
    );
    ({ server } = await testServer(redis.url, undefined, {
      KUZET_ALERTING: cfgFile,
      KUZET_WEBHOOK_SECRET: SECRET,
      KUZET_SMTP_URL: smtp.url,
      KUZET_TELEGRAM_API: telegram.url,
      KUZET_TELEGRAM_TOKEN: 'test-token',
      KUZET_NOTIFY_BACKOFF_MS: '200',
      KUZET_LINK_DOWN_SECONDS: '2',
      KUZET_NEW_CAMERA_GRACE_SECONDS: '2',
    }));
    api = new Api(server.url);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);
    a = await enrolFakeAgent(api, server.url, A.school, A.agent);
    b = await enrolFakeAgent(api, server.url, B.school, B.agent);
    await a.batch([1, 2, 3, 4, 5, 6].map((n) => ({ cam: cam(n), status: 'online' })));
    await b.batch([11, 12, 13].map((n) => ({ cam: cam(n), status: 'online' })));
  });
  afterAll(async () => {
    a?.ws.close();
    b?.ws.close();
    await server?.close();
    for (const r of [ops, duty, person, telegram, smtp]) await r?.close();
    await redis?.stop();
  });

  it('debounces: an offline blip shorter than the threshold never opens; a longer one opens exactly one alert', async () => {
    await a.batch([{ cam: cam(1), status: 'offline', reasons: ['unreachable'] }]);
    await sleep(500);
    await a.batch([{ cam: cam(1), status: 'online' }]);
    await sleep(2000);
    expect(await ofCamera(1)).toEqual([]);
    await a.batch([{ cam: cam(2), status: 'offline', reasons: ['unreachable'] }]);
    const [alert] = await waitFor(async () => ((await ofCamera(2)).length ? ofCamera(2) : undefined), 5000, 'alert');
    expect(alert).toMatchObject({ rule: 'camera_offline', severity: 'critical', state: 'open', schoolId: A.school });
    // the same condition reported again (another batch) does not duplicate it
    await a.batch([{ cam: cam(2), status: 'offline', reasons: ['unreachable', 'onvif_timeout'] }]);
    await sleep(1000);
    expect((await ofCamera(2)).filter((x) => x.state !== 'resolved')).toHaveLength(1);
  });

  it('notifies each receiver once, retrying a receiver that is down; webhooks are HMAC-signed', async () => {
    const [alert] = await ofCamera(2);
    await waitFor(() => deliveries(ops, alert!.id, 'opened').length || undefined, 10_000, 'webhook after retries');
    await waitFor(() => smtp.mails.length || undefined, 10_000, 'e-mail');
    await sleep(1000);
    expect(ops.attempts()).toBeGreaterThanOrEqual(3); // two refusals, then the delivery
    expect(deliveries(ops, alert!.id, 'opened')).toHaveLength(1);
    const i = ops.got.findIndex((g) => (g.body.alert as Alert).id === alert!.id);
    expect(ops.signed(i, SECRET)).toBe(true);
    expect(ops.signed(i, 'another-secret-entirely')).toBe(false);
    expect(smtp.mails.filter((m) => m.text.includes(`#${alert!.id} `))).toHaveLength(1);
    expect(smtp.mails[0]!.to).toEqual(['rrc-almaty@example.kz']);
    // by the names people use, the ids after them
    expect(smtp.mails[0]!.text).toMatch(
      /Тестовая школа №1 \(синтетическая\) \(Алмалинский район\) .*\[KZ-75-01-0001 \/ cam-[0-9a-f]+\], Алматы \(KZ-75\)/,
    );
    // what happened in words, the ids after them
    expect(smtp.mails[0]!.text).toMatch(/: Критическая \/ CRITICAL: Камера не в сети .*\[camera_offline/);
  });

  it('escalates an unacknowledged critical alert to the duty officer, then the akimat; an acknowledged one stays put, a snoozed one waits', async () => {
    const [alert] = await ofCamera(2);
    const t0 = Date.parse(alert!.openedAt);
    await waitFor(() => deliveries(duty, alert!.id, 'escalated').length || undefined, 10_000, 'level 1');
    const l1 = deliveries(duty, alert!.id, 'escalated')[0]!.at - t0;
    expect(l1).toBeGreaterThanOrEqual(2400 - 100);
    await waitFor(() => telegram.got.find((g) => String(g.body.text).includes(`#${alert!.id} `)), 10_000, 'level 2');
    const l2 = telegram.got.find((g) => String(g.body.text).includes(`#${alert!.id} `))!.at - t0;
    expect(l2).toBeGreaterThanOrEqual(4800 - 100);
    // the first step on its own, before the second (no timed upper bound: a loaded machine only delays both)
    expect(l1).toBeLessThan(l2);
    const told = telegram.got.find((g) => String(g.body.text).includes(`#${alert!.id} `))!;
    expect(told.body.chat_id).toBe('-100123');
    // in Kazakh, the English and the ids after the words
    expect(told.body.text).toMatch(
      new RegExp(
        `^Kuzet #${alert!.id} эскалация 2 / escalated 2: Шұғыл / CRITICAL: Камера желіде емес .*\\[camera_offline.*` +
          'Тест мектебі №1 \\(синтетикалық\\).*\\], Алматы \\(KZ-75\\)',
      ),
    );
    expect((await api.get(`/alerts/${alert!.id}`)).json.escalationLevel).toBe(2);
    // a second outage, acknowledged at once: nobody above the operators hears of it
    await a.batch([{ cam: cam(3), status: 'offline', reasons: ['unreachable'] }]);
    const [third] = await waitFor(async () => ((await ofCamera(3)).length ? ofCamera(3) : undefined), 5000, 'alert 3');
    const ack = await api.post(`/alerts/${third!.id}/actions`, { action: 'ack', comment: 'технику вызвали' });
    expect(ack.json).toMatchObject({ state: 'acknowledged', ackBy: 'admin' });
    await sleep(3500);
    expect(deliveries(duty, third!.id)).toHaveLength(0);
    // another, snoozed for a minute: nobody above the operators hears of it while it sleeps; woken early, the
    // steps that fell due in the snooze come at once
    await a.batch([{ cam: cam(8), status: 'offline', reasons: ['unreachable'] }]);
    const [fourth] = await waitFor(async () => ((await ofCamera(8)).length ? ofCamera(8) : undefined), 5000, 'alert 8');
    const snoozed = await api.post(`/alerts/${fourth!.id}/actions`, { action: 'snooze', minutes: 1 });
    const snoozedAt = Date.now(); // the snooze is stored by now: every step due later waits for it
    expect(snoozed.status).toBe(200);
    expect(Date.parse(snoozed.json.snoozedUntil) - Date.now()).toBeGreaterThan(50_000);
    expect((await api.post(`/alerts/${fourth!.id}/actions`, { action: 'snooze', minutes: 241 })).status).toBe(400);
    await sleep(5500); // past both levels (2.4 s and 4.8 s after opening)
    // no step due after the snooze went out (0 of each, unless a loaded machine took until a step was due to snooze:
    // such a step may have gone out)
    const dueBefore = [2400, 4800].filter((d) => Date.parse(fourth!.openedAt) + d <= snoozedAt).length;
    expect(deliveries(duty, fourth!.id).length).toBeLessThanOrEqual(Math.min(dueBefore, 1));
    expect((await api.get(`/alerts/${fourth!.id}`)).json.escalationLevel).toBeLessThanOrEqual(dueBefore);
    const woken = await api.post(`/alerts/${fourth!.id}/actions`, { action: 'snooze', minutes: 0 });
    expect(woken.json.snoozedUntil).toBeUndefined();
    await waitFor(() => deliveries(duty, fourth!.id, 'escalated').length || undefined, 5000, 'level 1 once woken');
    await waitFor(
      async () => ((await api.get(`/alerts/${fourth!.id}`)).json.escalationLevel === 2 ? true : undefined),
      8000,
      'level 2 once woken',
    );
    const events = ((await api.get(`/alerts/${fourth!.id}`)).json as Alert).events;
    expect(events.filter((e) => e.type === 'snoozed').map((e) => [e.by, e.text])).toEqual([
      ['admin', '1'],
      ['admin', '0'],
    ]);
    expect(events.filter((e) => e.type === 'escalated')).toHaveLength(2); // each step once
    await a.batch([{ cam: cam(8), status: 'online' }]);
  });

  it('resolves by itself when the condition clears, after the hysteresis; a flap keeps one alert', async () => {
    const [alert] = await ofCamera(2);
    await a.batch([{ cam: cam(2), status: 'online' }]);
    await sleep(500);
    await a.batch([{ cam: cam(2), status: 'offline', reasons: ['unreachable'] }]); // back before it resolved
    await sleep(2500);
    const still = (await api.get(`/alerts/${alert!.id}`)).json as Alert;
    expect(still.state).toBe('open');
    expect(still.repeats).toBeGreaterThanOrEqual(1);
    expect((await ofCamera(2)).length).toBe(1);
    await a.batch([{ cam: cam(2), status: 'online' }]);
    const done = await waitFor(
      async () => {
        const x = (await api.get(`/alerts/${alert!.id}`)).json as Alert;
        return x.state === 'resolved' ? x : undefined;
      },
      6000,
      'auto-resolve',
    );
    expect(done.resolvedBy).toBe('auto');
    await waitFor(() => deliveries(ops, alert!.id, 'resolved').length || undefined, 5000, 'resolved notice');
    // offline again within the hour: the same alert reopens (its operators told again), not a new one
    await a.batch([{ cam: cam(2), status: 'offline', reasons: ['unreachable'] }]);
    const back = await waitFor(
      async () => {
        const x = (await api.get(`/alerts/${alert!.id}`)).json as Alert;
        return x.state === 'open' ? x : undefined;
      },
      6000,
      'reopened',
    );
    expect(back).toMatchObject({ reopens: 1, reasons: ['unreachable'], openedAt: alert!.openedAt });
    expect(back.resolvedAt).toBeUndefined();
    // its episode runs from the reopening (its acknowledgement deadline, its age, its place among the newest)
    expect(back.reopenedAt! > done.resolvedAt!).toBe(true);
    expect(back.events.map((e) => e.type)).toContain('reopened');
    expect((await ofCamera(2)).map((x) => x.id)).toEqual([alert!.id]);
    expect((await alerts()).map((x) => x.id)).toContain(alert!.id);
    await waitFor(() => deliveries(ops, alert!.id, 'reopened').length || undefined, 5000, 'reopened notice');
    // and resolves again, told again
    await a.batch([{ cam: cam(2), status: 'online' }]);
    await waitFor(
      () => (deliveries(ops, alert!.id, 'resolved').length >= 2 ? true : undefined),
      8000,
      'resolved again',
    );
    // a stream problem opens at once (no debounce configured) and resolves by hand with a reason
    await a.batch([{ cam: cam(4), status: 'degraded', reasons: ['rtsp_down'] }]);
    const [s] = await waitFor(async () => ((await ofCamera(4)).length ? ofCamera(4) : undefined), 5000, 'stream_down');
    expect(s!.rule).toBe('stream_down');
    const r = await api.post(`/alerts/${s!.id}/actions`, { action: 'resolve', reason: 'кабель заменён' });
    expect(r.json).toMatchObject({ state: 'resolved', resolvedBy: 'admin' });
    // acknowledged by a colleague who had it open a moment too late: refused, in the page's language
    const late = await api.post(`/alerts/${s!.id}/actions`, { action: 'ack' });
    expect(late.status).toBe(409);
    expect(late.json.problemsLocalized).toEqual([
      { en: 'the alert is resolved', ru: 'тревога уже закрыта', kk: 'дабыл жабылып қойған' },
    ]);
    // resolved by a person (the cable was replaced): the problem back is a new alert
    await a.batch([{ cam: cam(4), status: 'online' }]);
    await a.batch([{ cam: cam(4), status: 'degraded', reasons: ['rtsp_down'] }]);
    const again = await waitFor(
      async () => (await ofCamera(4)).find((x) => x.state === 'open'),
      5000,
      'a new stream_down alert',
    );
    expect(again.id).not.toBe(s!.id);
    expect(again.reopens ?? 0).toBe(0);
    await a.batch([{ cam: cam(4), status: 'online' }]);
  });

  it('records conditions during maintenance without paging anybody', async () => {
    const now = Date.now();
    const w = await api.post('/maintenance', {
      schoolId: A.school,
      from: new Date(now - 1000).toISOString(),
      to: new Date(now + 60_000).toISOString(),
      reason: 'замена коммутатора',
    });
    expect(w.status).toBe(200);
    await a.batch([{ cam: cam(5), status: 'degraded', reasons: ['rtsp_down'] }]);
    const [m] = await waitFor(async () => ((await ofCamera(5)).length ? ofCamera(5) : undefined), 5000, 'recorded');
    expect(m!.suppressed).toBe(true);
    await sleep(1500);
    expect(deliveries(ops, m!.id)).toHaveLength(0);
    expect(smtp.mails.filter((x) => x.text.includes(`#${m!.id} `))).toHaveLength(0);
    expect((await api.call('DELETE', `/maintenance/${w.json.id}`)).status).toBe(200);
  });

  it("link down: one alert for the school (its cameras unknown), never one per camera; resolved when it's back", async () => {
    b.ws.terminate();
    const link = await waitFor(
      async () => (await alerts()).find((x) => x.rule === 'link_down' && x.schoolId === B.school),
      15_000,
      'link_down alert',
    );
    expect(link).toMatchObject({ severity: 'critical', subject: { kind: 'school', id: B.school }, cameras: 3 });
    await sleep(2500);
    const all = await alerts('?state=all');
    expect(all.filter((x) => x.schoolId === B.school)).toHaveLength(1);
    await b.connect();
    await b.batch([11, 12, 13].map((n) => ({ cam: cam(n), status: 'online' })));
    await waitFor(
      async () => ((await api.get(`/alerts/${link.id}`)).json.state === 'resolved' ? true : undefined),
      10_000,
      'link_down resolved',
    );
  });

  it('a camera appearing after the inventory raises camera_new; a camera reported gone raises camera_gone', async () => {
    const identity = (n: number, at: string) => ({
      cameraId: cam(n),
      manufacturer: 'Hikvista',
      model: 'X',
      serial: 'NEW-1',
      firmware: '1',
      hardwareId: 'hw',
      xaddr: 'http://10.0.0.7/onvif/device_service',
      host: '10.0.0.7',
      name: `gate-${n}`,
      profiles: ['S'],
      auth: 'httpDigest',
      media: [],
      recordingSearch: { kind: 'camera', xaddr: 'http://10.0.0.7/onvif/device_service' },
      identifiedAt: at,
    });
    const announce = (n: number) => {
      const at = new Date().toISOString();
      a.send({
        type: 'batch',
        seq: ++a.seq,
        messages: [{ v: 1, agentId: A.agent, at, type: 'camera', camera: identity(n, at) }],
      });
    };
    announce(1); // the school's inventory (its first camera and those within the grace time) is not news
    await sleep(2500);
    expect((await ofCamera(1)).filter((x) => x.rule === 'camera_new')).toHaveLength(0);
    announce(7);
    const n = await waitFor(async () => (await ofCamera(7)).find((x) => x.rule === 'camera_new'), 5000, 'camera_new');
    expect(n.severity).toBe('info');
    // shown by the names people use: the camera's announced name and address, the school's and district's names
    expect(n.names).toMatchObject({
      camera: 'gate-7',
      host: '10.0.0.7',
      school: { ru: expect.stringMatching(/школа/i), kk: expect.any(String) },
      district: { ru: expect.any(String), kk: expect.any(String) },
    });
    const feed = (await api.get('/alerts')).json as Alert[];
    expect(feed.find((x) => x.id === n.id)?.names?.camera).toBe('gate-7');
    // assigned only to somebody who may act on it: operators and admins who may see the school
    for (const u of [
      { username: 'op-almaty', role: 'operator', regions: ['KZ-75'] },
      { username: 'op-astana', role: 'operator', regions: ['KZ-71'] },
      { username: 'guard-1', role: 'school', regions: [], schoolId: A.school },
      { username: 'akimat', role: 'auditor', regions: [] },
    ])
      expect((await api.post('/users', { ...u, password: 'a-long-password' })).status).toBe(200);
    const who = (await api.get(`/alerts/${n.id}/assignees`)).json as { username: string; role: string }[];
    expect(who).toEqual([
      { username: 'admin', role: 'admin' },
      { username: 'op-almaty', role: 'operator' },
    ]);
    expect((await api.post(`/alerts/${n.id}/actions`, { action: 'assign', to: 'nobody-here' })).status).toBe(400);
    const assigned = await api.post(`/alerts/${n.id}/actions`, { action: 'assign', to: 'admin' });
    expect(assigned.status).toBe(200);
    expect(assigned.json).toMatchObject({ assignee: 'admin', names: { camera: 'gate-7' } });
    // assigned to a colleague with a contact of their own: they hear of it outside the dashboard, by names
    expect((await api.post(`/alerts/${n.id}/actions`, { action: 'assign', to: 'op-almaty' })).status).toBe(200);
    const told = await waitFor(() => person.got.find((g) => g.body.event === 'assigned'), 5000, 'the assignee told');
    expect(told.body.text).toMatch(/назначено: op-almaty \/ assigned to op-almaty/);
    expect(told.body.text).toMatch(/школа.*\/ gate-7 \[KZ-75-01-0001 \/ cam-/i);
    expect((await api.post(`/alerts/${n.id}/actions`, { action: 'assign', to: 'admin' })).status).toBe(200);
    // a storm acknowledged at once: open alerts the user may see; unknown ids are left alone
    const bulk = await api.post('/alerts/ack', { ids: [n.id, 'no-such-alert'], comment: 'storm' });
    expect(bulk.json).toEqual({ acknowledged: [n.id] });
    expect((await api.get(`/alerts/${n.id}`)).json).toMatchObject({ state: 'acknowledged', ackBy: 'admin' });
    expect((await api.post('/alerts/ack', { ids: [n.id] })).json).toEqual({ acknowledged: [] });
    a.send({
      type: 'batch',
      seq: ++a.seq,
      messages: [
        { v: 1, agentId: A.agent, at: new Date().toISOString(), type: 'camera_gone', cameraId: cam(6), how: 'bye' },
      ],
    });
    await waitFor(async () => (await ofCamera(6)).find((x) => x.rule === 'camera_gone'), 5000, 'camera_gone');
    // it rebooted (Bye, then Hello): announced again, the alert resolves and the camera is no longer gone
    announce(6);
    const back = await waitFor(
      async () => (await ofCamera(6)).find((x) => x.rule === 'camera_gone' && x.state === 'resolved'),
      5000,
      'camera_gone resolved',
    );
    expect(back.state).toBe('resolved');
    expect(await server.redis.hget(server.keys.cam(cam(6)), 'gone')).toBeNull();
  });

  it('exposes queue depth and job latency; refuses actions to auditors', async () => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/kuzet_queue_jobs\{queue="alerts",state="waiting"\} \d+/);
    expect(metrics).toMatch(/kuzet_job_latency_seconds_count\{queue="notify"\} [1-9]/);
    expect((await api.get('/jobs/failed')).status).toBe(200);
    expect(
      (await api.post('/users', { username: 'aud2', role: 'auditor', regions: [], password: 'auditor-pass-1' })).status,
    ).toBe(200);
    const aud = new Api(server.url);
    await aud.login('aud2', 'auditor-pass-1');
    const [any] = await alerts();
    expect((await aud.post(`/alerts/${any!.id}/actions`, { action: 'ack' })).status).toBe(403);
    expect((await aud.get('/jobs/failed')).status).toBe(403);
    // the jobs UI, admins only
    const board = async (cookie: string) => (await fetch(`${server.url}/admin/queues`, { headers: { cookie } })).status;
    expect(await board(api.cookie)).toBe(200);
    // its page loads nothing from the internet (its web fonts were refused by the CSP: console errors)
    const page = await (await fetch(`${server.url}/admin/queues`, { headers: { cookie: api.cookie } })).text();
    expect(page).toContain('<div id="root"');
    expect(page).not.toMatch(/https?:\/\/(?!localhost)[a-z0-9.-]+\.(com|net|org)/);
    expect(await board(aud.cookie)).toBe(403);
    expect(await board('')).toBe(401);
  });
});
