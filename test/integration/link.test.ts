import type { RunningServer } from '@kuzet/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { enrolAgent, enrolFakeAgent, type FakeAgent } from '../fake-agent.ts';
import { startRedis, waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

const A = { school: 'KZ-75-01-0001', agent: 'agent-almaty-1', region: 'KZ-75' };
const B = { school: 'KZ-71-01-0001', agent: 'agent-astana-1', region: 'KZ-71' };
const camOf = (n: number) => `cam-${n.toString(16).padStart(16, '0')}`;

describe('agent link: link-down, duplicates, bad frames, two server instances', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let s1: RunningServer;
  let s2: RunningServer;
  let api: Api;
  const agents: Record<string, FakeAgent> = {};
  let prefix: string;

  beforeAll(async () => {
    redis = await startRedis();
    ({ server: s1, prefix } = await testServer(redis.url, undefined, { KUZET_LINK_DOWN_SECONDS: '2' }));
    ({ server: s2 } = await testServer(redis.url, prefix, { KUZET_LINK_DOWN_SECONDS: '2', KUZET_REGISTRY: '' }));
    api = new Api(s1.url);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);
    for (const x of [A, B]) agents[x.agent] = await enrolFakeAgent(api, s1.url, x.school, x.agent);
  });
  afterAll(async () => {
    for (const a of Object.values(agents)) a.ws.close();
    await s1?.close();
    await s2?.close();
    await redis?.stop();
  });

  it('two instances on one Redis give the same answers and the same live pushes', async () => {
    const api2 = new Api(s2.url);
    await api2.login('admin', ADMIN_PASSWORD);
    const live = new WebSocket(`${s2.url.replace('http', 'ws')}/api/v1/live`, { headers: { cookie: api2.cookie } });
    const frames: { type: string; deltas?: { cameraId: string; status: string }[] }[] = [];
    live.on('message', (d) => frames.push(JSON.parse(String(d))));
    // and one on the instance the agents send to: it hands its own changes to its clients directly (not through
    // Redis), and must not deliver them a second time when they come back from the channel
    const live1 = new WebSocket(`${s1.url.replace('http', 'ws')}/api/v1/live`, { headers: { cookie: api.cookie } });
    const frames1: typeof frames = [];
    live1.on('message', (d) => frames1.push(JSON.parse(String(d))));
    await Promise.all([live, live1].map((ws) => new Promise((r) => ws.once('open', r))));
    for (const ws of [live, live1]) ws.send(JSON.stringify({ type: 'subscribe', scope: { kind: 'country' } }));
    await waitFor(() => frames.find((f) => f.type === 'snapshot') && frames1.find((f) => f.type === 'snapshot'), 5000);
    // what the second instance's bus hands its listeners (tells a lost pub/sub message from a lost push)
    const busSeen: string[] = [];
    const onBus = (d: { cameraId: string }[]) => busSeen.push(...d.map((x) => x.cameraId));
    s2.bus.on('deltas', onBus);
    onTestFinished(() => void s2.bus.off('deltas', onBus));
    await agents[A.agent]!.batch([1, 2, 3].map((n) => ({ cam: camOf(n), status: 'online' })));
    await agents[B.agent]!.batch([4, 5].map((n) => ({ cam: camOf(n), status: 'online' })));
    const pushed = await (async () => {
      try {
        return await waitFor(
          () => {
            const ids = frames.flatMap((f) => f.deltas ?? []).map((d) => d.cameraId);
            return ids.length >= 5 ? ids : undefined;
          },
          // a busy CI machine (two instances, their threads and the test in one process) has taken seconds here
          15_000,
          () =>
            `deltas through the other instance: its bus had ${busSeen.length} (${busSeen.join(' ')}), its client got ` +
            `${JSON.stringify(frames.map((f) => [f.type, f.deltas?.length]))} (open: ${live.readyState === WebSocket.OPEN}); ` +
            `the first instance's client got ${frames1.flatMap((f) => f.deltas ?? []).length} deltas`,
        );
      } catch (err) {
        // whether the other instance was subscribed at all (its bus and the first's, each one subscriber)
        const r = new Redis(redis.url);
        const n = await r.pubsub('NUMSUB', `${prefix}deltas`);
        r.disconnect();
        throw new Error(`${(err as Error).message}; subscribers of the channel: ${JSON.stringify(n)}`);
      }
    })();
    expect(new Set(pushed)).toEqual(new Set([1, 2, 3, 4, 5].map(camOf)));
    await new Promise((r) => setTimeout(r, 500)); // anything delivered twice would have come by now
    for (const f of [frames, frames1])
      expect(
        f
          .flatMap((x) => x.deltas ?? [])
          .map((d) => d.cameraId)
          .sort(),
      ).toEqual([1, 2, 3, 4, 5].map(camOf).sort());
    for (const path of ['/summary', `/schools/${A.school}/cameras`, '/regions']) {
      expect((await api2.get(path)).json).toEqual((await api.get(path)).json);
    }
    live.close();
    live1.close();
  });

  it('pushes a change at once, then at most one frame per 100 ms to a client, losing none', async () => {
    const live = new WebSocket(`${s1.url.replace('http', 'ws')}/api/v1/live`, { headers: { cookie: api.cookie } });
    const frames: { t: number; deltas: { cameraId: string; status: string }[] }[] = [];
    live.on('message', (d) => {
      const f = JSON.parse(String(d));
      if (f.type === 'deltas') frames.push({ t: Date.now(), deltas: f.deltas });
    });
    await new Promise((r) => live.once('open', r));
    live.send(JSON.stringify({ type: 'subscribe', scope: { kind: 'region', code: 'KZ-71' } }));
    await new Promise((r) => setTimeout(r, 300));
    const b = agents[B.agent]!;
    for (let i = 0; i < 40; i++) {
      // fire without waiting for acks: 40 changes within ~0.4 s
      const at = new Date().toISOString();
      const status = i % 2 ? 'online' : 'degraded';
      const state = { cameraId: camOf(4), at, status, reasons: i % 2 ? [] : ['clock_drift'], since: at };
      b.send({ type: 'batch', seq: ++b.seq, messages: [{ v: 1, agentId: b.agentId, at, type: 'state', state }] });
      await new Promise((r) => setTimeout(r, 10));
    }
    await waitFor(() => frames.flatMap((f) => f.deltas).length >= 40 || undefined, 5000, '40 deltas');
    const gaps = frames.slice(1).map((f, i) => f.t - frames[i]!.t);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(90);
    expect(frames.length).toBeLessThan(40); // batched
    expect(frames.flatMap((f) => f.deltas).at(-1)?.status).toBe('online');
    live.close();
  });

  it('a resent batch is acknowledged but changes nothing twice', async () => {
    const a = agents[A.agent]!;
    await a.batch([{ cam: camOf(1), status: 'degraded', reasons: ['black_picture'] }]);
    const histBefore = (await api.get(`/cameras/${camOf(1)}/history`)).json.length;
    const countsBefore = (await api.get('/summary')).json;
    await a.batch([{ cam: camOf(1), status: 'online' }], a.seq); // same seq again, different content
    expect((await api.get(`/cameras/${camOf(1)}/history`)).json.length).toBe(histBefore);
    expect((await api.get('/summary')).json).toEqual(countsBefore);
    expect((await api.get(`/cameras/${camOf(1)}`)).json.status).toBe('degraded');
    // the health-only fast path (one script call per batch) checks the sequence number too
    const health = (at: string) => ({
      type: 'batch',
      seq: a.seq,
      messages: [
        {
          v: 1,
          agentId: a.agentId,
          at,
          type: 'health',
          sample: { cameraId: camOf(2), at, tier: 'reachability', ok: true, reasons: [] },
        },
        {
          v: 1,
          agentId: a.agentId,
          at,
          type: 'health',
          sample: { cameraId: camOf(3), at, tier: 'rtsp', ok: true, reasons: [] },
        },
      ],
    });
    const r = new Redis(redis.url);
    const t1 = '2026-11-23T10:00:00.000Z';
    a.seq++;
    a.send(health(t1));
    await waitFor(() => a.frames.find((f) => f.type === 'ack' && f.seq === a.seq), 3000, 'ack');
    expect(await r.hget(`${prefix}cam:${camOf(2)}`, 'lastCheck')).toBe(t1);
    expect(await r.hmget(`${prefix}cam:${camOf(3)}`, 'tier:rtsp', 'lastCheck')).toEqual([t1, t1]);
    expect(await r.hget(`${prefix}agent:${a.agentId}`, 'lastSeq')).toBe(String(a.seq));
    const acks = a.frames.filter((f) => f.type === 'ack').length;
    a.send(health('2026-11-23T10:00:10.000Z')); // resent with the same seq
    await waitFor(() => a.frames.filter((f) => f.type === 'ack').length > acks || undefined, 3000, 'second ack');
    expect(await r.hget(`${prefix}cam:${camOf(2)}`, 'lastCheck')).toBe(t1);
    r.disconnect();
  });

  it('pings only a quiet agent link, and drops one that does not answer', async () => {
    const token = await enrolAgent(api, 'KZ-75-01-0002', 'agent-almaty-2');
    // an instance of its own that beats every second (on a shared one, a loaded machine's pause of a second would
    // drop the other tests' live clients); this client never answers a ping by itself
    const { server: s3 } = await testServer(redis.url, prefix, { KUZET_REGISTRY: '', KUZET_HEARTBEAT_SECONDS: '1' });
    onTestFinished(() => s3.close());
    const ws = new WebSocket(`${s3.url.replace('http', 'ws')}/agent/link`, {
      headers: { authorization: `Bearer ${token}` },
      autoPong: false,
    });
    const pings: number[] = [];
    let closedAt = 0;
    ws.on('ping', () => pings.push(Date.now()));
    ws.on('close', () => {
      closedAt = Date.now();
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'hello', v: 1, agentId: 'agent-almaty-2', lastSeq: 0 }));
    // talking (a frame every 300 ms): never pinged
    let lastFrame = 0;
    for (let i = 0; i < 8; i++) {
      ws.send(JSON.stringify({ type: 'ping', t: Date.now() }));
      lastFrame = Date.now();
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(pings).toEqual([]);
    // quiet: pinged within two beats, and dropped at the beat after an unanswered ping
    await waitFor(() => closedAt || undefined, 5000, 'the unanswering link dropped');
    expect(pings.length).toBe(1);
    expect(pings[0]! - lastFrame).toBeGreaterThanOrEqual(890);
    expect(closedAt - pings[0]!).toBeGreaterThanOrEqual(900);
  });

  it('answers bad frames with an error, closes after repeated ones, and other agents carry on', async () => {
    const a = agents[A.agent]!;
    a.ws.send('this is not json');
    await waitFor(() => a.frames.find((f) => f.type === 'error' && f.code === 'json'), 3000);
    a.send({ type: 'batch', seq: 99, messages: [{ type: 'teleport' }] });
    const schemaErr = await waitFor(() => a.frames.find((f) => f.type === 'error' && f.code === 'schema'), 3000);
    expect(schemaErr.type === 'error' && schemaErr.message).toMatch(/messages/);
    for (let i = 0; i < 3; i++) a.ws.send('{}');
    await waitFor(() => a.closed, 3000, 'close after 5 bad frames');
    expect(a.closed).toBe(4002);
    await agents[B.agent]!.batch([{ cam: camOf(4), status: 'online' }]);
    const metrics = await (await fetch(`${s1.url}/metrics`)).text();
    expect(metrics).toMatch(/kuzet_bad_frames_total\{reason="schema"\} [1-9]/);
    await a.connect();
    a.ws.send('x'.repeat(1024 * 1024 + 10)); // larger than any frame may be
    await waitFor(() => a.closed, 3000, 'close on an oversized frame');
    expect(a.closed).toBe(1009);
    await a.connect();
  });

  it('a reconnect asks for no full resync when the centre holds what the agent sent; a new agent is asked', async () => {
    const b = agents[B.agent]!;
    // enrolled and welcomed with nothing stored yet: everything is wanted
    const fresh = await enrolFakeAgent(api, s1.url, 'KZ-75-01-0002', 'agent-almaty-2');
    expect(fresh.frames.find((f) => f.type === 'welcome')).toMatchObject({ ackedSeq: 0, resync: true });
    fresh.ws.close();
    // a short drop (or a server restart) of an agent whose batches are acknowledged: its journal is enough
    expect(b.seq).toBeGreaterThan(0);
    b.ws.close();
    await waitFor(() => b.closed !== undefined || undefined, 3000, 'closed');
    await b.connect();
    expect(b.frames.find((f) => f.type === 'welcome')).toMatchObject({ resync: false });
  });

  it("marks a silent agent's cameras link_down (not offline), one school only, and restores them on resync", async () => {
    const a = agents[A.agent]!;
    a.ws.terminate(); // the school's uplink dies: no close, no more frames
    const cams = await waitFor(
      async () => {
        const list = (await api.get(`/schools/${A.school}/cameras`)).json as { status: string }[];
        return list.length === 3 && list.every((c) => c.status === 'link_down') ? list : undefined;
      },
      15_000,
      'link_down',
    );
    expect(cams).toHaveLength(3);
    expect((await api.get(`/schools/${A.school}`)).json.agentLinks[0].linkDown).toBe(true);
    const b = (await api.get(`/schools/${B.school}/cameras`)).json as { status: string }[];
    expect(b.every((c) => c.status === 'online')).toBe(true);
    expect((await api.get('/summary')).json.link_down).toBe(3);
    await a.connect();
    // its cameras are link_down: the welcome asks for every identity and state
    expect(a.frames.find((f) => f.type === 'welcome')).toMatchObject({ resync: true });
    await a.batch([1, 2, 3].map((n) => ({ cam: camOf(n), status: 'online' })));
    const back = (await api.get(`/schools/${A.school}/cameras`)).json as { status: string }[];
    expect(back.every((c) => c.status === 'online')).toBe(true);
    expect((await api.get(`/schools/${A.school}`)).json.agentLinks[0].linkDown).toBe(false);
    // a server too busy to read frames in time may flag a connected agent down: its next batch brings it back
    const r = new Redis(redis.url);
    await r.hset(`${prefix}agent:${A.agent}`, 'linkDown', 1);
    expect((await api.get(`/schools/${A.school}`)).json.agentLinks[0].linkDown).toBe(true);
    await a.batch([{ cam: camOf(1), status: 'online' }]);
    await waitFor(
      async () => ((await api.get(`/schools/${A.school}`)).json.agentLinks[0].linkDown === false ? true : undefined),
      3000,
      'link back up on the next batch',
    );
    // and the agent is asked to resend its cameras' states (they may have been marked link_down meanwhile)
    await waitFor(() => a.frames.find((f) => f.type === 'resync'), 3000, 'resync asked');
    r.disconnect();
  });
});
