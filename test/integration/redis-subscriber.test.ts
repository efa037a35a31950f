import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../server/src/repositories/redis.ts';
import { startRedis } from '../helpers.ts';

/**
 * The pub/sub connection of a server instance must hear what others publish however early (or during whichever
 * reconnect) it subscribes. ioredis 5 writes a SUBSCRIBE issued while the connection is being set up ahead of its
 * INFO ready check; Redis refuses the INFO in subscriber mode and ioredis reconnects without the subscription — no
 * error, nothing delivered (ioredis issue #2037). A loaded CI machine hit that window at start: a second instance,
 * or the compliance thread's publications, were never heard.
 */
describe('Redis subscriber connection', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let pub: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    pub = new Redis(redis.url);
  });
  afterAll(async () => {
    pub?.disconnect();
    await redis?.stop();
  });

  it('hears what is published when it subscribed while connecting, at start and after Redis dropped it', async () => {
    const lost: string[] = [];
    for (let i = 0; i < 10; i++) {
      const sub = connectRedis(redis.url, { subscriber: true });
      try {
        const heard: string[] = [];
        sub.on('message', (_ch, text) => heard.push(text));
        // the window: the socket is up, the connection not yet ready
        await new Promise((r) => sub.once('connect', r));
        await sub.subscribe(`ch${i}`);
        await pub.publish(`ch${i}`, 'first');
        // Redis drops the connection (as a restart or a network cut would); ioredis reconnects and resubscribes,
        // and a subscription asked for during that reconnect must hold as well
        await new Promise((r) => setTimeout(r, 50));
        const back = new Promise((r) => sub.once('connect', r));
        await pub.client('KILL', 'SKIPME', 'yes', 'TYPE', 'pubsub');
        await back;
        await sub.subscribe(`again${i}`);
        for (let t = 0; t < 50; t++) {
          const [, a] = (await pub.pubsub('NUMSUB', `ch${i}`)) as [string, number];
          const [, b] = (await pub.pubsub('NUMSUB', `again${i}`)) as [string, number];
          if (a === 1 && b === 1) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await pub.publish(`ch${i}`, 'second');
        await pub.publish(`again${i}`, 'third');
        for (let t = 0; t < 50 && heard.length < 3; t++) await new Promise((r) => setTimeout(r, 20));
        if (heard.join() !== 'first,second,third') lost.push(`round ${i}: heard ${JSON.stringify(heard)}`);
      } finally {
        sub.disconnect();
      }
    }
    expect(lost).toEqual([]);
  });
});
