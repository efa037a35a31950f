import { afterEach, describe, expect, it } from 'vitest';
import { ThreadRpc } from './rpc.ts';

const ECHO = new URL('../../../test/fixtures/echo-thread.ts', import.meta.url);
type Echo = { said?: string; threadId: number };

describe('ThreadRpc', () => {
  let rpc: ThreadRpc | undefined;
  afterEach(() => rpc?.close());

  it('answers overlapping requests each with its own result, and an error without ending the thread', async () => {
    rpc = new ThreadRpc(ECHO, 'echo thread', undefined);
    const [slow, quick] = await Promise.all([
      rpc.call<Echo>({ say: 'slow', waitMs: 300 }),
      rpc.call<Echo>({ say: 'quick' }),
    ]);
    expect([slow.said, quick.said]).toEqual(['slow', 'quick']);
    await expect(rpc.call({ fail: true })).rejects.toThrow('refused as asked');
    expect((await rpc.call<Echo>({ say: 'again' })).threadId).toBe(slow.threadId);
  });

  it('refuses what was in flight when the thread ended, and starts another for the next request', async () => {
    rpc = new ThreadRpc(ECHO, 'echo thread', undefined);
    const first = await rpc.call<Echo>({});
    await expect(rpc.call({ end: true })).rejects.toThrow('the echo thread ended');
    const next = await rpc.call<Echo>({ say: 'after' });
    expect(next.said).toBe('after');
    expect(next.threadId).not.toBe(first.threadId);
  });

  it('ends an idle thread; a request that starts the next one is not refused by the old one ending', async () => {
    rpc = new ThreadRpc(ECHO, 'echo thread', undefined, { idleMs: 50 });
    const first = await rpc.call<Echo>({});
    await new Promise((r) => setTimeout(r, 400));
    const [a, b] = await Promise.all([rpc.call<Echo>({ say: 'a' }), rpc.call<Echo>({ say: 'b', waitMs: 100 })]);
    expect([a.said, b.said]).toEqual(['a', 'b']);
    expect(a.threadId).not.toBe(first.threadId);
    // the race itself: a request sent while the idle thread is being ended goes to a new one and is answered
    const ending = rpc.close();
    const during = rpc.call<Echo>({ say: 'during' });
    await ending;
    expect((await during).said).toBe('during');
    // busy threads are not ended: a request waiting longer than idleMs is answered
    expect((await rpc.call<Echo>({ say: 'long', waitMs: 200 })).said).toBe('long');
  });

  it('runs one request at a time, in order, when serial', async () => {
    rpc = new ThreadRpc(ECHO, 'echo thread', undefined, { serial: true });
    const order: string[] = [];
    await Promise.all(
      ['one', 'two', 'three'].map((say, i) =>
        rpc!.call<Echo>({ say, waitMs: 150 - i * 50 }).then((r) => order.push(r.said!)),
      ),
    );
    expect(order).toEqual(['one', 'two', 'three']);
  });
});
