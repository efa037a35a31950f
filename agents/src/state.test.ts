import { describe, expect, it } from 'vitest';
import { CameraStateTracker } from './state.ts';

describe('CameraStateTracker', () => {
  it('is unknown until reachability has been checked', () => {
    const t = new CameraStateTracker('cam-0000000000000001');
    expect(t.update('rtsp', [])).toBe(false);
    expect(t.status).toBe('unknown');
    expect(t.update('reachability', [])).toBe(true);
    expect(t.status).toBe('online');
  });

  it('is offline with only reachability reasons, degraded with any other', () => {
    const t = new CameraStateTracker('cam-0000000000000001');
    t.update('reachability', []);
    t.update('stream', ['black_picture']);
    t.update('clock', ['clock_drift']);
    expect(t.status).toBe('degraded');
    expect(t.reasons).toEqual(['black_picture', 'clock_drift']);
    t.update('reachability', ['unreachable']);
    expect(t.status).toBe('offline');
    expect(t.reasons).toEqual(['unreachable']);
    expect(t.offline).toBe(true);
  });

  it('reports no change when nothing changed, and forgets stale tiers', () => {
    const t = new CameraStateTracker('cam-0000000000000001');
    t.update('reachability', []);
    t.update('rtsp', ['rtsp_down']);
    expect(t.update('rtsp', ['rtsp_down'])).toBe(false);
    expect(t.forget('rtsp')).toBe(true);
    expect(t.status).toBe('online');
    expect(t.snapshot().lastSeen).toBeDefined();
  });
});
