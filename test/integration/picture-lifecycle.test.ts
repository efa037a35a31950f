/**
 * The pictures' lifecycle wired in the server (issue 16): with a lifecycle of ~2 s, a camera's picture is served,
 * then deleted by the scheduled job, and the camera no longer offers one. The deletion itself is proven for the disk
 * store and S3 in object-store.test.ts.
 */
import type { AgentMessage } from '@kuzet/protocol';
import type { RunningServer } from '@kuzet/server';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedis, waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

const CAM = 'cam-00000000000000d1';
const PICTURE = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7), Buffer.from([0xff, 0xd9])]);

describe('picture lifecycle', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let server: RunningServer;
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  it('deletes a picture older than KUZET_PICTURE_DAYS and stops offering it', async () => {
    redis = await startRedis();
    ({ server } = await testServer(redis.url, undefined, {
      KUZET_PICTURE_DAYS: String(2 / 86_400), // two seconds
      KUZET_PICTURE_SWEEP_MINUTES: String(0.5 / 60), // every half second
    }));
    const place = { agentId: 'agent-almaty-1', schoolId: 'KZ-75-01-0001', districtId: 'KZ-75-01', regionCode: 'KZ-75' };
    const at = new Date().toISOString();
    const msg = (m: object) => ({ v: 1, agentId: 'agent-almaty-1', at, ...m }) as AgentMessage;
    await server.ingest.ingest(place, 1, [
      msg({ type: 'state', state: { cameraId: CAM, at, status: 'online', reasons: [], since: at } }),
      msg({
        type: 'snapshot',
        snapshot: { cameraId: CAM, at, contentType: 'image/jpeg', data: PICTURE.toString('base64') },
      }),
    ]);
    const api = new Api(server.url);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);
    expect((await api.get(`/cameras/${CAM}`)).json.snapshotAt).toBe(at);
    expect((await api.get(`/cameras/${CAM}/snapshot`)).status).toBe(200);
    await waitFor(
      async () => ((await api.get(`/cameras/${CAM}`)).json.snapshotAt === undefined ? true : undefined),
      15_000,
      'the picture forgotten',
    );
    expect((await api.get(`/cameras/${CAM}/snapshot`)).status).toBe(404);
  }, 30_000);
});
