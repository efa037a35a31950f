import type { CameraIdentity } from '@kuzet/protocol';
import { unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { boundedTime, cameraOpResults, packCameraOps } from './camera-ops.ts';

const id = 'cam-00000000000000a1';
const camera = {
  cameraId: id,
  manufacturer: 'Hik\tvista\n"', // device text: any character travels intact
  model: 'M',
  firmware: 'F',
  serial: 'S',
  host: '127.0.0.9',
  name: 'Gate',
} as unknown as CameraIdentity;

describe('camera operations, packed for the script', () => {
  const at = '2026-12-03T10:00:00.000Z';
  const ops = packCameraOps(
    [
      { op: 'camera', camera, at },
      {
        op: 'state',
        cameraId: id,
        status: 'degraded',
        reasons: ['frozen_picture', 'clock_drift'],
        since: at,
        at,
        fields: { fps: 0.1 + 0.2, lastSeen: at },
      },
    ],
    [at, '2026-12-03T10:00:01.000Z'],
  );

  it('are one MessagePack array of strings, numbers as JavaScript writes them', () => {
    const a = unpack(ops.packed) as string[];
    expect(a.every((x) => typeof x === 'string')).toBe(true);
    expect(a.slice(0, 3)).toEqual(['C', id, at]);
    expect(JSON.parse(a[3]!)).toEqual(camera);
    expect(a[4]).toBe(camera.manufacturer);
    const s = 11; // after the identity's eleven
    expect(a.slice(s, s + 9)).toEqual([
      'S',
      id,
      'degraded',
      expect.any(String),
      'frozen_picture,clock_drift',
      at,
      Date.parse(at).toString(36),
      Date.parse(at).toString(36),
      '2',
    ]);
    expect(a.slice(s + 9)).toContain(String(0.1 + 0.2));
    expect(ops.count).toBe(2);
  });

  it('own their bytes (the packer reuses its buffer; a thread transfers these)', () => {
    const before = Array.from(ops.packed);
    packCameraOps([{ op: 'camera', camera: { ...camera, model: 'other' }, at }]);
    expect(Array.from(ops.packed)).toEqual(before);
    expect(ops.packed.byteOffset).toBe(0);
    expect(ops.packed.buffer.byteLength).toBe(ops.packed.byteLength);
  });

  it("read back with the script's replies: first seen, a change, another school's camera", () => {
    const r = cameraOpResults(ops, [
      [1, at, ''],
      ['online', '', 'frozen_picture,clock_drift'],
    ]);
    expect(r[0]).toEqual({ op: 'camera', cameraId: id, at, firstSeen: true, schoolFirst: at, wasGone: false });
    expect(r[1]).toMatchObject({
      op: 'state',
      cameraId: id,
      status: 'degraded',
      reasons: ['frozen_picture', 'clock_drift'],
      sent: '2026-12-03T10:00:01.000Z',
      previous: { status: 'online', counted: [], countedNow: ['frozen_picture', 'clock_drift'] },
    });
    const foreign = cameraOpResults(ops, ['school-b', 'school-b']);
    expect(foreign.map((x) => x.owner)).toEqual(['school-b', 'school-b']);
    expect(foreign[1]).not.toHaveProperty('previous');
    expect(cameraOpResults(ops, [[0, at, 'bye'], 0])[1]).not.toHaveProperty('previous');
  });

  it("bound the agent's times by the receipt", () => {
    const rx = new Date('2026-12-03T10:00:00.000Z');
    expect(boundedTime('2026-12-03T11:00:00.000Z', rx)).toBe(rx.toISOString());
    expect(boundedTime('2026-11-01T00:00:00.000Z', rx)).toBe(rx.toISOString());
    expect(boundedTime('garbage', rx)).toBe(rx.toISOString());
    expect(boundedTime('2026-12-02T10:00:00+05:00', rx)).toBe('2026-12-02T05:00:00.000Z');
    // written as toISOString writes it, or not: the stored time is always in that form
    expect(boundedTime('2026-12-02T10:00:00.250Z', rx)).toBe('2026-12-02T10:00:00.250Z');
    expect(boundedTime('2026-12-02T10:00:00Z', rx)).toBe('2026-12-02T10:00:00.000Z');
    expect(boundedTime('2026-12-02T10:00:00.25Z', rx)).toBe('2026-12-02T10:00:00.250Z');
  });
});
