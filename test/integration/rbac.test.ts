import type { AgentMessage } from '@kuzet/protocol';
import type { RunningServer } from '@kuzet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRedis } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

const ROLES = ['admin', 'operator', 'auditor', 'auditor71', 'school', 'anonymous'] as const;
type R = (typeof ROLES)[number];
const CAM = 'cam-00000000000000a1';
const A = 'KZ-75-01-0001'; // operator's region, the school user's school
const B = 'KZ-75-01-0002'; // operator's region, another school
const C = 'KZ-71-01-0001'; // Astana

// expected HTTP status per role, in ROLES order
const MATRIX: [string, string, unknown, number[]][] = [
  ['GET', '/auth/me', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/regions', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/districts?region=KZ-75', undefined, [200, 200, 200, 404, 404, 401]],
  ['GET', '/districts?region=KZ-71', undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', '/schools?region=KZ-71', undefined, [200, 404, 200, 200, 200, 401]],
  ['GET', `/schools/${A}`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/schools/${B}`, undefined, [200, 200, 200, 404, 404, 401]],
  ['GET', `/schools/${C}`, undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', `/schools/${A}/cameras`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/schools/${C}/cameras`, undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', `/schools/${A}/history`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/cameras/${CAM}`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/cameras/${CAM}/history`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', '/summary', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/summary?region=KZ-71', undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', `/summary?school=${B}`, undefined, [200, 200, 200, 404, 404, 401]],
  ['GET', '/agents', undefined, [200, 403, 403, 403, 403, 401]],
  ['POST', '/enrolment-codes', { schoolId: C, agentId: 'agent-astana-1' }, [200, 403, 403, 403, 403, 401]],
  ['POST', '/agents/agent-almaty-2/revoke', undefined, [404, 403, 403, 403, 403, 401]],
  ['GET', '/users', undefined, [200, 403, 403, 403, 403, 401]],
  [
    'POST',
    '/users',
    { username: 'new-op', role: 'operator', regions: ['KZ-79'], password: 'long-enough-pw' },
    [200, 403, 403, 403, 403, 401],
  ],
  ['DELETE', '/users/nobody', undefined, [404, 403, 403, 403, 403, 401]],
];

// live subscriptions: allowed (true) or refused, per role (anonymous cannot even connect)
const LIVE: [string, object, boolean[]][] = [
  ['country', { kind: 'country' }, [true, false, true, false, false]],
  ['region KZ-75', { kind: 'region', code: 'KZ-75' }, [true, true, true, false, false]],
  ['region KZ-71', { kind: 'region', code: 'KZ-71' }, [true, false, true, true, false]],
  [`school ${A}`, { kind: 'school', id: A }, [true, true, true, false, true]],
  [`school ${C}`, { kind: 'school', id: C }, [true, false, true, true, false]],
];

describe('RBAC: every endpoint and live scope × every role', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let server: RunningServer;
  const clients = new Map<R, Api>();

  beforeAll(async () => {
    redis = await startRedis();
    ({ server } = await testServer(redis.url));
    const admin = new Api(server.url);
    expect(await admin.login('admin', ADMIN_PASSWORD)).toBe(200);
    const users = [
      { username: 'op', role: 'operator', regions: ['KZ-75'] },
      { username: 'aud', role: 'auditor', regions: [] },
      { username: 'aud71', role: 'auditor', regions: ['KZ-71'] },
      { username: 'guard', role: 'school', regions: [], schoolId: A },
    ];
    for (const u of users)
      expect((await admin.post('/users', { ...u, password: `${u.username}-password-1` })).status).toBe(200);
    clients.set('admin', admin);
    for (const [role, name] of [
      ['operator', 'op'],
      ['auditor', 'aud'],
      ['auditor71', 'aud71'],
      ['school', 'guard'],
    ] as const) {
      const api = new Api(server.url);
      expect(await api.login(name, `${name}-password-1`)).toBe(200);
      clients.set(role, api);
    }
    clients.set('anonymous', new Api(server.url));
    const place = { agentId: 'agent-almaty-1', schoolId: A, districtId: 'KZ-75-01', regionCode: 'KZ-75' };
    const at = new Date().toISOString();
    const msg = (m: object) => ({ v: 1, agentId: 'agent-almaty-1', at, ...m }) as AgentMessage;
    await server.ingest.ingest(place, 1, [
      msg({ type: 'state', state: { cameraId: CAM, at, status: 'online', reasons: [], since: at } }),
    ]);
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  it.each(MATRIX)('%s %s', async (method, path, body, expected) => {
    const got: number[] = [];
    for (const role of ROLES) got.push((await clients.get(role)!.call(method, path, body)).status);
    expect(Object.fromEntries(ROLES.map((r, i) => [r, got[i]]))).toEqual(
      Object.fromEntries(ROLES.map((r, i) => [r, expected[i]])),
    );
  });

  it('lists only what the role may see', async () => {
    const codes = async (r: R) =>
      ((await clients.get(r)!.get('/regions')).json as { code: string }[]).map((x) => x.code).sort();
    expect(await codes('admin')).toEqual(['KZ-71', 'KZ-75']);
    expect(await codes('operator')).toEqual(['KZ-75']);
    expect(await codes('auditor71')).toEqual(['KZ-71']);
    expect(await codes('school')).toEqual([]);
    const schools = (await clients.get('school')!.get('/schools')).json as { items: { id: string }[] };
    expect(schools.items.map((s) => s.id)).toEqual([A]);
    const opSchools = (await clients.get('operator')!.get('/schools')).json as { items: { id: string }[] };
    expect(opSchools.items.map((s) => s.id)).toEqual([A, B]);
  });

  it.each(LIVE)('live subscription to %s', async (_name, scope, expected) => {
    const got: boolean[] = [];
    for (const role of ROLES.slice(0, 5)) {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/live`, {
        headers: { cookie: clients.get(role)!.cookie },
      });
      await new Promise((r) => ws.once('open', r));
      const frame = await new Promise<{ type: string }>((resolve) => {
        ws.once('message', (d) => resolve(JSON.parse(String(d))));
        ws.send(JSON.stringify({ type: 'subscribe', scope }));
      });
      got.push(frame.type === 'snapshot');
      ws.close();
    }
    expect(got).toEqual(expected);
    const anon = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/live`);
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(anon).toBe(401);
  });

  it('rate-limits logins', async () => {
    const api = new Api(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await api.login('op', 'wrong'));
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
