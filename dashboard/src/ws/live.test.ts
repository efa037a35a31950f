import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, type LinkState, LiveClient } from './live.ts';

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(d: string) {
    this.sent.push(d);
  }
  close() {
    this.readyState = 3;
    this.onclose?.({});
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

describe('live link', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
  });
  afterEach(() => vi.useRealTimers());

  it('backoff doubles up to the cap, with jitter in [exp/2, exp]', () => {
    expect(backoffDelay(0, 500, 15_000, () => 0)).toBe(250);
    expect(backoffDelay(0, 500, 15_000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 15_000, () => 0.5)).toBe(3000);
    expect(backoffDelay(20, 500, 15_000, () => 1)).toBe(15_000);
  });

  it('subscribes, resyncs after a reconnect with a new epoch, and reports the link state', async () => {
    const states: LinkState[] = [];
    const epochs: number[] = [];
    const deltas: string[] = [];
    const c = new LiveClient({ url: 'ws://x/api/v1/live', createSocket: (u) => new FakeSocket(u), random: () => 0 });
    c.on('state', (s) => states.push(s));
    c.on('snapshot', (_counts, e) => epochs.push(e));
    c.on('deltas', (ds) => deltas.push(...ds.map((d) => d.cameraId)));
    c.start();
    const first = FakeSocket.all[0]!;
    first.open();
    expect(JSON.parse(first.sent[0]!)).toEqual({ type: 'subscribe', scope: { kind: 'mine' } });
    first.receive({ type: 'snapshot', scope: { kind: 'mine' }, counts: { online: 3 }, cameras: [] });
    first.receive({
      type: 'deltas',
      deltas: [
        {
          cameraId: 'cam-0000000000000001',
          schoolId: 's',
          regionCode: 'KZ-75',
          districtId: 'd',
          status: 'offline',
          reasons: [],
          at: '2026-11-23T10:00:00.000Z',
        },
      ],
    });
    first.receive({ type: 'deltas', deltas: [{ nonsense: true }] }); // dropped, not fatal
    expect(deltas).toEqual(['cam-0000000000000001']);
    first.close(); // the server went away
    expect(states).toEqual(['open', 'lost']);
    await vi.advanceTimersByTimeAsync(249);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const second = FakeSocket.all[1]!;
    second.close(); // still down: the next wait is longer
    await vi.advanceTimersByTimeAsync(499);
    expect(FakeSocket.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    const third = FakeSocket.all[2]!;
    third.open();
    third.receive({ type: 'snapshot', scope: { kind: 'mine' }, counts: {}, cameras: [] });
    expect(epochs).toEqual([1, 2]);
    expect(states.at(-1)).toBe('open');
    c.stop();
  });

  it('closes a silent link after three ping intervals and reconnects', async () => {
    const c = new LiveClient({ url: 'ws://x', createSocket: (u) => new FakeSocket(u), pingMs: 1000, random: () => 0 });
    c.start();
    FakeSocket.all[0]!.open();
    await vi.advanceTimersByTimeAsync(3000);
    expect(FakeSocket.all[0]!.sent.filter((s) => s.includes('ping')).length).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(1500);
    expect(FakeSocket.all[0]!.readyState).toBe(3);
    await vi.advanceTimersByTimeAsync(300);
    expect(FakeSocket.all).toHaveLength(2);
    c.stop();
  });
});
