import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentMessage } from '@kuzet/protocol';
import type { RunningServer } from '@kuzet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ROOT, startRedis, waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

const ROLES = ['admin', 'operator', 'auditor', 'auditor71', 'school', 'anonymous'] as const;
type R = (typeof ROLES)[number];
const CAM = 'cam-00000000000000a1';
const A = 'KZ-75-01-0001'; // operator's region, the school user's school
const B = 'KZ-75-01-0002'; // operator's region, another school
const C = 'KZ-71-01-0001'; // Astana
const PICTURE = readFileSync(join(ROOT, 'test/fixtures/picture.jpg'));

/** yesterday, a day the archive may hold */
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
/** planned works of an hour at a school, starting now */
const WINDOW = (schoolId: string) => ({
  schoolId,
  from: new Date().toISOString(),
  to: new Date(Date.now() + 3_600_000).toISOString(),
  reason: 'cabling',
});

// expected HTTP status per role, in ROLES order
const MATRIX: [string, string, unknown, number[]][] = [
  ['GET', '/auth/me', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/auth/session', undefined, [200, 200, 200, 200, 200, 200]],
  ['GET', '/regions', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/districts?region=KZ-75', undefined, [200, 200, 200, 404, 404, 401]],
  ['GET', '/districts?region=KZ-71', undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', '/schools?region=KZ-71', undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', '/schools?region=KZ-75', undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/schools/${A}`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/schools/${B}`, undefined, [200, 200, 200, 404, 404, 401]],
  ['GET', `/schools/${C}`, undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', `/schools/${A}/cameras`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/schools/${C}/cameras`, undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', `/schools/${A}/history`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/cameras/${CAM}`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/cameras/${CAM}/history`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/cameras/${CAM}/alerts`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', '/summary', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/summary?region=KZ-71', undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', `/summary?school=${B}`, undefined, [200, 200, 200, 404, 404, 401]],
  ['GET', '/grid', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/grid?region=KZ-71', undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', '/grid/ids', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/grid/ids?region=KZ-71', undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', '/worst-schools', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/worst-schools?region=KZ-75', undefined, [200, 200, 200, 404, 404, 401]],
  ['GET', `/cameras/${CAM}/measurements`, undefined, [200, 200, 200, 404, 200, 401]],
  // pictures: the roles that act on the camera, never auditors; every view audited (admins read the record)
  ['GET', `/cameras/${CAM}/snapshot`, undefined, [200, 200, 403, 403, 200, 401]],
  ['GET', '/cameras/cam-00000000000000c1/snapshot', undefined, [404, 404, 403, 403, 404, 401]],
  // who is paged in a region: its operators and admins, by label
  ['GET', '/regions/KZ-75/paging', undefined, [200, 200, 403, 403, 403, 401]],
  ['GET', '/regions/KZ-71/paging', undefined, [200, 404, 403, 403, 403, 401]],
  ['GET', '/regions/KZ-99/paging', undefined, [404, 404, 403, 403, 403, 401]],
  // a school's own contacts: its staff, its region's operators, admins; a test only to a saved one (none here: 404)
  ['GET', `/schools/${A}/contacts`, undefined, [200, 200, 403, 403, 200, 401]],
  ['GET', `/schools/${C}/contacts`, undefined, [200, 404, 403, 403, 404, 401]],
  [
    'POST',
    `/schools/${A}/contacts/test`,
    { target: { channel: 'webhook', url: 'https://hooks.example.kz/x' } },
    [404, 404, 403, 403, 404, 401],
  ],
  // the requirement history: what applied when, for admins and auditors; bringing a version back: admins
  ['GET', '/requirements/versions', undefined, [200, 403, 200, 200, 403, 401]],
  ['GET', '/requirements/versions/1', undefined, [200, 403, 200, 200, 403, 401]],
  ['POST', '/requirements/versions/99/restore', { version: 2 }, [404, 403, 403, 403, 403, 401]],
  ['GET', '/audit', undefined, [200, 403, 403, 403, 403, 401]],
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
  ['PUT', '/users/nobody', { role: 'operator', regions: ['KZ-79'] }, [404, 403, 403, 403, 403, 401]],
  ['PUT', '/users/nobody/password', { password: 'long-enough-pw' }, [404, 403, 403, 403, 403, 401]],
  // a wrong current password: refused for everyone, and nobody's password changes
  [
    'PUT',
    '/auth/password',
    { current: 'not-the-password', password: 'another-long-pw' },
    [403, 403, 403, 403, 403, 401],
  ],
  ['DELETE', '/schools/KZ-79-01-0099', undefined, [404, 403, 403, 403, 403, 401]],
  ['GET', '/map', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/map?region=KZ-71', undefined, [200, 404, 200, 200, 404, 401]],
  // alerts: read by every role within its scope, acted on by operators and admins (school staff comment)
  ['GET', '/alerts', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/alerts/sla', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/alerts/no-such-alert', undefined, [404, 404, 404, 404, 404, 401]],
  ['GET', '/alerts/no-such-alert/assignees', undefined, [404, 404, 404, 404, 404, 401]],
  ['POST', '/alerts/ack', { ids: ['no-such-alert'] }, [200, 200, 403, 403, 403, 401]],
  ['POST', '/alerts/no-such-alert/actions', { action: 'comment', text: 'x' }, [404, 404, 404, 404, 404, 401]],
  ['GET', `/schools/${A}/alerts`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/schools/${C}/alerts`, undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', '/maintenance', undefined, [200, 200, 200, 200, 200, 401]],
  ['POST', '/maintenance', WINDOW(A), [200, 200, 403, 403, 200, 401]],
  ['POST', '/maintenance', WINDOW(C), [200, 404, 403, 403, 404, 401]],
  ['DELETE', '/maintenance/no-such-window', undefined, [404, 404, 403, 403, 404, 401]],
  ['GET', '/jobs/failed', undefined, [200, 403, 403, 403, 403, 401]],
  ['POST', '/jobs/failed/retry', undefined, [200, 403, 403, 403, 403, 401]],
  ['PUT', `/schools/${A}/contacts`, { contacts: [] }, [200, 200, 403, 403, 200, 401]],
  ['PUT', `/schools/${C}/contacts`, { contacts: [] }, [200, 404, 403, 403, 404, 401]],
  // the centre's alerting configuration: admins only
  ['GET', '/alerting', undefined, [200, 403, 403, 403, 403, 401]],
  ['PUT', '/alerting', { rules: { camera_offline: 'not settings' } }, [400, 403, 403, 403, 403, 401]],
  ['GET', '/alerting/versions', undefined, [200, 403, 403, 403, 403, 401]],
  ['GET', '/alerting/versions/99', undefined, [404, 403, 403, 403, 403, 401]],
  ['POST', '/alerting/versions/99/restore', { version: 99 }, [404, 403, 403, 403, 403, 401]],
  // to a closed port on this machine: not delivered, and said why
  [
    'POST',
    '/alerting/test',
    { target: { channel: 'webhook', url: 'http://127.0.0.1:9/x' } },
    [200, 403, 403, 403, 403, 401],
  ],
  // a camera's confirmed view: the roles that act on the camera (none confirmed yet: 404), never auditors
  ['GET', `/cameras/${CAM}/reference`, undefined, [404, 404, 403, 403, 404, 401]],
  // confirming a picture that is not the camera's: refused, after the role
  ['POST', `/cameras/${CAM}/reference`, { snapshotAt: '2026-01-01T00:00:00.000Z' }, [409, 409, 403, 403, 409, 401]],
  ['GET', `/cameras/${CAM}/viewers`, undefined, [200, 403, 403, 403, 403, 401]],
  ['GET', '/integrity/rollups', undefined, [200, 403, 403, 403, 403, 401]],
  ['POST', '/integrity/rollups/verify', undefined, [200, 403, 403, 403, 403, 401]],
  ['GET', '/integrity/quarantine', undefined, [200, 403, 403, 403, 403, 401]],
  ['POST', '/cameras/cam-00000000000000c1/release', undefined, [404, 403, 403, 403, 403, 401]],
  ['GET', '/requirements', undefined, [200, 200, 200, 200, 200, 401]],
  ['PUT', '/requirements', { profiles: 'not a profile' }, [400, 403, 403, 403, 403, 401]],
  ['GET', '/compliance', undefined, [200, 200, 200, 200, 200, 401]],
  ['GET', '/compliance?region=KZ-71', undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', `/schools/${A}/compliance`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/schools/${C}/compliance`, undefined, [200, 404, 200, 200, 404, 401]],
  ['PUT', `/cameras/${CAM}/placement`, { name: 'Main entrance' }, [200, 200, 403, 403, 200, 401]],
  ['POST', '/registry', { schools: 'not a registry' }, [400, 403, 403, 403, 403, 401]],
  // the archive: every reader within its scope; its verification for admins and auditors; a day judged again: admins
  // no unit named: the country's, which only admins and country-wide auditors see
  ['GET', `/archive/days?from=${DAY}&to=${DAY}`, undefined, [200, 404, 200, 404, 404, 401]],
  ['GET', `/archive/days?school=${A}&from=${DAY}&to=${DAY}`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/archive/days?region=KZ-71&from=${DAY}&to=${DAY}`, undefined, [200, 404, 200, 200, 404, 401]],
  ['POST', '/archive/verify', undefined, [200, 403, 200, 200, 403, 401]],
  ['POST', `/archive/days/${DAY}/rejudge`, undefined, [200, 403, 403, 403, 403, 401]],
  ['GET', `/exports/compliance.csv?from=${DAY}&to=${DAY}`, undefined, [200, 404, 200, 404, 404, 401]],
  ['GET', `/exports/compliance.csv?school=${A}&from=${DAY}&to=${DAY}`, undefined, [200, 200, 200, 404, 200, 401]],
  ['GET', `/exports/compliance.csv?region=KZ-71&from=${DAY}&to=${DAY}`, undefined, [200, 404, 200, 200, 404, 401]],
  ['GET', `/exports/compliance.pdf?region=KZ-75&from=${DAY}&to=${DAY}`, undefined, [200, 200, 200, 404, 404, 401]],
  ['GET', '/api-tokens', undefined, [200, 403, 403, 403, 403, 401]],
  ['POST', '/api-tokens', { name: 'statistics office', regions: ['KZ-71'] }, [200, 403, 403, 403, 403, 401]],
  ['DELETE', '/api-tokens/0123456789ab', undefined, [404, 403, 403, 403, 403, 401]],
];

/**
 * Routes whose roles are tested elsewhere, not in the matrix: each with where. Every other route of the OpenAPI
 * document must have a row above (a test below checks it), so a new route cannot be left out of this check.
 */
const ELSEWHERE: Record<string, string> = {
  'POST /auth/login': 'anyone: every test logs in; throttling in security.test.ts',
  'POST /auth/logout': "any logged-in user: it would end this file's sessions (accounts.test.ts)",
  'POST /enrol': "anyone with a valid code: every agent's enrolment (fake-agent.ts, server-chain.test.ts)",
};

// live subscriptions: allowed (true) or refused, per role (anonymous cannot even connect)
const LIVE: [string, object, boolean[]][] = [
  ['mine', { kind: 'mine' }, [true, true, true, true, true]],
  ['country', { kind: 'country' }, [true, false, true, false, false]],
  ['region KZ-75', { kind: 'region', code: 'KZ-75' }, [true, true, true, false, false]],
  ['region KZ-71', { kind: 'region', code: 'KZ-71' }, [true, false, true, true, false]],
  [`school ${A}`, { kind: 'school', id: A }, [true, true, true, false, true]],
  [`school ${C}`, { kind: 'school', id: C }, [true, false, true, true, false]],
];

describe('RBAC: every endpoint and live scope × every role (and an API token)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let server: RunningServer;
  const clients = new Map<R, Api>();
  /** another state system's read-only token for Astana: an auditor of KZ-71 that changes nothing */
  let token71: Api;

  beforeAll(async () => {
    redis = await startRedis();
    ({ server } = await testServer(redis.url));
    token71 = new Api(server.url);
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
    const made = await admin.post('/api-tokens', { name: 'statistics office of Astana', regions: ['KZ-71'] });
    expect(made.status).toBe(200);
    token71.headers.authorization = `Bearer ${made.json.token}`;
    const place = { agentId: 'agent-almaty-1', schoolId: A, districtId: 'KZ-75-01', regionCode: 'KZ-75' };
    const at = new Date().toISOString();
    const msg = (m: object) => ({ v: 1, agentId: 'agent-almaty-1', at, ...m }) as AgentMessage;
    await server.ingest.ingest(place, 1, [
      msg({ type: 'state', state: { cameraId: CAM, at, status: 'online', reasons: [], since: at } }),
    ]);
    const r = await server.ingest.ingest(place, 2, [
      msg({
        type: 'snapshot',
        snapshot: { cameraId: CAM, at, contentType: 'image/jpeg', data: PICTURE.toString('base64') },
      }),
      // not this school's camera (it is unknown): refused, the rest of the batch stands
      msg({
        type: 'snapshot',
        snapshot: { cameraId: 'cam-00000000000000c1', at, contentType: 'image/jpeg', data: PICTURE.toString('base64') },
      }),
    ]);
    expect(r.snapshots).toEqual({ stored: 1, refused: 1 });
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

  // a token reads what an auditor of its regions reads, and is refused anything else
  it.each(MATRIX)('an API token: %s %s', async (method, path, body, expected) => {
    const want = method === 'GET' ? expected[ROLES.indexOf('auditor71')] : 403;
    expect((await token71.call(method, path, body)).status).toBe(want);
  });

  it('has a row for every route of the OpenAPI document (or says where its roles are tested)', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, object> };
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/^\/api\/v1/, '')}`),
    );
    // a row's path matches a route's template: {param} stands for one segment; the query is not part of it
    const rows = MATRIX.map(([m, p]) => `${m} ${p.split('?')[0]}`);
    const covered = (route: string) => {
      const re = new RegExp(`^${route.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`);
      return rows.some((r) => re.test(r));
    };
    expect(routes.filter((r) => !covered(r) && !ELSEWHERE[r])).toEqual([]);
    // and nothing said to be elsewhere that is no longer a route
    expect(Object.keys(ELSEWHERE).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('sends a picture only with a record of who saw it', async () => {
    const before = (await clients.get('admin')!.get(`/audit?cameraId=${CAM}&limit=1000`)).json as unknown[];
    const got = await clients.get('school')!.get(`/cameras/${CAM}/snapshot`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/jpeg');
    expect(got.headers.get('cache-control')).toContain('no-store');
    expect(got.bytes!.equals(PICTURE)).toBe(true);
    const after = (await clients.get('admin')!.get(`/audit?cameraId=${CAM}&limit=1000`)).json as {
      username: string;
      role: string;
      schoolId: string;
    }[];
    expect(after.length).toBe(before.length + 1);
    expect(after[0]).toMatchObject({ username: 'guard', role: 'school', schoolId: A, action: 'snapshot_view' });
    // a refused view is not a view, and leaves no picture behind it
    expect((await clients.get('auditor')!.get(`/cameras/${CAM}/snapshot`)).status).toBe(403);
    expect(((await clients.get('admin')!.get(`/audit?cameraId=${CAM}&limit=1000`)).json as unknown[]).length).toBe(
      after.length,
    );
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/kuzet_snapshots_total\{result="viewed"\} [1-9]/);
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

  it("the 'mine' scope and the grid carry exactly what the role may see", async () => {
    const CAM_C = 'cam-00000000000000c1';
    const placeC = { agentId: 'agent-astana-1', schoolId: C, districtId: 'KZ-71-01', regionCode: 'KZ-71' };
    const roles = ['admin', 'operator', 'auditor71', 'school'] as const;
    const seen = new Map<string, Set<string>>();
    const sockets: WebSocket[] = [];
    for (const role of roles) {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/live`, {
        headers: { cookie: clients.get(role)!.cookie },
      });
      sockets.push(ws);
      seen.set(role, new Set());
      ws.on('message', (d) => {
        const f = JSON.parse(String(d));
        for (const x of f.deltas ?? []) seen.get(role)!.add(x.cameraId);
      });
      await new Promise((r) => ws.once('open', r));
      const snap = await new Promise<{ type: string }>((resolve) => {
        ws.once('message', (d) => resolve(JSON.parse(String(d))));
        ws.send(JSON.stringify({ type: 'subscribe', scope: { kind: 'mine' } }));
      });
      expect(snap.type).toBe('snapshot');
    }
    const at = new Date().toISOString();
    const st = (agentId: string, cameraId: string) =>
      ({
        v: 1,
        agentId,
        at,
        type: 'state',
        state: { cameraId, at, status: 'offline', reasons: ['unreachable'], since: at },
      }) as AgentMessage;
    const rc = await server.ingest.ingest(placeC, 1, [st('agent-astana-1', CAM_C)]);
    const r = await server.ingest.ingest(
      { agentId: 'agent-almaty-1', schoolId: A, districtId: 'KZ-75-01', regionCode: 'KZ-75' },
      3,
      [st('agent-almaty-1', CAM)],
    );
    await server.bus.publish([...rc.deltas, ...r.deltas]);
    expect(r.deltas[0]?.previous).toEqual({ status: 'online', counted: [], countedNow: ['unreachable'] });
    await waitFor(() => (seen.get('admin')!.size === 2 ? true : undefined), 5000, 'admin sees both');
    await new Promise((res) => setTimeout(res, 300));
    expect([...seen.get('operator')!]).toEqual([CAM]);
    expect([...seen.get('school')!]).toEqual([CAM]);
    expect([...seen.get('auditor71')!]).toEqual([CAM_C]);
    for (const ws of sockets) ws.close();

    const grid = async (role: R) => {
      const g = (await clients.get(role)!.get('/grid')).json as { version: string; status: string };
      const ids = (await clients.get(role)!.get('/grid/ids')).json as { version: string; ids: string };
      expect(ids.version).toBe(g.version); // the ids belong to that grid
      return { ids: ids.ids, status: g.status, version: g.version };
    };
    const admin = await grid('admin');
    expect(admin).toMatchObject({ ids: '00000000000000c100000000000000a1', status: 'xx' });
    expect(await grid('school')).toMatchObject({ ids: '00000000000000a1', status: 'x' });
    expect((await grid('auditor71')).ids).toBe('00000000000000c1');
    expect((await grid('operator')).version).not.toBe(admin.version); // another list of cameras
    const worst = (await clients.get('operator')!.get('/worst-schools')).json as { id: string; counts: object }[];
    expect(worst.map((w) => [w.id, w.counts])).toEqual([[A, { offline: 1 }]]);
    const schools = (await clients.get('admin')!.get('/schools?region=KZ-71')).json as {
      items: { id: string; reasons: object }[];
    };
    expect(schools.items.find((x) => x.id === C)?.reasons).toEqual({ unreachable: 1 });
  });

  it('slows down guessing a password from one address (see security.test.ts for the rest)', async () => {
    const api = new Api(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push(await api.login('op', 'wrong'));
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
