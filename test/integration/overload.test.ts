import type { RunningServer } from '@kuzet/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolFakeAgent, type FakeAgent } from '../fake-agent.ts';
import { startRedis, waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

const A = { school: 'KZ-75-01-0001', agent: 'agent-almaty-1' };
const camOf = (n: number) => `cam-${n.toString(16).padStart(16, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('agent link under overload', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let server: RunningServer;
  let api: Api;
  let agent: FakeAgent;

  beforeAll(async () => {
    redis = await startRedis();
    ({ server } = await testServer(redis.url, undefined, { KUZET_AGENT_FRAMES_IN_FLIGHT: '4' }));
    api = new Api(server.url);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);
    agent = await enrolFakeAgent(api, server.url, A.school, A.agent);
  });
  afterAll(async () => {
    agent?.ws.close();
    await server?.close();
    await redis?.stop();
  });

  const gauge = async (kind: string) => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return Number(text.match(new RegExp(`^kuzet_agent_frames\\{kind="${kind}"\\} (\\S+)$`, 'm'))?.[1]);
  };

  it('stops reading agent links while too many frames wait to be stored, then stores every one in order', async () => {
    const r = new Redis(redis.url);
    const batch = (n: number) => {
      const at = new Date().toISOString();
      agent.send({
        type: 'batch',
        seq: ++agent.seq,
        messages: [
          {
            v: 1,
            agentId: A.agent,
            at,
            type: 'state',
            state: { cameraId: camOf(n), at, status: 'online', reasons: [], since: at },
          },
        ],
      });
    };
    // Redis stops taking writes: nothing the server reads can be stored for a while
    await r.call('CLIENT', 'PAUSE', '3000', 'WRITE');
    for (let n = 1; n <= 4; n++) batch(n); // the limit
    await sleep(200);
    for (let n = 5; n <= 20; n++) batch(n); // sent while the server is behind: left unread
    await sleep(300);
    expect(await gauge('paused')).toBe(1);
    expect(await gauge('inFlight')).toBeLessThan(8);
    // Redis is back: the link is read again and every batch is stored and acknowledged, in order
    const acks = await waitFor(
      () => {
        const seqs = agent.frames.flatMap((f) => (f.type === 'ack' ? [f.seq] : []));
        return seqs.length === 20 ? seqs : undefined;
      },
      10_000,
      'all 20 acknowledged',
    );
    expect(acks).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await api.get('/summary')).json.online).toBe(20);
    expect(await gauge('paused')).toBe(0);
    expect(await gauge('inFlight')).toBe(0);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(Number(text.match(/^kuzet_agent_link_pauses_total (\S+)$/m)?.[1])).toBeGreaterThanOrEqual(1);
    r.disconnect();
  });
});
