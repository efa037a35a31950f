import type { RunningServer } from '@kuzet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolAgent, enrolFakeAgent, FakeAgent } from '../fake-agent.ts';
import { startRedis, waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, spawnServer, testServer } from '../server-helpers.ts';

/** Defects an independent chaos and security probe found (issue 17), each reproduced here. */
const A = { school: 'KZ-75-01-0001', agent: 'agent-almaty-1' };
const A2 = { school: 'KZ-75-01-0002', agent: 'agent-almaty-2' };
const B = { school: 'KZ-71-01-0001', agent: 'agent-astana-1' };
const camOf = (n: number) => `cam-${n.toString(16).padStart(16, '0')}`;
const linkUrl = (s: RunningServer) => `${s.url.replace('http', 'ws')}/agent/link`;

describe('nothing lost, nobody where they do not belong', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let s1: RunningServer;
  let s2: RunningServer;
  let api: Api;
  let prefix: string;

  beforeAll(async () => {
    redis = await startRedis();
    ({ server: s1, prefix } = await testServer(redis.url));
    ({ server: s2 } = await testServer(redis.url, prefix, { KUZET_REGISTRY: '' }));
    api = new Api(s1.url);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);
  });
  afterAll(async () => {
    await s1?.close();
    await s2?.close();
    await redis?.stop();
  });

  const history = async (cam: string) => (await api.get(`/cameras/${cam}/history`)).json as { status: string }[];

  it('a reinstalled agent (fresh journal numbering from 1) is stored, not taken for resends', async () => {
    const first = await enrolFakeAgent(api, s1.url, A.school, A.agent);
    for (let i = 0; i < 40; i++) await first.batch([{ cam: camOf(1), status: i % 2 ? 'online' : 'degraded' }]);
    first.ws.close();
    const before = (await history(camOf(1))).length;
    // same token, a new journal: it numbers from 1 again
    const again = new FakeAgent(linkUrl(s1), first.token, A.agent, 'fake-journal-2');
    await again.connect();
    expect(again.ackedSeq).toBe(0);
    for (let i = 0; i < 6; i++) await again.batch([{ cam: camOf(1), status: i % 2 ? 'online' : 'degraded' }]);
    expect((await history(camOf(1))).length).toBe(before + 6);
    // an agent that names no journal and numbers below what is stored is a reinstalled one too
    again.ws.close();
    const old = new FakeAgent(linkUrl(s2), first.token, A.agent, null);
    await old.connect();
    expect(old.ackedSeq).toBe(0);
    await old.batch([{ cam: camOf(1), status: 'offline', reasons: ['unreachable'] }]);
    expect((await api.get(`/cameras/${camOf(1)}`)).json.status).toBe('offline');
    old.ws.close();
    // the same journal below the stored sequence keeps it: that agent renumbers above it (see agents' link tests)
    const same = new FakeAgent(linkUrl(s1), first.token, A.agent, 'fake-journal-2');
    same.seq = 0;
    await same.connect();
    expect(same.ackedSeq).toBe(1);
    same.ws.close();
    // re-enrolment restarts the sequence
    const token = await enrolAgent(api, A.school, A.agent);
    const fresh = new FakeAgent(linkUrl(s1), token, A.agent, 'fake-journal-2');
    fresh.seq = 0;
    await fresh.connect();
    expect(fresh.ackedSeq).toBe(0);
    fresh.ws.close();
    const agent = ((await api.get('/agents')).json as { agentId: string; lastSeq: number }[]).find(
      (x) => x.agentId === A.agent,
    );
    expect(agent?.lastSeq).toBe(0);
  });

  it('revoking an agent closes its open link at once, on whichever instance holds it', async () => {
    const a = await enrolFakeAgent(api, s2.url, A2.school, A2.agent); // linked to the other instance
    await a.batch([{ cam: camOf(20), status: 'online' }]);
    expect((await api.post(`/agents/${A2.agent}/revoke`)).status).toBe(200);
    await waitFor(() => a.closed, 10_000, 'the link to close'); // long before its token's next use
    expect(a.closed).toBe(4001);
    expect(a.frames.some((f) => f.type === 'error' && f.code === 'revoked')).toBe(true);
    // and it cannot come back with that token
    const back = new FakeAgent(linkUrl(s1), a.token, A2.agent);
    await expect(back.connect()).rejects.toThrow();
    // a new code voids the one before; redeeming the new one works, the old one does not
    const c1 = (await api.post('/enrolment-codes', { schoolId: A2.school, agentId: A2.agent })).json.code;
    const c2 = (await api.post('/enrolment-codes', { schoolId: A2.school, agentId: A2.agent })).json.code;
    expect((await api.post('/enrol', { code: c1 })).status).toBe(403);
    const t2 = (await api.post('/enrol', { code: c2 })).json.token as string;
    const running = new FakeAgent(linkUrl(s1), t2, A2.agent);
    await running.connect();
    // a later code for the same agent does not disturb the running one until somebody redeems it
    await api.post('/enrolment-codes', { schoolId: A2.school, agentId: A2.agent });
    await running.batch([{ cam: camOf(20), status: 'degraded', reasons: ['clock_drift'] }]);
    expect(running.closed).toBeUndefined();
    running.ws.close();
    const audit = (await api.get('/audit?limit=50')).json as { action: string; agentId?: string }[];
    expect(audit.some((e) => e.action === 'agent_revoked' && e.agentId === A2.agent)).toBe(true);
  });

  it("one school's agent cannot touch another school's camera; roll-ups are verified and repaired", async () => {
    const a = await enrolFakeAgent(api, s1.url, A.school, A.agent);
    const b = await enrolFakeAgent(api, s1.url, B.school, B.agent);
    const X = camOf(0x77);
    await a.batch([{ cam: X, status: 'online' }]);
    const before = (await api.get('/summary')).json;
    const at = new Date().toISOString();
    const msg = (m: object) => ({ v: 1, agentId: B.agent, at, ...m });
    const identity = {
      cameraId: X,
      manufacturer: 'Evil',
      model: 'm',
      firmware: 'f',
      serial: 's',
      hardwareId: 'h',
      xaddr: 'http://127.0.0.9/onvif/device_service',
      host: '127.0.0.9',
      profiles: ['S'],
      auth: 'none',
      media: [],
      recordingSearch: { kind: 'none', reason: 'x' },
      identifiedAt: at,
    };
    b.send({
      type: 'batch',
      seq: ++b.seq,
      messages: [
        msg({ type: 'camera', camera: identity }),
        msg({ type: 'state', state: { cameraId: X, at, status: 'offline', reasons: ['unreachable'], since: at } }),
        msg({ type: 'clock', reading: { cameraId: X, at, driftSeconds: 99 } }),
        msg({ type: 'state', state: { cameraId: camOf(0x78), at, status: 'online', reasons: [], since: at } }),
      ],
    });
    await waitFor(() => b.frames.find((f) => f.type === 'ack' && f.seq === b.seq), 5000, 'ack');
    // and the health fast path
    b.send({
      type: 'batch',
      seq: ++b.seq,
      messages: [msg({ type: 'health', sample: { cameraId: X, at, tier: 'rtsp', ok: true, reasons: [] } })],
    });
    await waitFor(() => b.frames.find((f) => f.type === 'ack' && f.seq === b.seq), 5000, 'ack');
    const cam = (await api.get(`/cameras/${X}`)).json;
    expect(cam.schoolId).toBe(A.school);
    expect(cam.status).toBe('online');
    expect(cam.manufacturer).not.toBe('Evil');
    expect(cam.clockDriftSeconds).toBeUndefined();
    expect((await api.get(`/cameras/${camOf(0x78)}`)).json.schoolId).toBe(B.school); // its own camera stands
    const after = (await api.get('/summary')).json;
    expect(after.online).toBe((before.online ?? 0) + 1);
    expect(after.offline ?? 0).toBe(before.offline ?? 0);
    const q = (await api.get('/integrity/quarantine')).json as { cameraId: string; owner: string; types: string[] }[];
    expect(q[0]).toMatchObject({ cameraId: X, owner: A.school });
    expect(q[0]!.types.sort()).toEqual(['camera', 'clock', 'state']);
    const alert = await waitFor(
      async () =>
        (
          (await api.get('/alerts')).json as {
            rule: string;
            cameraId?: string;
            detail?: string;
            details?: Record<string, string>;
          }[]
        ).find((x) => x.rule === 'camera_conflict' && x.cameraId === X),
      10_000,
      'the conflict alert',
    );
    expect(alert.detail).toContain(A.school);
    expect(alert.details?.ru).toMatch(new RegExp(`сообщает о камере школы ${A.school}$`));
    expect(alert.details?.kk).toContain(`${A.school} мектебінің камерасы туралы`);
    // the same reports in a batch of only identities and states (what a resync sends: packed where it is decoded,
    // claimed inside the camera script) are refused alike, beside B's own camera, which is stored
    const Y = camOf(0x79);
    b.send({
      type: 'batch',
      seq: ++b.seq,
      messages: [
        msg({ type: 'camera', camera: { ...identity, model: 'resync' } }),
        msg({ type: 'state', state: { cameraId: X, at, status: 'offline', reasons: ['unreachable'], since: at } }),
        msg({ type: 'camera', camera: { ...identity, cameraId: Y } }),
        msg({ type: 'state', state: { cameraId: Y, at, status: 'online', reasons: [], since: at } }),
      ],
    });
    await waitFor(() => b.frames.find((f) => f.type === 'ack' && f.seq === b.seq), 5000, 'ack');
    const still = (await api.get(`/cameras/${X}`)).json;
    expect(still).toMatchObject({ schoolId: A.school, status: 'online' });
    expect(still.model).not.toBe('resync');
    expect((await api.get(`/cameras/${Y}`)).json).toMatchObject({ schoolId: B.school, status: 'online' });
    const q2 = (await api.get('/integrity/quarantine')).json as { cameraId: string; owner: string; types: string[] }[];
    expect(q2[0]).toMatchObject({ cameraId: X, owner: A.school });
    expect(q2[0]!.types.sort()).toEqual(['camera', 'state']);
    expect((await api.get('/summary')).json.online).toBe((before.online ?? 0) + 2);
    // the roll-ups verify clean; a tampered count is found, reported and repaired
    expect((await api.post('/integrity/rollups/verify')).json.drift).toEqual([]);
    await s1.redis.hincrby(`${prefix}count:school:${A.school}`, 'offline', -1);
    const report = (await api.post('/integrity/rollups/verify')).json;
    expect(report.drift).toContainEqual({
      scope: `school:${A.school}`,
      kind: 'status',
      field: 'offline',
      difference: 1,
    });
    expect((await api.post('/integrity/rollups/verify')).json.drift).toEqual([]);
    // an administrator releases the camera: the next school to report it owns it
    expect((await api.post(`/cameras/${X}/release`)).status).toBe(200);
    await b.batch([{ cam: X, status: 'degraded', reasons: ['clock_drift'] }]);
    expect((await api.get(`/cameras/${X}`)).json.schoolId).toBe(B.school);
    expect((await api.get('/summary')).json.online).toBe((before.online ?? 0) + 1); // B's two cameras, not X
    expect((await api.post('/integrity/rollups/verify')).json.drift).toEqual([]);
    a.ws.close();
    b.ws.close();
  });

  it('history shows when the agent observed a change (bounded by the receipt), and the receipt separately', async () => {
    const a = await enrolFakeAgent(api, s1.url, A2.school, A2.agent);
    const cam = camOf(0x90);
    const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
    // a journal replayed after a 10-minute outage: offline for two minutes, 7 to 5 minutes ago
    await a.batch([{ cam, status: 'online', at: ago(10), since: ago(10) }]);
    await a.batch([{ cam, status: 'offline', reasons: ['unreachable'], at: ago(7), since: ago(7) }]);
    await a.batch([{ cam, status: 'online', at: ago(5), since: ago(5) }]);
    // an agent clock far in the future is not believed
    await a.batch([{ cam, status: 'degraded', reasons: ['clock_drift'], at: ago(-600), since: ago(-600) }]);
    const h = (await api.get(`/cameras/${cam}/history`)).json as { at: string; status: string; receivedAt?: string }[];
    const [future, back, off, first] = h;
    expect(off!.status).toBe('offline');
    expect(Date.parse(back!.at) - Date.parse(off!.at)).toBeGreaterThan(119_000);
    expect(Date.parse(back!.at) - Date.parse(off!.at)).toBeLessThan(121_000);
    expect(Date.parse(off!.receivedAt!) - Date.parse(off!.at)).toBeGreaterThan(6.9 * 60_000);
    expect(Date.parse(first!.at)).toBeLessThan(Date.now() - 9.9 * 60_000);
    expect(Math.abs(Date.parse(future!.at) - Date.now())).toBeLessThan(10_000);
    a.ws.close();
  });

  it('a measurement sent again (a batch resent after a crash) is stored once', async () => {
    const a = await enrolFakeAgent(api, s1.url, A2.school, A2.agent);
    const cam = camOf(0x91);
    await a.batch([{ cam, status: 'online' }]);
    const at = new Date().toISOString();
    const msgs = [
      {
        v: 1,
        agentId: A2.agent,
        at,
        type: 'stream',
        measurement: {
          cameraId: cam,
          at,
          profileToken: 'p',
          codec: 'h264',
          width: 1920,
          height: 1080,
          fps: 15,
          durationMs: 1,
        },
      },
      { v: 1, agentId: A2.agent, at, type: 'clock', reading: { cameraId: cam, at, driftSeconds: 3 } },
    ];
    for (let i = 0; i < 3; i++) {
      a.send({ type: 'batch', seq: ++a.seq, messages: msgs });
      await waitFor(() => a.frames.find((f) => f.type === 'ack' && f.seq === a.seq), 5000, 'ack');
    }
    const m = (await api.get(`/cameras/${cam}/measurements`)).json as { kind: string }[];
    expect(m.map((x) => x.kind).sort()).toEqual(['clock', 'stream']);
    a.ws.close();
  });

  it('an outage of the centre, or of the instance holding an agent, raises no link_down for agents coming back', async () => {
    // a deployment of its own (prefix), threshold 2 s, agents back within 2 s of backoff
    const env = { KUZET_LINK_DOWN_SECONDS: '2', KUZET_AGENT_MAX_BACKOFF_SECONDS: '2' };
    const { server: first, prefix: p } = await testServer(redis.url, undefined, env);
    const adm = new Api(first.url);
    await adm.login('admin', ADMIN_PASSWORD);
    const a = await enrolFakeAgent(adm, first.url, A.school, A.agent);
    await a.batch([{ cam: camOf(0xa0), status: 'online' }]);
    // the only instance goes away for 4 s (twice the threshold); the agent comes back 1.5 s after it is up again
    await first.close();
    await new Promise((r) => setTimeout(r, 4000));
    const { server: again } = await testServer(redis.url, p, { ...env, KUZET_REGISTRY: '' });
    await new Promise((r) => setTimeout(r, 1500));
    const back = new FakeAgent(linkUrl(again), a.token, A.agent);
    back.seq = a.seq;
    await back.connect();
    await new Promise((r) => setTimeout(r, 3000)); // several sweeps after the grace
    const adm2 = new Api(again.url);
    await adm2.login('admin', ADMIN_PASSWORD);
    const statuses = async () =>
      ((await adm2.get(`/cameras/${camOf(0xa0)}/history`)).json as { status: string }[]).map((h) => h.status);
    expect(await statuses()).not.toContain('link_down');
    // an instance killed outright: its agent comes back to the other one after its backoff
    const killed = await spawnServer({ ...env, KUZET_REDIS_URL: redis.url, KUZET_PREFIX: p });
    const onKilled = new FakeAgent(`${killed.url.replace('http', 'ws')}/agent/link`, a.token, A.agent);
    onKilled.seq = back.seq;
    back.ws.close();
    await onKilled.connect();
    await onKilled.batch([{ cam: camOf(0xa0), status: 'degraded', reasons: ['clock_drift'] }]);
    await killed.kill();
    await new Promise((r) => setTimeout(r, 3000)); // past the threshold
    const returned = new FakeAgent(linkUrl(again), a.token, A.agent);
    returned.seq = onKilled.seq;
    await returned.connect();
    await new Promise((r) => setTimeout(r, 2000));
    expect(await statuses()).not.toContain('link_down');
    const links = ((await adm2.get('/alerts?state=all')).json as { rule: string; schoolId: string }[]).filter(
      (x) => x.rule === 'link_down' && x.schoolId === A.school,
    );
    expect(links).toEqual([]);
    // an agent that really stays away is judged once its grace is over
    returned.ws.close();
    await waitFor(async () => (await statuses()).includes('link_down') || undefined, 15_000, 'link_down');
    await again.close();
  });
});
