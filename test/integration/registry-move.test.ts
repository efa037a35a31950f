import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunningServer } from '@kuzet/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packCameraOps } from '../../server/src/repositories/camera-ops.ts';
import { Keys } from '../../server/src/repositories/redis.ts';
import { StateRepository } from '../../server/src/repositories/state.ts';
import { enrolFakeAgent, type FakeAgent } from '../fake-agent.ts';
import { startRedis, waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, registryJson, testServer } from '../server-helpers.ts';

const SCHOOL = 'KZ-75-01-0001';
const camOf = (n: number) => `cam-${n.toString(16).padStart(16, '0')}`;

/**
 * The registry is reimported with a school in another district and region (as the 2022 reform moved districts into
 * the new Abai, Jetisu and Ulytau regions): the school, its cameras' counts, their grid entries and its place in the
 * trouble ranking go with it, the agent's open link (which stores under the placement it connected with) reconnects,
 * and nothing is left behind in the old district or region.
 */
describe('a school the registry moves to another district and region', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let server: RunningServer;
  let api: Api;
  let agent: FakeAgent;
  let objects: string;
  let prefix: string;

  beforeAll(async () => {
    redis = await startRedis();
    // offline cameras' alerts open within a second (removing the school resolves them)
    const alerting = join(mkdtempSync(join(tmpdir(), 'kuzet-move-')), 'alerting.json');
    writeFileSync(
      alerting,
      JSON.stringify({ rules: { camera_offline: { openAfterSeconds: 1, resolveAfterSeconds: 1 } } }),
    );
    let cfg: { KUZET_OBJECT_DIR: string };
    ({ server, cfg, prefix } = await testServer(redis.url, undefined, { KUZET_ALERTING: alerting }));
    objects = cfg.KUZET_OBJECT_DIR;
    api = new Api(server.url);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);
    agent = await enrolFakeAgent(api, server.url, SCHOOL, 'agent-almaty-1');
  });
  afterAll(async () => {
    agent?.ws.close();
    await server?.close();
    await redis?.stop();
  });

  const summary = async (region: string) =>
    (await api.get(`/summary?region=${region}`)).json as Record<string, number | undefined>;
  const district = async (region: string, id: string) =>
    ((await api.get(`/districts?region=${region}`)).json as { id: string; counts: Record<string, number> }[]).find(
      (d) => d.id === id,
    )?.counts;
  const schoolsOf = async (q: string) =>
    ((await api.get(`/schools?${q}&limit=100`)).json as { items: { id: string }[] }).items.map((s) => s.id);
  // the grid's ids come as one string of the ids' 16 hex digits each
  const gridIds = async (region: string) =>
    (((await api.get(`/grid/ids?region=${region}`)).json as { ids: string }).ids.match(/.{16}/g) ?? []).map(
      (h) => `cam-${h}`,
    );
  const worst = async (region: string) =>
    ((await api.get(`/worst-schools?region=${region}`)).json as { id: string }[]).map((s) => s.id);

  it('takes its cameras, counts, grid and ranking along; its agent reconnects and reports into the new place', async () => {
    await agent.batch([
      { cam: camOf(1), status: 'online' },
      { cam: camOf(2), status: 'online' },
      { cam: camOf(3), status: 'online' },
      { cam: camOf(4), status: 'offline', reasons: ['unreachable'] },
    ]);
    await waitFor(async () => ((await summary('KZ-75')).online === 3 ? true : undefined), 5000, 'counted');
    expect((await district('KZ-75', 'KZ-75-01'))?.offline).toBe(1);
    expect(await worst('KZ-75')).toContain(SCHOOL);
    expect(await gridIds('KZ-75')).toContain(camOf(4));
    const figures = async (q: string) => (await api.get(`/compliance${q}`)).json.figures.schools as number;
    await waitFor(async () => ((await figures('?region=KZ-75')) === 2 ? true : undefined), 10_000, 'verdicts stored');

    const reg = registryJson();
    reg.districts.push({ id: 'KZ-19-01', regionCode: 'KZ-19', nameRu: 'Район Алматинской области', nameKk: 'Аудан' });
    const s = reg.schools.find((x: { id: string }) => x.id === SCHOOL);
    s.districtId = 'KZ-19-01';
    s.regionCode = 'KZ-19';
    const res = await api.post('/registry', reg);
    expect(res.status).toBe(200);
    expect(res.json.moved).toBe(1);
    expect(res.json.notInFile).toEqual({ total: 0, schools: [] });
    // the agent's link stored under the old placement: it is closed, and reconnects
    await waitFor(() => (agent.closed === 4004 ? true : undefined), 5000, 'the link closed for the move');

    expect(await schoolsOf('region=KZ-75')).not.toContain(SCHOOL);
    expect(await schoolsOf('district=KZ-75-01')).not.toContain(SCHOOL);
    expect(await schoolsOf('region=KZ-19')).toContain(SCHOOL);
    const zero = (c?: Record<string, number | undefined>) => ({ online: c?.online ?? 0, offline: c?.offline ?? 0 });
    expect(zero(await summary('KZ-75'))).toEqual({ online: 0, offline: 0 });
    expect(zero(await summary('KZ-19'))).toEqual({ online: 3, offline: 1 });
    expect(zero(await district('KZ-75', 'KZ-75-01'))).toEqual({ online: 0, offline: 0 });
    expect(zero(await district('KZ-19', 'KZ-19-01'))).toEqual({ online: 3, offline: 1 });
    expect(await worst('KZ-75')).not.toContain(SCHOOL);
    expect(await worst('KZ-19')).toContain(SCHOOL);
    expect(await gridIds('KZ-75')).not.toContain(camOf(4));
    expect(await gridIds('KZ-19')).toEqual(expect.arrayContaining([1, 2, 3, 4].map(camOf)));
    // its compliance verdict counts where it is now
    expect(await figures('?district=KZ-75-01')).toBe(1);
    expect(await figures('?region=KZ-75')).toBe(1);
    expect(await figures('?region=KZ-19')).toBe(1);
    expect(await figures('?district=KZ-19-01')).toBe(1);
    expect(await figures('')).toBe(3);
    // the move's bookkeeping was exact: verification finds nothing to repair
    expect((await api.post('/integrity/rollups/verify')).json.drift).toEqual([]);

    // a batch the old link still had on its way is stored with the placement that link connected with: it lands in
    // the new district and region all the same (it went to the old ones, where only the hourly check found it)
    const stale = new Redis(redis.url);
    try {
      const at = new Date().toISOString();
      const state = new StateRepository(stale, new Keys(prefix));
      const m = stale.multi();
      state.cameraOps(
        m,
        { schoolId: SCHOOL, districtId: 'KZ-75-01', regionCode: 'KZ-75', agentId: 'agent-almaty-1' },
        at,
        packCameraOps([
          { op: 'state', cameraId: camOf(2), status: 'offline', reasons: ['unreachable'], since: at, at },
        ]),
      );
      for (const [err] of (await m.exec()) ?? []) expect(err).toBeNull();
    } finally {
      stale.disconnect();
    }
    expect(zero(await summary('KZ-75'))).toEqual({ online: 0, offline: 0 });
    expect(zero(await district('KZ-75', 'KZ-75-01'))).toEqual({ online: 0, offline: 0 });
    expect(zero(await summary('KZ-19'))).toEqual({ online: 2, offline: 2 });
    expect(zero(await district('KZ-19', 'KZ-19-01'))).toEqual({ online: 2, offline: 2 });
    expect(await gridIds('KZ-75')).toEqual([]);
    expect(await gridIds('KZ-19')).toEqual(expect.arrayContaining([1, 2, 3, 4].map(camOf)));
    expect((await api.post('/integrity/rollups/verify')).json.drift).toEqual([]);

    // reconnected, the agent's next change lands in the new district and region, none in the old
    await agent.connect();
    await agent.batch([{ cam: camOf(1), status: 'offline', reasons: ['unreachable'] }]);
    await waitFor(async () => ((await summary('KZ-19')).offline === 3 ? true : undefined), 5000, 'the change counted');
    expect(zero(await summary('KZ-75'))).toEqual({ online: 0, offline: 0 });
    expect(zero(await district('KZ-19', 'KZ-19-01'))).toEqual({ online: 1, offline: 3 });
    expect((await api.post('/integrity/rollups/verify')).json.drift).toEqual([]);
  });

  it('removes a closed school with what the centre holds of it, once its agent is revoked and no user belongs to it', async () => {
    expect(
      (
        await api.post('/users', {
          username: 'guard-1',
          password: 'guard-password-1',
          role: 'school',
          regions: [],
          schoolId: SCHOOL,
        })
      ).status,
    ).toBe(200);
    const refused = await api.call('DELETE', `/schools/${SCHOOL}`);
    expect(refused.status).toBe(409);
    expect(refused.json.problems).toEqual([
      'agent agent-almaty-1 is enrolled for this school: revoke it first',
      'user guard-1 belongs to this school: delete it first',
    ]);
    expect((await api.get(`/schools/${SCHOOL}`)).status).toBe(200); // nothing removed
    expect((await api.post('/agents/agent-almaty-1/revoke')).status).toBe(200);
    expect((await api.call('DELETE', '/users/guard-1')).status).toBe(200);
    const before = (await api.get('/compliance')).json.figures.schools as number;
    const alertsOf = async () =>
      ((await api.get('/alerts')).json as { schoolId: string }[]).filter((a) => a.schoolId === SCHOOL).length;
    const open = await waitFor(async () => ((await alertsOf()) >= 2 ? alertsOf() : undefined), 10_000, 'alerts open');
    // a confirmed reference view and the latest picture of one of its cameras (children appear in them)
    const pictures = ['references', 'snapshots'].map((d) => join(objects, d, `${camOf(2)}.jpg`));
    for (const f of pictures) {
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, 'jpeg');
      writeFileSync(`${f}.type`, 'image/jpeg');
    }
    const res = await api.call('DELETE', `/schools/${SCHOOL}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ cameras: 4, alertsResolved: open });
    expect((await api.get(`/schools/${SCHOOL}`)).status).toBe(404);
    expect((await api.get(`/cameras/${camOf(1)}`)).status).toBe(404);
    expect(pictures.filter((f) => existsSync(f))).toEqual([]);
    expect(await schoolsOf('region=KZ-19')).not.toContain(SCHOOL);
    const zero = (c?: Record<string, number | undefined>) => ({ online: c?.online ?? 0, offline: c?.offline ?? 0 });
    expect(zero(await summary('KZ-19'))).toEqual({ online: 0, offline: 0 });
    expect(zero((await api.get('/summary')).json)).toEqual({ online: 0, offline: 0 });
    expect(await gridIds('KZ-19')).toEqual([]);
    expect(await worst('KZ-19')).toEqual([]);
    expect((await api.get('/compliance')).json.figures.schools).toBe(before - 1);
    expect((await api.get('/compliance?region=KZ-19')).json.figures.schools).toBe(0);
    expect(await alertsOf()).toBe(0);
    expect((await api.post('/integrity/rollups/verify')).json.drift).toEqual([]);
    const audit = (await api.get('/audit?action=school_removed')).json as { action: string; detail?: string }[];
    expect(audit.find((a) => a.action === 'school_removed')).toMatchObject({
      schoolId: SCHOOL,
      detail: expect.stringMatching(/, 4 cameras$/),
    });
  });

  it('lists the schools of the districts a file covers that it leaves out, and removes none of them', async () => {
    const reg = registryJson();
    const left = 'KZ-75-01-0002';
    const full = reg.schools.filter((x: { id: string }) => x.id !== SCHOOL);
    const res = await api.post('/registry', { ...reg, schools: full.filter((x: { id: string }) => x.id !== left) });
    expect(res.status).toBe(200);
    const named = reg.schools.find((x: { id: string }) => x.id === left);
    expect(res.json.notInFile).toEqual({
      total: 1,
      schools: [{ id: left, nameRu: named.nameRu, nameKk: named.nameKk, districtId: 'KZ-75-01' }],
    });
    expect((await api.get(`/schools/${left}`)).status).toBe(200);
    const audit = (await api.get('/audit?action=registry_imported')).json as { detail?: string }[];
    // every count named, 0 included (kk and ru say the same from the same text)
    expect(audit[0]?.detail).toMatch(/, 0 moved, 1 not in the file, 0 enrolled agent\(s\) no longer listed$/);
    // a file of one region says nothing of another region's schools
    const one = {
      ...reg,
      districts: reg.districts.filter((d: { regionCode: string }) => d.regionCode === 'KZ-71'),
      schools: full.filter((x: { regionCode: string }) => x.regionCode === 'KZ-71'),
    };
    const again = await api.post('/registry', one);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ schools: 1, notInFile: { total: 0, schools: [] } });
  });

  it('names an enrolled agent the file no longer lists for its school, and marks it on the agents list until revoked', async () => {
    const astana = await enrolFakeAgent(api, server.url, 'KZ-71-01-0001', 'agent-astana-1');
    try {
      const listed = async () =>
        ((await api.get('/agents')).json as { agentId: string; listed: boolean }[]).find(
          (a) => a.agentId === 'agent-astana-1',
        )?.listed;
      expect(await listed()).toBe(true);
      const reg = registryJson();
      const schools = reg.schools
        .filter((x: { id: string }) => x.id !== SCHOOL)
        .map((x: { id: string; agents: string[] }) =>
          x.id === 'KZ-71-01-0001' ? { ...x, agents: ['agent-astana-2'] } : x,
        );
      const res = await api.post('/registry', { ...reg, schools });
      expect(res.status).toBe(200);
      expect(res.json.agentsUnlisted).toEqual([{ agentId: 'agent-astana-1', schoolId: 'KZ-71-01-0001' }]);
      expect(await listed()).toBe(false);
      const audit = (await api.get('/audit?action=registry_imported')).json as { detail?: string }[];
      expect(audit[0]?.detail).toMatch(/, 1 enrolled agent\(s\) no longer listed$/);
      // revoked, it is named no more (agent-almaty-1, revoked above with its removed school, never was)
      expect((await api.post('/agents/agent-astana-1/revoke')).status).toBe(200);
      expect((await api.post('/registry', { ...reg, schools })).json.agentsUnlisted).toEqual([]);
    } finally {
      astana.ws.close();
    }
  });
});
