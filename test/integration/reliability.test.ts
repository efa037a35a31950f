import type { RunningServer } from '@kuzet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolAgent, enrolFakeAgent, FakeAgent } from '../fake-agent.ts';
import { startRedis, waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

/** Defects an independent chaos and security probe found (issue 17), each reproduced here. */
const A = { school: 'KZ-75-01-0001', agent: 'agent-almaty-1' };
const A2 = { school: 'KZ-75-01-0002', agent: 'agent-almaty-2' };
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
    await waitFor(() => a.closed, 2000, 'the link to close');
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
});
