import type { AgentMessage, CameraDelta } from '@kuzet/protocol';
import type { RunningServer } from '@kuzet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridCache } from '../../server/src/services/grid-cache.ts';
import { startRedis } from '../helpers.ts';
import { testServer } from '../server-helpers.ts';

const place = { agentId: 'agent-almaty-1', schoolId: 'KZ-75-01-0001', districtId: 'KZ-75-01', regionCode: 'KZ-75' };
const cam = (n: number) => `cam-${n.toString(16).padStart(16, '0')}`;

describe('grid cache: memory kept current by deltas, Redis the truth', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let server: RunningServer;
  let seq = 0;
  const ingest = async (states: [number, string][]) => {
    const at = new Date().toISOString();
    const msgs = states.map(
      ([n, status]) =>
        ({
          v: 1,
          agentId: place.agentId,
          at,
          type: 'state',
          state: { cameraId: cam(n), at, status, reasons: [], since: at },
        }) as AgentMessage,
    );
    return (await server.ingest.ingest(place, ++seq, msgs)).deltas;
  };
  beforeAll(async () => {
    redis = await startRedis();
    ({ server } = await testServer(redis.url));
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  it('serves from memory, applies deltas, and reloads a region when an unknown camera appears', async () => {
    const grid = new GridCache(server.ingest.state, 50);
    await ingest([
      [2, 'online'],
      [1, 'offline'],
    ]);
    const first = await grid.get(['KZ-75']);
    expect(first).toMatchObject({ ids: cam(1).slice(4) + cam(2).slice(4), status: 'xo' });
    expect(grid.loads).toBe(1);
    // another instance that loaded the same cameras names them with the same version
    expect((await new GridCache(server.ingest.state, 50).get(['KZ-75'])).version).toBe(first.version);
    const changed: CameraDelta[] = await ingest([[1, 'online']]);
    grid.apply(changed);
    const second = await grid.get(['KZ-75']);
    expect(second.status).toBe('oo');
    expect(second.version).toBe(first.version); // a status change keeps the list of cameras
    expect(grid.loads).toBe(1); // from memory
    grid.apply(await ingest([[3, 'degraded']])); // a new camera: the region is read again
    expect(await grid.get(['KZ-75'])).toMatchObject({
      status: 'ood',
      regions: [{ code: 'KZ-75', schools: [[place.schoolId, 3]] }],
    });
    expect(grid.loads).toBe(2);
    expect((await grid.get(['KZ-75'])).version).not.toBe(first.version); // a camera more: another version
    expect(await grid.get(['KZ-75'], 'KZ-75-01-0002')).toMatchObject({ ids: '', status: '' });
    grid.stop();
  });
});
