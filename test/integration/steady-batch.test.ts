import { type AgentMessage, NATIONAL_DEFAULT_PROFILE, PROTOCOL_VERSION, type RequirementsDoc } from '@kuzet/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keys } from '../../server/src/repositories/redis.ts';
import type { RegistryRepository } from '../../server/src/repositories/registry.ts';
import type { RequirementsRepository } from '../../server/src/repositories/requirements.ts';
import type { DeltaBus } from '../../server/src/services/bus.ts';
import { ComplianceService } from '../../server/src/services/compliance.ts';
import { decodeAgentFrame } from '../../server/src/services/frame-decode.ts';
import { IngestService } from '../../server/src/services/ingest.ts';
import { startRedis } from '../helpers.ts';

/**
 * A real agent's steady state: every batch carries, among its health samples, each camera's periodic state (every
 * minute) and clock reading (every five): one ordered script call per batch, and a compliance verdict asked for only
 * when something a verdict reads changed — not for an unchanged state, nor for a drift that jitters by tenths of a
 * second within the school's limit (30 s), which at full scale marked every school every few seconds.
 */
const AGENT = 'agent-steady';
const place = { agentId: AGENT, schoolId: 'sch-steady', districtId: 'd-1', regionCode: 'KZ-75' };
const CAM = 'cam-00000000000000c1';
const OTHER = 'cam-00000000000000c2';
const FOREIGN = 'cam-00000000000000f1';
const T0 = Date.now() - 3_600_000;
const time = (s: number) => new Date(T0 + s * 1000).toISOString();
const msg = (at: string, x: object) => ({ v: PROTOCOL_VERSION, agentId: AGENT, at, ...x }) as AgentMessage;
const identity = (id: string, at: string) =>
  msg(at, {
    type: 'camera',
    camera: {
      cameraId: id,
      manufacturer: 'Hikvista',
      model: 'X',
      serial: id,
      firmware: '1',
      hardwareId: 'hw',
      xaddr: 'http://127.0.0.9/onvif/device_service',
      host: '127.0.0.9',
      profiles: ['S'],
      auth: 'httpDigest',
      media: [],
      recordingSearch: { kind: 'camera', xaddr: 'http://127.0.0.9/onvif/device_service' },
      identifiedAt: at,
    },
  });
const state = (id: string, at: string, o: { status?: string; width?: number; drift?: number } = {}) =>
  msg(at, {
    type: 'state',
    state: {
      cameraId: id,
      at,
      status: o.status ?? 'online',
      reasons: o.status === 'degraded' ? ['frozen_picture'] : [],
      since: time(0),
      lastSeen: at,
      width: o.width ?? 1920,
      height: 1080,
      fps: 15,
      ...(o.drift !== undefined ? { clockDriftSeconds: o.drift } : {}),
    },
  });
const health = (id: string, at: string) =>
  msg(at, { type: 'health', sample: { cameraId: id, at, tier: 'reachability', ok: true, reasons: [] } });
const clock = (id: string, at: string, driftSeconds: number) =>
  msg(at, { type: 'clock', reading: { cameraId: id, at, driftSeconds } });
const heartbeat = (at: string) =>
  msg(at, { type: 'heartbeat', uptimeSeconds: 60, cameras: 2, checksInFlight: 0, rssMb: 80 });

/** a batch as the link hands it over: decoded (and packed) as in the decoding thread, then stored */
async function send(ingest: IngestService, seq: number, messages: AgentMessage[]) {
  const d = decodeAgentFrame(JSON.stringify({ type: 'batch', seq, messages }), AGENT);
  if (!d.ok || !('cameras' in d)) throw new Error(`not a packed camera batch: ${JSON.stringify(d).slice(0, 200)}`);
  return ingest.ingestCameras(place, d.cameras);
}

describe('steady batches of a real agent', () => {
  let redis: Redis;
  let stop: () => Promise<void>;
  let ingest: IngestService;
  const keys = new Keys('steady:');

  beforeAll(async () => {
    const r = await startRedis();
    stop = r.stop;
    redis = new Redis(r.url);
    ingest = new IngestService(redis, keys);
    // another school's camera, known to the centre
    await redis.hset(keys.cam(FOREIGN), { schoolId: 'sch-other', status: 'online' });
  });
  afterAll(async () => {
    redis?.disconnect();
    await stop?.();
  });

  it('stores samples, states, readings and the heartbeat in order, asking for a verdict only when a fact changed', async () => {
    // the inventory: identities, states, a first clock reading
    const first = await send(ingest, 1, [
      identity(CAM, time(1)),
      identity(OTHER, time(1)),
      state(CAM, time(1), { drift: 0.4 }),
      state(OTHER, time(1)),
      clock(CAM, time(1), 0.4),
      health(CAM, time(1)),
    ]);
    expect(first.applied).toBe(true);
    expect(first.touched).toBe(true);

    // a minute later: the periodic states repeat the figures, the clock jitters by two tenths
    const steady = await send(ingest, 2, [
      health(CAM, time(60)),
      clock(CAM, time(60), 0.6),
      state(CAM, time(60), { drift: 0.6 }),
      health(OTHER, time(60)),
      state(OTHER, time(60)),
      heartbeat(time(60)),
    ]);
    expect(steady).toMatchObject({ applied: true, deltas: [] });
    expect(steady.touched).toBeUndefined();
    expect(steady.clock).toEqual([{ cameraId: CAM, before: 0.4, after: 0.6 }]);
    const cam = await redis.hgetall(keys.cam(CAM));
    expect(cam).toMatchObject({
      clockDriftSeconds: '0.6',
      'tier:reachability': time(60),
      lastCheck: time(60),
      lastSeen: time(60),
      status: 'online',
      schoolId: place.schoolId,
    });
    expect(await redis.hget(keys.agent(AGENT), 'cameras')).toBe('2');
    // the reading's point is in the camera's series (a drift of 0.6 rounds to a new figure: stored at once)
    const series = await ingest.measurements.series(CAM, 10);
    expect(series.map((e) => [e.kind, e.driftSeconds])).toEqual([
      ['clock', 0.4],
      ['clock', 0.6],
    ]);

    // the same batch again (a resend after a crash): nothing applied twice
    const again = await send(ingest, 2, [health(CAM, time(60)), clock(CAM, time(60), 0.6)]);
    expect(again.applied).toBe(false);
    expect(await ingest.measurements.series(CAM, 10)).toHaveLength(2);

    // a state whose figure changed (the stream went down to 720p): a verdict is asked for
    const lower = await send(ingest, 3, [state(OTHER, time(120), { width: 1280 })]);
    expect(lower.touched).toBe(true);
    expect(lower.deltas).toEqual([]);

    // a status change: a delta (which asks for a verdict too)
    const worse = await send(ingest, 4, [state(CAM, time(180), { status: 'degraded', drift: 0.6 })]);
    expect(worse.deltas.map((d) => [d.cameraId, d.status, d.previous?.status])).toEqual([[CAM, 'degraded', 'online']]);

    // a reading of the same drift: nothing to say
    const same = await send(ingest, 5, [clock(CAM, time(300), 0.6)]);
    expect(same.clock).toBeUndefined();
    expect(same.touched).toBeUndefined();
  });

  it("refuses samples and readings about another school's camera, and writes nothing of them", async () => {
    const r = await send(ingest, 6, [
      health(FOREIGN, time(400)),
      clock(FOREIGN, time(400), 99),
      health(CAM, time(400)),
    ]);
    expect(r.foreign).toBe(1);
    expect(r.events.map((e) => [e.rule, e.cameraId])).toEqual([['camera_conflict', FOREIGN]]);
    expect(r.clock).toBeUndefined();
    const foreign = await redis.hgetall(keys.cam(FOREIGN));
    expect(foreign).toEqual({ schoolId: 'sch-other', status: 'online' });
    expect(await redis.hget(keys.cam(CAM), 'lastCheck')).toBe(time(400));
  });

  it("asks for a verdict when a drift crosses the school's limit, not when it moves within it", async () => {
    const doc: RequirementsDoc = {
      version: 1,
      zones: [{ id: 'entrance', nameEn: 'Entrance', nameRu: 'Вход', nameKk: 'Кіреберіс', hints: [], forbidden: false }],
      profiles: [NATIONAL_DEFAULT_PROFILE],
      assign: { country: NATIONAL_DEFAULT_PROFILE.name, regions: {}, districts: {}, schools: {} },
      deadlines: { regions: {}, districts: {} },
    } as unknown as RequirementsDoc;
    const c = new ComplianceService(
      { defineCommand: () => {} } as unknown as Redis,
      keys,
      {} as RegistryRepository,
      { current: async () => doc } as unknown as RequirementsRepository,
      {} as DeltaBus,
    );
    const marked: string[] = [];
    c.markDirty = (id: string) => void marked.push(id);
    const school = { id: place.schoolId, districtId: place.districtId, regionCode: place.regionCode };
    // before the document is loaded every change counts
    c.clockChanged(school, [{ before: 0.4, after: 0.6 }]);
    expect(marked).toEqual([place.schoolId]);
    await c.reload();
    marked.length = 0;
    c.clockChanged(school, [{ before: 0.4, after: 0.6 }]);
    c.clockChanged(school, [{ before: -12, after: 29.9 }]);
    expect(marked).toEqual([]);
    c.clockChanged(school, [{ after: 0.6 }]); // the first reading of a camera
    c.clockChanged(school, [
      { before: 0.4, after: 0.5 },
      { before: 29, after: 31 },
    ]);
    c.clockChanged(school, [{ before: -31, after: 2 }]);
    expect(marked).toEqual([place.schoolId, place.schoolId, place.schoolId]);
  });
});
