import type { RetentionReport } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { gapsFrom, retentionReasons } from './retention.ts';

const ch = (atMs: number, dataPresent: boolean) => ({ recordingToken: 'r', atMs, dataPresent, startState: false });

describe('gapsFrom', () => {
  it('turns false→true track state changes into gaps', () => {
    expect(gapsFrom([ch(0, true), ch(100, false), ch(250, true), ch(400, false), ch(450, true)], 0, 1000)).toEqual([
      { startMs: 100, endMs: 250 },
      { startMs: 400, endMs: 450 },
    ]);
  });
  it('closes an open gap at the end of the window and clips to the window start', () => {
    expect(gapsFrom([ch(50, false), ch(200, true), ch(900, false)], 100, 1000)).toEqual([
      { startMs: 100, endMs: 200 },
      { startMs: 900, endMs: 1000 },
    ]);
  });
  it('ignores repeated states and unordered input', () => {
    expect(gapsFrom([ch(300, true), ch(100, false), ch(150, false)], 0, 1000)).toEqual([{ startMs: 100, endMs: 300 }]);
  });
});

describe('retentionReasons', () => {
  const known = (retainedDays: number, gapSeconds: number[]): RetentionReport => ({
    state: 'known',
    cameraId: 'cam-0000000000000000',
    at: '2026-01-01T00:00:00Z',
    source: 'camera',
    recordingToken: 'r',
    oldest: '2025-12-01T00:00:00Z',
    newest: '2026-01-01T00:00:00Z',
    retainedDays,
    gapWindowDays: 30,
    gaps: gapSeconds.map((seconds) => ({ start: '2025-12-20T00:00:00Z', end: '2025-12-20T01:00:00Z', seconds })),
  });
  it('finds only what it could not measure: how many days are enough is the centre’s decision', () => {
    expect(retentionReasons(known(30.5, [60]))).toEqual([]);
    expect(retentionReasons(known(7, [3600]))).toEqual([]);
    expect(
      retentionReasons({ state: 'unknown', cameraId: 'cam-0000000000000000', at: '2026-01-01T00:00:00Z', reason: 'x' }),
    ).toEqual(['retention_unknown']);
  });
});
