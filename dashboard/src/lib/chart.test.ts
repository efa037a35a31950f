import { describe, expect, it } from 'vitest';
import { chartPoints } from './chart.ts';

const at = (h: number) => new Date(Date.UTC(2026, 11, 5, h)).toISOString();

describe('camera chart points', () => {
  const ms = [
    { at: at(1), kind: 'clock' as const, driftSeconds: 0.4 },
    { at: at(2), kind: 'stream' as const, width: 1920, height: 1080, fps: 15 },
    { at: at(3), kind: 'clock' as const, driftSeconds: -0.2 },
  ];

  it('carries a steady value on to when the camera was last seen (the series stores it only every few hours)', () => {
    expect(chartPoints(ms, 'clock', 'driftSeconds', Date.parse(at(9)))).toEqual([
      { t: Date.parse(at(1)), v: 0.4 },
      { t: Date.parse(at(3)), v: -0.2 },
      { t: Date.parse(at(9)), v: -0.2 },
    ]);
    expect(chartPoints(ms, 'stream', 'fps', Date.parse(at(9))).map((p) => p.v)).toEqual([15, 15]);
  });

  it("ends on the camera's current figure, which the series did not store while it rounded to the same", () => {
    expect(chartPoints(ms, 'clock', 'driftSeconds', Date.parse(at(9)), -0.4).at(-1)).toEqual({
      t: Date.parse(at(9)),
      v: -0.4,
    });
    expect(chartPoints(ms, 'clock', 'driftSeconds', Date.parse(at(3)), -0.4).at(-1)?.v).toBe(-0.2);
  });

  it('adds nothing when the last entry is the newest, or when there is none of the kind', () => {
    expect(chartPoints(ms, 'clock', 'driftSeconds', Date.parse(at(3)))).toHaveLength(2);
    expect(chartPoints(ms, 'clock', 'driftSeconds')).toHaveLength(2);
    expect(chartPoints(ms, 'retention', 'retainedDays', Date.parse(at(9)))).toEqual([]);
  });
});
