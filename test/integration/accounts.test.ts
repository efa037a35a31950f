import { createHash } from 'node:crypto';
import type { RunningServer } from '@kuzet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

/**
 * Accounts: a user changes their own password; an administrator sets a forgotten one (sessions opened before end),
 * and changes a user's role and scope.
 */
describe('accounts: passwords changed by their user or reset by an administrator, roles and scopes changed', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let server: RunningServer;
  let admin: Api;

  beforeAll(async () => {
    redis = await startRedis();
    ({ server } = await testServer(redis.url));
    admin = new Api(server.url);
    expect(await admin.login('admin', ADMIN_PASSWORD)).toBe(200);
    const op = { username: 'op1', password: 'first-password-1', role: 'operator', regions: ['KZ-75'] };
    expect((await admin.post('/users', op)).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  const as = async (password: string) => {
    const a = new Api(server.url);
    return { api: a, status: await a.login('op1', password) };
  };
  const me = async (a: Api) => (await a.get('/auth/me')).status;

  it('changes one’s own: this browser stays signed in, every other session ends, the old password is refused', async () => {
    const { api: a } = await as('first-password-1');
    const { api: b } = await as('first-password-1');
    expect(await me(b)).toBe(200);
    const wrong = await a.call('PUT', '/auth/password', { current: 'not-my-password', password: 'second-password-2' });
    expect(wrong.status).toBe(403);
    expect((await a.call('PUT', '/auth/password', { current: 'first-password-1', password: 'short' })).status).toBe(
      400,
    );
    const ok = await a.call('PUT', '/auth/password', { current: 'first-password-1', password: 'second-password-2' });
    expect(ok.status).toBe(200);
    // this browser goes on under the new cookie; its old one and the other browser's session are over
    const old = a.cookie;
    a.cookie = (ok.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(a.cookie).not.toBe(old);
    expect(await me(a)).toBe(200);
    expect(await me(b)).toBe(401);
    const stale = new Api(server.url);
    stale.cookie = old;
    expect(await me(stale)).toBe(401);
    expect((await as('first-password-1')).status).toBe(401);
    expect((await as('second-password-2')).status).toBe(200);
    const audit = (await admin.get('/audit?username=op1')).json as { action: string; detail?: string; say?: unknown }[];
    expect(audit.map((e) => e.action)).toContain('password_changed');
    expect(audit.find((e) => e.detail === 'password change: wrong current password')?.action).toBe('login_failed');
    // and what it says, for the log in the reader's language
    expect(audit.find((e) => e.detail === 'password change: wrong current password')).toMatchObject({
      say: { text: 'wrong_current_password', args: {} },
    });
    // an entry whose text no longer reads (renamed since) is still listed, with its English alone
    await server.redis.xadd(
      server.keys.audit(),
      '*',
      'at',
      new Date().toISOString(),
      'username',
      'op1',
      'role',
      'operator',
      'action',
      'logout',
      'detail',
      'old words',
      'say',
      '{"text":"gone_since","args":{}}',
    );
    const again = (await admin.get('/audit?username=op1')).json as { action: string; detail?: string; say?: unknown }[];
    expect(again[0]).toEqual({
      at: expect.any(String),
      username: 'op1',
      role: 'operator',
      action: 'logout',
      detail: 'old words',
    });
  });

  it('an administrator sets a forgotten one: the user’s sessions end, the new password works', async () => {
    const { api: a } = await as('second-password-2');
    expect(await me(a)).toBe(200);
    expect((await admin.call('PUT', '/users/op1/password', { password: 'third-password-3' })).status).toBe(200);
    expect(await me(a)).toBe(401);
    expect((await as('second-password-2')).status).toBe(401);
    expect((await as('third-password-3')).status).toBe(200);
    expect((await admin.call('PUT', '/users/nobody/password', { password: 'third-password-3' })).status).toBe(404);
    const short = await admin.call('PUT', '/users/op1/password', { password: 'short' });
    expect(short.status).toBe(400);
    // the refusal says what is wrong, in words, in the three languages the dashboard shows it in
    expect(short.json).toEqual({
      error: 'invalid request',
      problems: ['body.password: shorter than 10 characters'],
      problemsLocalized: [
        {
          en: 'password: shorter than 10 characters',
          ru: 'password: короче 10 символов',
          kk: 'password: 10 таңбадан қысқа',
        },
      ],
    });
    // only an administrator may
    const { api: op } = await as('third-password-3');
    expect((await op.call('PUT', '/users/admin/password', { password: 'taken-over-1234' })).status).toBe(403);
    const audit = (await admin.get('/audit?action=password_reset')).json as { username: string; detail?: string }[];
    expect(audit[0]).toMatchObject({ username: 'admin', detail: 'op1' });
  });

  it("an administrator changes a user's role and scope: effective at their next request, checked like a new user's", async () => {
    const { api: op } = await as('third-password-3');
    expect((await op.get('/regions')).json.map((r: { code: string }) => r.code)).toEqual(['KZ-75']);
    const moved = await admin.call('PUT', '/users/op1', { role: 'operator', regions: ['KZ-71', 'KZ-75'] });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ username: 'op1', role: 'operator', regions: ['KZ-71', 'KZ-75'] });
    // the same session, the new scope
    expect((await op.get('/regions')).json.map((r: { code: string }) => r.code).sort()).toEqual(['KZ-71', 'KZ-75']);
    expect((await admin.call('PUT', '/users/op1', { role: 'operator', regions: [] })).status).toBe(400);
    expect((await admin.call('PUT', '/users/op1', { role: 'school', regions: [], schoolId: 'nowhere' })).status).toBe(
      400,
    );
    expect((await admin.call('PUT', '/users/nobody', { role: 'auditor', regions: [] })).status).toBe(404);
    // a region that is none is refused (an operator bound to it would see nothing), in the three languages
    const nowhere = await admin.call('PUT', '/users/op1', { role: 'operator', regions: ['KZ-75', 'KZ-98'] });
    expect(nowhere.status).toBe(400);
    expect(nowhere.json).toEqual({
      error: 'no such region: KZ-98',
      problems: ['no such region: KZ-98'],
      problemsLocalized: [
        { en: 'no such region: KZ-98', ru: 'нет такого региона: KZ-98', kk: 'мұндай өңір жоқ: KZ-98' },
      ],
    });
    // one of Kazakhstan's regions is one, whether or not the registry has schools in it yet
    expect((await admin.call('PUT', '/users/op1', { role: 'operator', regions: ['KZ-79'] })).status).toBe(200);
    const twice = await admin.call('POST', '/users', {
      username: 'op1',
      role: 'auditor',
      regions: [],
      password: 'long-enough-pw',
    });
    expect(twice.status).toBe(409);
    expect(twice.json.problemsLocalized).toEqual([
      { en: 'user op1 already exists', ru: 'пользователь op1 уже существует', kk: 'op1 пайдаланушысы бұрыннан бар' },
    ]);
    // an administrator does not demote themselves (nobody might be left to undo it)
    expect((await admin.call('PUT', '/users/admin', { role: 'auditor', regions: [] })).status).toBe(400);
    expect((await op.call('PUT', '/users/op1', { role: 'admin', regions: [] })).status).toBe(403);
    // now an auditor: the role index follows (an alert is no longer assignable to them)
    expect((await admin.call('PUT', '/users/op1', { role: 'auditor', regions: [] })).status).toBe(200);
    expect((await op.get('/auth/me')).json.role).toBe('auditor');
    expect(await server.redis.sismember(server.keys.usersWithRole('operator'), 'op1')).toBe(0);
    expect(await server.redis.sismember(server.keys.usersWithRole('auditor'), 'op1')).toBe(1);
    const audit = (await admin.get('/audit?action=user_updated')).json as { detail?: string }[];
    expect(audit[0]?.detail).toBe('op1: operator KZ-79 → auditor');
  });

  it('keeps sessions opened before password versions existed (a bare user name) while the password is unchanged', async () => {
    expect(
      (await admin.post('/users', { username: 'aud9', password: 'auditor-pass-9', role: 'auditor', regions: [] }))
        .status,
    ).toBe(200);
    const sid = 'a-session-from-the-release-before';
    const hash = createHash('sha256').update(sid).digest('base64url');
    await server.redis.set(server.keys.session(hash), 'aud9', 'EX', 600);
    const legacy = new Api(server.url);
    legacy.cookie = `kuzet_session=${sid}`;
    expect(await me(legacy)).toBe(200);
    expect((await admin.call('PUT', '/users/aud9/password', { password: 'auditor-pass-10' })).status).toBe(200);
    expect(await me(legacy)).toBe(401);
  });
});
