import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRepository } from '../../server/src/repositories/alerts.ts';
import { Keys } from '../../server/src/repositories/redis.ts';
import { startRedis } from '../helpers.ts';

/**
 * Changes to one alert from many callers of one process share one Redis connection (requests, alert jobs): each
 * must land, whatever they interleave with. Under WATCH, another caller's EXEC on the connection cleared the watch,
 * and a change made meanwhile was written over (a snooze lost to an escalation step, seen in a fresh-clone run).
 */
describe('alert changes on a shared connection', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let conn: Redis;
  let alerts: AlertRepository;
  beforeAll(async () => {
    redis = await startRedis();
    conn = new Redis(redis.url);
    alerts = new AlertRepository(conn, new Keys('t:'));
  });
  afterAll(async () => {
    conn.disconnect();
    await redis.stop();
  });

  it('keeps every one of many concurrent changes to the same alert', async () => {
    const { alert } = await alerts.openOrRepeat({
      rule: 'camera_offline',
      severity: 'critical',
      subject: { kind: 'camera', id: 'cam-0000000000000001' },
      schoolId: 's',
      districtId: 'd',
      regionCode: 'KZ-75',
      cameraId: 'cam-0000000000000001',
      reasons: ['unreachable'],
      suppressed: false,
      at: new Date().toISOString(),
    });
    const texts = Array.from({ length: 20 }, (_, i) => `note ${i}`);
    await Promise.all(
      texts.map((text) =>
        alerts.update(alert.id, (x) => ({
          ...x,
          events: [...x.events, { at: new Date().toISOString(), type: 'commented', by: 'op', text }],
        })),
      ),
    );
    const stored = await alerts.get(alert.id);
    expect(
      stored!.events
        .filter((e) => e.type === 'commented')
        .map((e) => e.text)
        .sort(),
    ).toEqual([...texts].sort());
  });
});
