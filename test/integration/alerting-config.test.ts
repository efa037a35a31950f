import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, AlertingConfig, AlertingVersions, AuditEntry } from '@kuzet/protocol';
import type { RunningServer } from '@kuzet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolFakeAgent, type FakeAgent } from '../fake-agent.ts';
import { freePortRange, startRedis, waitFor } from '../helpers.ts';
import { httpReceiver } from '../receivers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

const SCHOOL = 'KZ-75-01-0001'; // Almaty
const cam = (n: number) => `cam-${n.toString(16).padStart(16, '0')}`;

/**
 * The alerting configuration changed by an administrator while the server runs: refused with every problem listed,
 * stored as the next version, paged by at once on every instance, kept across a restart (the file does not win back
 * unless its version is higher) and rebuilt from its kept versions when Redis comes back empty.
 */
describe('the alerting configuration, changed from the dashboard', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let one: RunningServer;
  let two: RunningServer;
  let prefix: string;
  let api: Api;
  let agent: FakeAgent;
  let fileHook: Awaited<ReturnType<typeof httpReceiver>>;
  let newHook: Awaited<ReturnType<typeof httpReceiver>>;
  let cfgFile: string;
  // the test's webhook receivers listen on loopback: allowed for schools' webhooks here, by name of address only
  const env = () => ({
    KUZET_ALERTING: cfgFile,
    KUZET_LINK_DOWN_SECONDS: '30',
    KUZET_WEBHOOK_INTERNAL_ALLOW: '127.0.0.1',
  });
  const opened = (r: Awaited<ReturnType<typeof httpReceiver>>) =>
    r.got.filter((g) => g.body.event === 'opened').map((g) => (g.body.alert as Alert).cameraId);

  beforeAll(async () => {
    redis = await startRedis();
    fileHook = await httpReceiver();
    newHook = await httpReceiver();
    cfgFile = join(tmpdir(), `kuzet-alerting-admin-${process.pid}.json`);
    writeFileSync(
      cfgFile,
      JSON.stringify({
        rules: { camera_offline: { openAfterSeconds: 0, resolveAfterSeconds: 0 } },
        contacts: { '*': { operators: [{ channel: 'webhook', url: `${fileHook.url}/file` }] } },
      }),
    );
    ({ server: one, prefix } = await testServer(redis.url, undefined, env()));
    ({ server: two } = await testServer(redis.url, prefix, env()));
    api = new Api(one.url);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);
    agent = await enrolFakeAgent(api, one.url, SCHOOL, 'agent-almaty-1');
    await agent.batch([1, 2, 3].map((n) => ({ cam: cam(n), status: 'online' })));
  });
  afterAll(async () => {
    agent?.ws.close();
    await one?.close();
    await two?.close();
    for (const r of [fileHook, newHook]) await r?.close();
    await redis?.stop();
  });

  it('pages by the file at first (version 0)', async () => {
    const c = (await api.get('/alerting')).json as AlertingConfig;
    expect(c.version).toBe(0);
    expect(c.contacts['*']!.operators).toEqual([{ channel: 'webhook', url: `${fileHook.url}/file` }]);
    await agent.batch([{ cam: cam(1), status: 'offline', reasons: ['unreachable'] }]);
    await waitFor(() => opened(fileHook).includes(cam(1)) || undefined, 10_000, 'the file contact paged');
  });

  it('refuses a change with every problem listed in three languages, and one made against an older version', async () => {
    const c = (await api.get('/alerting')).json as AlertingConfig;
    const bad = await api.call('PUT', '/alerting', {
      ...c,
      version: 1,
      contacts: { 'KZ-99': { operators: [{ channel: 'email', to: 'not-an-address' }] } },
      people: { nobody: [{ channel: 'telegram', chatId: '-1' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.problems).toHaveLength(1); // the schema's first: the address
    expect(bad.json.problems[0]).toMatch(/contacts\.KZ-99\.operators\.0\.to/);
    const names = await api.call('PUT', '/alerting', {
      ...c,
      version: 1,
      contacts: { 'KZ-99': { operators: [] } },
      people: { nobody: [{ channel: 'telegram', chatId: '-1' }] },
    });
    expect(names.status).toBe(400);
    expect(names.json.problems).toEqual(['no such region: KZ-99', 'no such user: nobody']);
    expect(names.json.problemsLocalized[1].ru).toBe('нет такого пользователя: nobody');
    expect((await api.call('PUT', '/alerting', { ...c, version: 0 })).status).toBe(409);
    // a webhook is http(s) only; a level has at most MAX_TARGETS contacts (each is a job per notification)
    const ftp = await api.call('PUT', '/alerting', {
      ...c,
      version: 1,
      contacts: { '*': { operators: [{ channel: 'webhook', url: 'ftp://files.example.kz/x' }] } },
    });
    expect(ftp.status).toBe(400);
    const many = Array.from({ length: 21 }, (_, i) => ({ channel: 'email', to: `op${i}@example.kz` }));
    const flood = await api.call('PUT', '/alerting', { ...c, version: 1, contacts: { '*': { operators: many } } });
    expect(flood.status).toBe(400);
    expect(flood.json.problemsLocalized[0].ru).toBe('contacts.*.operators: допускается не больше 20');
    // only administrators read or change it (its addresses are people's)
    expect((await new Api(one.url).get('/alerting')).status).toBe(401);
  });

  it('a change is in force at once on every instance, audited without the addresses', async () => {
    const c = (await api.get('/alerting')).json as AlertingConfig;
    const next: AlertingConfig = {
      ...c,
      version: 1,
      contacts: {
        ...c.contacts,
        'KZ-75': { operators: [{ channel: 'webhook', url: `${newHook.url}/almaty-s3cr3t` }], duty: [], akimat: [] },
      },
      ackSlaMinutes: { ...c.ackSlaMinutes, critical: 7 },
    };
    const put = await api.call('PUT', '/alerting', next);
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ version: 1 });
    // the other instance: told over Redis
    const other = new Api(two.url);
    expect(await other.login('admin', ADMIN_PASSWORD)).toBe(200);
    await waitFor(async () => (await other.get('/alerts/sla')).json.critical === 7 || undefined, 5000, 'instance two');
    await agent.batch([{ cam: cam(2), status: 'offline', reasons: ['unreachable'] }]);
    await waitFor(() => opened(newHook).includes(cam(2)) || undefined, 10_000, 'the new contact paged');
    const deliveredId = () =>
      (newHook.got.find((g) => (g.body.alert as Alert).cameraId === cam(2))!.body.alert as Alert).id;
    expect(opened(fileHook)).not.toContain(cam(2)); // Almaty's own contacts now, not everyone's
    const audit = (await api.get('/audit?action=alerting_changed')).json as AuditEntry[];
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toBe('v0 → v1; contacts KZ-75 operators: 0 → 1; ackSlaMinutes');
    expect(JSON.stringify(audit)).not.toContain(newHook.url);
    // the alert's timeline names where it went without the webhook's path (its secret), for everyone who reads it
    const guard = new Api(one.url);
    expect(
      (
        await api.post('/users', {
          username: 'guard-a',
          password: 'guard-password-1',
          role: 'school',
          regions: [],
          schoolId: SCHOOL,
        })
      ).status,
    ).toBe(200);
    expect(await guard.login('guard-a', 'guard-password-1')).toBe(200);
    const seen = await waitFor(
      async () => {
        const a = (await guard.get(`/alerts/${deliveredId()}`)).json as Alert;
        return a.events.some((e) => e.type === 'notified') ? a : undefined;
      },
      10_000,
      'the notified event',
    );
    expect(seen.events.find((e) => e.type === 'notified')!.text).toBe(
      `opened → webhook ${new URL(newHook.url).origin}`,
    );
    expect(JSON.stringify(seen)).not.toContain('s3cr3t');
    expect((await api.get('/alerting/versions/1')).json.contacts['KZ-75'].operators).toHaveLength(1);
  });

  it('sends a test message to a target at once, and says why one was not delivered', async () => {
    const ok = await api.post('/alerting/test', {
      target: { channel: 'webhook', url: `${newHook.url}/test-s3cr3t`, lang: 'kk' },
    });
    expect(ok.json).toEqual({ delivered: true });
    const got = newHook.got.find((g) => g.body.event === 'test')!;
    expect(got.body.text).toBe('Kuzet: хабарлама тексерісі (admin сұрады) / notification test (asked by admin)');
    const closed = await freePortRange(1); // nobody listens there
    const dead = await api.post('/alerting/test', {
      target: { channel: 'webhook', url: `http://127.0.0.1:${closed}/s3cr3t` },
    });
    expect(dead.json.delivered).toBe(false);
    expect(dead.json.reason).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(dead.json)).not.toContain('s3cr3t');
    expect((await api.post('/alerting/test', { target: { channel: 'email', to: 'nobody' } })).status).toBe(400);
    const audit = (await api.get('/audit?action=alerting_tested')).json as AuditEntry[];
    expect(audit.map((e) => e.detail)).toEqual([
      `webhook http://127.0.0.1:${closed}: request failed (ECONNREFUSED)`,
      `webhook ${new URL(newHook.url).origin}: delivered`,
    ]);
  });

  it("a school's staff keep its own contacts, told of its alerts beside the RRC; nobody else's", async () => {
    const guard = new Api(one.url);
    expect(await guard.login('guard-a', 'guard-password-1')).toBe(200);
    const school = await httpReceiver();
    try {
      const mine = [{ channel: 'webhook', url: `${school.url}/guard-post` }];
      const put = await guard.call('PUT', `/schools/${SCHOOL}/contacts`, { contacts: mine });
      expect(put.status).toBe(200);
      expect(put.json.contacts).toEqual(mine);
      expect((await guard.get(`/schools/${SCHOOL}/contacts`)).json.contacts).toEqual(mine);
      // another school's: not theirs (not even to know it exists)
      expect((await guard.call('PUT', '/schools/KZ-71-01-0001/contacts', { contacts: mine })).status).toBe(404);
      // the whole document moved on a version, the region's contacts kept
      const c = (await api.get('/alerting')).json as AlertingConfig;
      expect(c.version).toBe(put.json.version);
      expect(c.schools[SCHOOL]!.contacts).toEqual(mine);
      expect(c.contacts['KZ-75']!.operators).toHaveLength(1);
      const audit = (await api.get('/audit?action=alerting_changed&username=guard-a')).json as AuditEntry[];
      expect(audit[0]!.detail).toBe(`v${c.version - 1} → v${c.version}; school ${SCHOOL} contacts: 0 → 1`);
      // the school's next alert reaches its own people and the region's operators
      await agent.batch([{ cam: cam(3), status: 'offline', reasons: ['unreachable'] }]);
      await waitFor(() => opened(school).includes(cam(3)) || undefined, 10_000, "the school's contact paged");
      await waitFor(() => opened(newHook).includes(cam(3)) || undefined, 10_000, 'the operators paged');
      // an admin's later change of the whole document keeps them
      const next = { ...c, version: c.version + 1, ackSlaMinutes: { ...c.ackSlaMinutes, info: 1000 } };
      expect((await api.call('PUT', '/alerting', next)).status).toBe(200);
      expect((await guard.get(`/schools/${SCHOOL}/contacts`)).json.contacts).toEqual(mine);
    } finally {
      await school.close();
    }
  });

  it("a school's webhook never points into the centre's networks; its staff test the contacts they saved", async () => {
    const guard = new Api(one.url);
    expect(await guard.login('guard-a', 'guard-password-1')).toBe(200);
    // the server's own Redis (loopback, but not the one address allowed here), the cloud's metadata address, a
    // private network: refused, each said
    const port = new URL(redis.url).port;
    const bad = await guard.call('PUT', `/schools/${SCHOOL}/contacts`, {
      contacts: [
        { channel: 'webhook', url: `http://[::1]:${port}/` },
        { channel: 'webhook', url: 'http://169.254.169.254/latest/meta-data' },
        { channel: 'webhook', url: 'https://10.0.0.8/hook' },
        { channel: 'email', to: 'guard@school.kz' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.problems).toEqual([
      expect.stringMatching(/^contacts\.0: ::1 is an internal address \(::1\)/),
      expect.stringMatching(/^contacts\.1: 169\.254\.169\.254 is an internal address/),
      expect.stringMatching(/^contacts\.2: 10\.0\.0\.8 is an internal address/),
    ]);
    expect(bad.json.problemsLocalized[1].ru).toMatch(/внутренний адрес \(169\.254\.169\.254\)/);
    const post = await httpReceiver();
    try {
      const mine = { channel: 'webhook', url: `${post.url}/guard-post` };
      expect((await guard.call('PUT', `/schools/${SCHOOL}/contacts`, { contacts: [mine] })).status).toBe(200);
      const test = (target: object, id = SCHOOL) => guard.call('POST', `/schools/${id}/contacts/test`, { target });
      const sent = await test(mine);
      expect(sent.json).toEqual({ delivered: true });
      expect(post.got.filter((g) => g.body.event === 'test')).toHaveLength(1);
      // only a saved contact, only of their own school
      expect((await test({ channel: 'webhook', url: `${newHook.url}/elsewhere` })).status).toBe(404);
      expect((await test(mine, 'KZ-71-01-0001')).status).toBe(404);
      // at most six a minute per school
      const more = [];
      for (let i = 0; i < 6; i++) more.push((await test(mine)).status);
      expect(more).toEqual([200, 200, 200, 200, 200, 429]);
      // the whole document written by an admin holds a school's new webhooks to the same rule (the saved one passes)
      const c = (await api.get('/alerting')).json as AlertingConfig;
      const inner = { channel: 'webhook' as const, url: 'http://10.0.0.9/x' };
      const doc = {
        ...c,
        version: c.version + 1,
        schools: { ...c.schools, [SCHOOL]: { rules: {}, contacts: [mine, inner] } },
      };
      const refused = await api.call('PUT', '/alerting', doc);
      expect(refused.status).toBe(400);
      expect(refused.json.problems).toEqual([
        `schools.${SCHOOL}.contacts.1: 10.0.0.9 is an internal address (10.0.0.9): a school's webhook must be reachable on the internet`,
      ]);
      const audit = (await api.get('/audit?action=alerting_tested&username=guard-a')).json as AuditEntry[];
      expect(audit).toHaveLength(6);
      expect(audit[0]).toMatchObject({ schoolId: SCHOOL, detail: `school ${SCHOOL} webhook ${post.url}: delivered` });
    } finally {
      await post.close();
    }
  });

  it("shows a region's operators who is paged about its alerts, by label, and at what time", async () => {
    const login = { username: 'op-paging', password: 'op-paging-password', role: 'operator', regions: ['KZ-75'] };
    expect((await api.post('/users', login)).status).toBe(200);
    const op = new Api(one.url);
    expect(await op.login(login.username, login.password)).toBe(200);
    const c = (await api.get('/alerting')).json as AlertingConfig;
    const mine = await op.get('/regions/KZ-75/paging');
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({ regionCode: 'KZ-75', fallback: false, schoolsWithContacts: 1 });
    expect(mine.json.levels[0]).toEqual({
      level: 0,
      targets: [{ channel: 'webhook', label: `webhook ${new URL(newHook.url).origin}` }],
    });
    // the secret path of the webhook is nowhere in the answer
    expect(JSON.stringify(mine.json)).not.toContain('s3cr3t');
    expect(mine.json.levels.map((l: { afterMinutes?: number }) => l.afterMinutes)).toEqual([
      undefined,
      ...c.escalation.afterMinutes,
    ]);
    // another region's: not theirs; an admin sees it, paged by the country's contacts
    expect((await op.get('/regions/KZ-71/paging')).status).toBe(404);
    const other = await api.get('/regions/KZ-71/paging');
    expect(other.json.fallback).toBe(true);
    expect(other.json.levels[0].targets).toEqual([
      { channel: 'webhook', label: `webhook ${new URL(fileHook.url).origin}` },
    ]);
  });

  it('what a version names that is gone since never blocks the next change; a removed school takes its entry along', async () => {
    expect(
      (
        await api.post('/users', {
          username: 'op-gone',
          password: 'op-gone-password',
          role: 'operator',
          regions: ['KZ-75'],
        })
      ).status,
    ).toBe(200);
    let c = (await api.get('/alerting')).json as AlertingConfig;
    const mine = [{ channel: 'email' as const, to: 'op.gone@example.kz' }];
    expect(
      (await api.call('PUT', '/alerting', { ...c, version: c.version + 1, people: { ...c.people, 'op-gone': mine } }))
        .status,
    ).toBe(200);
    expect((await api.call('DELETE', '/users/op-gone')).status).toBe(200);
    c = (await api.get('/alerting')).json as AlertingConfig;
    const sla = { ...c.ackSlaMinutes, minor: 200 };
    expect((await api.call('PUT', '/alerting', { ...c, version: c.version + 1, ackSlaMinutes: sla })).status).toBe(200);
    // a school closed: its own people and settings go with it
    const other = 'KZ-71-01-0001';
    expect((await api.call('PUT', `/schools/${other}/contacts`, { contacts: mine })).status).toBe(200);
    expect(((await api.get('/alerting')).json as AlertingConfig).schools[other]).toBeDefined();
    expect((await api.call('DELETE', `/schools/${other}`)).status).toBe(200);
    expect(((await api.get('/alerting')).json as AlertingConfig).schools[other]).toBeUndefined();
  });

  it("the configuration's history says who stored each version and what it changed; an earlier one comes back", async () => {
    const guard = new Api(one.url);
    expect(await guard.login('guard-a', 'guard-password-1')).toBe(200);
    expect((await guard.get('/alerting/versions')).status).toBe(403);
    const h = (await api.get('/alerting/versions')).json as AlertingVersions;
    const n = h.current;
    expect(h.versions[0]!.version).toBe(n);
    expect(h.versions.at(-1)).toEqual({ version: 0, at: expect.any(String), source: 'file' });
    // each stored by someone, with what it changed (contacts by whose and how many, never an address)
    expect(h.versions.find((v) => v.version === 1)).toMatchObject({
      by: 'admin',
      source: 'edit',
      change: 'contacts KZ-75 operators: 0 → 1; ackSlaMinutes',
      changes: [
        { kind: 'contacts', region: 'KZ-75', level: 'operators', from: 0, to: 1 },
        { kind: 'section', section: 'ackSlaMinutes' },
      ],
    });
    expect(h.versions.find((v) => v.by === 'guard-a')?.change).toMatch(/^school KZ-75-01-0001 contacts: \d+ → 1$/);
    expect(JSON.stringify(h)).not.toContain('http');
    // the file's version back as the next one (a stale version is a conflict), then the one before it again
    const v0 = (await api.get('/alerting/versions/0')).json;
    expect((await api.call('POST', '/alerting/versions/0/restore', { version: n })).status).toBe(409);
    expect((await api.call('POST', '/alerting/versions/0/restore', { version: n + 1 })).json).toEqual({
      version: n + 1,
    });
    expect({ ...(await api.get('/alerting')).json, version: 0 }).toEqual(v0);
    // a version naming a user deleted since is refused with the reason (the newest named op-gone)
    const stale = await api.call('POST', `/alerting/versions/${n}/restore`, { version: n + 2 });
    expect(stale.status).toBe(400);
    expect(stale.json.problems).toEqual(['no such user: op-gone']);
    expect(stale.json.droppable).toBe(true);
    // …or brought back without what is gone, which the audit names
    const dropped = await api.call('POST', `/alerting/versions/${n}/restore`, { version: n + 2, drop: true });
    expect(dropped.json).toEqual({ version: n + 2 });
    const back = (await api.get('/alerting')).json as AlertingConfig;
    const kept = (await api.get(`/alerting/versions/${n}`)).json as AlertingConfig;
    expect(back.people['op-gone']).toBeUndefined();
    const { 'op-gone': _, ...others } = kept.people;
    expect({ ...back, version: n }).toEqual({ ...kept, people: others });
    const said = (await api.get('/audit?action=alerting_changed&limit=1')).json as AuditEntry[];
    expect(said[0]!.detail).toMatch(
      new RegExp(`^v${n + 1} → v${n + 2} \\(v${n} restored\\);.*; left out: user op-gone$`),
    );
    expect((await api.call('POST', '/alerting/versions/1/restore', { version: n + 3 })).status).toBe(200);
    expect({ ...(await api.get('/alerting')).json, version: 1 }).toEqual((await api.get('/alerting/versions/1')).json);
    const h2 = (await api.get('/alerting/versions?limit=3')).json as AlertingVersions;
    expect(h2.versions.map((v) => [v.version, v.source, v.restoredFrom, v.by])).toEqual([
      [n + 3, 'restore', 1, 'admin'],
      [n + 2, 'restore', n, 'admin'],
      [n + 1, 'restore', 0, 'admin'],
    ]);
    expect(h2.versions[2]!.change).toMatch(/contacts KZ-75 operators: \d+ → 0/);
    const audit = (await api.get('/audit?action=alerting_changed&limit=1')).json as AuditEntry[];
    expect(audit[0]!.detail).toMatch(new RegExp(`^v${n + 2} → v${n + 3} \\(v1 restored\\)`));
    expect((await api.call('POST', '/alerting/versions/999/restore', { version: n + 4 })).status).toBe(404);
  });

  it('stays in force after a restart with the same file, and after Redis came back empty', async () => {
    const v = ((await api.get('/alerting')).json as AlertingConfig).version;
    expect(v).toBeGreaterThan(0);
    await two.close();
    ({ server: two } = await testServer(redis.url, prefix, env()));
    const again = new Api(two.url);
    expect(await again.login('admin', ADMIN_PASSWORD)).toBe(200);
    expect(((await again.get('/alerting')).json as AlertingConfig).version).toBe(v);
    expect((await again.get('/alerts/sla')).json.critical).toBe(7); // what it pages and highlights by
    await two.redis.flushall();
    await waitFor(
      async () => {
        const back = new Api(two.url);
        if ((await back.login('admin', ADMIN_PASSWORD)) !== 200) return undefined;
        const c = (await back.get('/alerting')).json as AlertingConfig | undefined;
        return (c?.version === v && (await back.get('/alerts/sla')).json.critical === 7) || undefined;
      },
      15_000,
      'rebuilt from the kept versions',
    );
  });
});
