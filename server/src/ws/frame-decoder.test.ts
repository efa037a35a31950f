import { PROTOCOL_VERSION } from '@kuzet/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAgentFrame } from '../services/frame-decode.ts';
import { FrameDecoder } from './frame-decoder.ts';

const AGENT = 'agent-a';
const at = '2026-11-23T10:00:00.000Z';
const base = { v: PROTOCOL_VERSION, agentId: AGENT, at };
const health = (cam: string, tier = 'reachability') => ({
  ...base,
  type: 'health',
  sample: { cameraId: cam, at, tier, ok: true, reasons: [] },
});
const heartbeat = { ...base, type: 'heartbeat', uptimeSeconds: 5, cameras: 2, checksInFlight: 0, rssMb: 90 };
const state = {
  ...base,
  type: 'state',
  state: { cameraId: 'cam-0000000000000001', at, status: 'offline', reasons: ['unreachable'], since: at },
};
const batch = (seq: number, messages: unknown[]) => JSON.stringify({ type: 'batch', seq, messages });

describe('agent frame decoding', () => {
  it('packs a batch of health samples and heartbeats for the health script', () => {
    const text = batch(7, [health('cam-0000000000000001'), heartbeat, health('cam-0000000000000002', 'rtsp')]);
    expect(decodeAgentFrame(text, AGENT)).toEqual({
      ok: true,
      health: {
        seq: 7,
        count: 3,
        packed: `cam-0000000000000001\treachability\t${at}\ncam-0000000000000002\trtsp\t${at}\n`,
        agentFields: { cameras: 2, rssMb: 90, uptimeSeconds: 5 },
      },
    });
  });

  it("packs a real agent's steady batch (samples, periodic states, clock readings, a heartbeat) as camera operations, in order", () => {
    const clock = {
      ...base,
      type: 'clock',
      reading: { cameraId: 'cam-0000000000000002', at, driftSeconds: -0.3 },
    };
    const r = decodeAgentFrame(batch(8, [health('cam-0000000000000001'), state, clock, heartbeat]), AGENT);
    if (!r.ok || !('cameras' in r)) throw new Error(`not packed: ${JSON.stringify(r)}`);
    expect(r.cameras.seq).toBe(8);
    expect(r.cameras.agentFields).toEqual({ cameras: 2, rssMb: 90, uptimeSeconds: 5 });
    expect(r.cameras.ops.count).toBe(3);
    expect(r.cameras.ops.meta.split('\n').map((l) => l.split('\t')[0])).toEqual(['H', 'S', 'K', '']);
  });

  it('hands any other frame back validated, and a batch naming another agent unpacked (refused later)', () => {
    const stream = {
      ...base,
      type: 'stream',
      measurement: {
        cameraId: 'cam-0000000000000001',
        at,
        profileToken: 'main',
        codec: 'h264',
        width: 1920,
        height: 1080,
        fps: 15,
        durationMs: 5000,
      },
    };
    const mixed = decodeAgentFrame(batch(8, [health('cam-0000000000000001'), state, stream]), AGENT);
    expect(mixed.ok && 'frame' in mixed && mixed.frame.type === 'batch' && mixed.frame.messages.length).toBe(3);
    const foreign = decodeAgentFrame(batch(9, [{ ...health('cam-0000000000000001'), agentId: 'agent-b' }]), AGENT);
    expect(foreign.ok && 'frame' in foreign).toBe(true);
    expect(decodeAgentFrame(JSON.stringify({ type: 'ping', t: 3 }), AGENT)).toEqual({
      ok: true,
      frame: { type: 'ping', t: 3 },
    });
  });

  it('refuses what is not JSON, or not the schema, saying where', () => {
    expect(decodeAgentFrame('{"type":', AGENT)).toEqual({ ok: false, code: 'json', message: 'not JSON' });
    const bad = decodeAgentFrame(batch(1, [{ ...health('10.0.0.5') }]), AGENT);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.code).toBe('schema');
    expect(!bad.ok && bad.message).toMatch(/^messages\.0/);
  });

  describe('in a worker thread', () => {
    const threads = new FrameDecoder(2);
    afterAll(() => threads.close());

    it('gives the same answers as on the event loop, for many frames at once', async () => {
      const texts = Array.from({ length: 200 }, (_, i) =>
        i % 10 === 3 ? '[not json' : batch(i + 1, [health(`cam-${String(i).padStart(16, '0')}`), heartbeat]),
      );
      const got = await Promise.all(texts.map((t) => threads.decode(AGENT, Buffer.from(t))));
      expect(got).toEqual(texts.map((t) => decodeAgentFrame(t, AGENT)));
      expect(got.filter((r) => !r.ok)).toHaveLength(20);
    });

    it('decodes the bytes of a frame that is a view into a larger buffer, and nothing else', async () => {
      const text = JSON.stringify({ type: 'ping', t: 42 });
      const big = Buffer.from(`xxxx${text}yyyy`);
      const r = await threads.decode(AGENT, big.subarray(4, 4 + text.length));
      expect(r).toEqual({ ok: true, frame: { type: 'ping', t: 42 } });
    });

    it('fails the frames of a thread that dies, and starts another', async () => {
      const one = new FrameDecoder(1);
      const worker = (one as unknown as { threads: { worker: import('node:worker_threads').Worker }[] }).threads[0]!
        .worker;
      const pending = one.decode(AGENT, Buffer.from(batch(1, [heartbeat])));
      await worker.terminate();
      await expect(pending).rejects.toThrow(/exited/);
      expect(await one.decode(AGENT, Buffer.from('{"type":"ping","t":1}'))).toEqual({
        ok: true,
        frame: { type: 'ping', t: 1 },
      });
      await one.close();
    });
  });
});
