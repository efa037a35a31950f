import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '@kuzet/agent';
import type { RunningServer } from '@kuzet/server';
import type { SimCameraConfigInput, Simulator } from '@kuzet/simulator';
import { enrol } from '../agents/src/enrol.ts';
import { Journal } from '../agents/src/journal.ts';
import { ServerLink } from '../agents/src/link.ts';
import { relayLive } from '../agents/src/live/relay.ts';
import { ReferenceStore } from '../agents/src/references.ts';
import { agentConfig, freePortRange, generatedSimulator, runTag, startRedis, startSimulator } from './helpers.ts';

/** A simulator with the given cameras (serials tagged for this run, ports free). */
async function ownSimulator(cameras: (Partial<SimCameraConfigInput> & { name: string })[]) {
  const base = await freePortRange(2 * cameras.length + 2);
  const tag = runTag();
  const sim = await startSimulator({
    discoveryMaxDelayMs: 100,
    cameras: cameras.map((c, i) => ({
      personality: 'hikvista' as const,
      serial: `${tag}-${c.name}`,
      onvifPort: base + 2 * i,
      rtspPort: base + 2 * i + 1,
      password: 'camera-pass',
      width: 640,
      height: 360,
      fps: 15,
      ...c,
    })),
  });
  return { sim, tag };
}

import { ADMIN_PASSWORD, Api, testServer } from './server-helpers.ts';

/**
 * The whole chain for a test: a real redis-server, the server, a simulator with `cameras` cameras and an agent
 * enrolled for `school` (found by multicast on lo), fast intervals. `restartServer` brings the server back on the
 * same port and Redis prefix after `server.close()` (sessions and state survive, as in production).
 */
export async function startChain(o: {
  school: string;
  agentId: string;
  cameras: number;
  env?: Record<string, string>;
  /** cameras of their own (name, resolution, recording, faults…) instead of `cameras` generated ones */
  simCameras?: (Partial<SimCameraConfigInput> & { name: string })[];
  /** the agent's check intervals, over the chain's fast defaults */
  intervals?: Record<string, number>;
}) {
  const redis = await startRedis();
  let { server, prefix } = await testServer(redis.url, undefined, o.env);
  const port = server.port;
  const { sim, tag } = o.simCameras
    ? await ownSimulator(o.simCameras)
    : await generatedSimulator({ count: o.cameras, personalities: ['hikvista'] });
  const dir = mkdtempSync(join(tmpdir(), 'kuzet-agent-'));
  const api = new Api(server.url);
  if ((await api.login('admin', ADMIN_PASSWORD)) !== 200) throw new Error('admin login failed');
  const code = await api.post('/enrolment-codes', { schoolId: o.school, agentId: o.agentId });
  if (code.status !== 200) throw new Error(`enrolment code: ${code.status}`);
  const tokenFile = join(dir, 'token');
  await enrol(`ws://127.0.0.1:${port}/agent/link`, code.json.code, tokenFile);
  const journal = new Journal(join(dir, 'journal'));
  const references = new ReferenceStore(join(dir, 'references.json'));
  const link = new ServerLink({
    url: `ws://127.0.0.1:${port}/agent/link`,
    token: readFileSync(tokenFile, 'utf8').trim(),
    agentId: o.agentId,
    journal,
    flushMs: 100,
    offlineFlushMs: 2000,
    backoffMinMs: 200,
    backoffMaxMs: 2000,
    references: () => references.versions(),
  });
  const agent = new Agent(
    agentConfig({
      agentId: o.agentId,
      intervals: {
        reachabilitySeconds: 2,
        streamSeconds: 3600,
        retentionSeconds: 3600,
        rtspSeconds: 5,
        ...o.intervals,
      },
      // the whole suite shares two cores with a browser: "slow" here is not what a school's LAN calls slow
      timeouts: { slowMs: 5000, rtspMs: 8000 },
    }),
    link,
    undefined,
    undefined,
    undefined,
    references,
  );
  link.on('connected', (resync) => {
    if (resync) agent.resync();
  });
  link.on('resync', () => agent.resync());
  link.on('requirements', (r) => agent.setThresholds(r));
  link.on('reference', (r) => void agent.setReference(r.cameraId, r.version, r.jpeg));
  const relay = relayLive(link, agent);
  link.start();
  await agent.start();
  const chain = {
    redis,
    get server(): RunningServer {
      return server;
    },
    prefix,
    port,
    sim: sim as Simulator,
    tag,
    dir,
    tokenFile,
    agent,
    link,
    journal,
    async restartServer() {
      ({ server, prefix } = await testServer(redis.url, prefix, {
        ...o.env,
        KUZET_PORT: String(port),
        KUZET_REGISTRY: '',
      }));
    },
    relay,
    async stop() {
      relay.stopAll();
      await agent.stop();
      await link.stop();
      await sim.stop();
      await server.close();
      await redis.stop();
    },
  };
  return chain;
}
export type Chain = Awaited<ReturnType<typeof startChain>>;
