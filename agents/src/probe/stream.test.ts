import { NATIONAL_DEFAULT_PROFILE } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { streamReasons } from './stream.ts';

const req = NATIONAL_DEFAULT_PROFILE; // 1920×1080, 12 fps
const base = {
  profileToken: 'p',
  codec: 'h264',
  width: 1920,
  height: 1080,
  fps: 15,
  configured: { width: 1920, height: 1080, fps: 15 },
  durationMs: 1,
  picture: { analysedSeconds: 4, blackSeconds: 0, frozenSeconds: 0, black: false, frozen: false },
};

describe('streamReasons', () => {
  it('accepts a stream that meets configuration and requirements', () => {
    expect(streamReasons(base, req)).toEqual([]);
  });
  it('flags less than configured and less than required separately', () => {
    expect(streamReasons({ ...base, width: 1280, height: 720 }, req)).toEqual([
      'resolution_below_configured',
      'resolution_below_required',
    ]);
    expect(streamReasons({ ...base, fps: 5 }, req)).toEqual(['fps_below_configured', 'fps_below_required']);
    expect(streamReasons({ ...base, fps: 14.2 }, req)).toEqual([]);
  });
  it('reports black before frozen (a black picture is also still)', () => {
    const p = { ...base.picture, black: true, frozen: true };
    expect(streamReasons({ ...base, picture: p }, req)).toEqual(['black_picture']);
    expect(streamReasons({ ...base, picture: { ...p, black: false } }, req)).toEqual(['frozen_picture']);
  });
});
