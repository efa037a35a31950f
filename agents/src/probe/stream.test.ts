import { describe, expect, it } from 'vitest';
import { streamReasons } from './stream.ts';

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
  it('accepts a stream that delivers what the camera is configured to', () => {
    expect(streamReasons(base)).toEqual([]);
  });
  it('flags less than configured; requirements are the centre’s to judge, not the agent’s', () => {
    expect(streamReasons({ ...base, width: 1280, height: 720 })).toEqual(['resolution_below_configured']);
    expect(streamReasons({ ...base, fps: 5 })).toEqual(['fps_below_configured']);
    expect(streamReasons({ ...base, fps: 14.2 })).toEqual([]);
    const small = { ...base, width: 640, height: 360, configured: { width: 640, height: 360, fps: 15 } };
    expect(streamReasons(small)).toEqual([]);
  });
  it('reports black before frozen (a black picture is also still)', () => {
    const p = { ...base.picture, black: true, frozen: true };
    expect(streamReasons({ ...base, picture: p })).toEqual(['black_picture']);
    expect(streamReasons({ ...base, picture: { ...p, black: false } })).toEqual(['frozen_picture']);
  });
  it('one picture finding: black, then covered (uniform, maybe also still), then frozen, then blurred', () => {
    const all = { ...base.picture, black: true, covered: true, frozen: true, blurred: true };
    expect(streamReasons({ ...base, picture: all })).toEqual(['black_picture']);
    expect(streamReasons({ ...base, picture: { ...all, black: false } })).toEqual(['covered_picture']);
    expect(streamReasons({ ...base, picture: { ...all, black: false, covered: false } })).toEqual(['frozen_picture']);
    expect(streamReasons({ ...base, picture: { ...all, black: false, covered: false, frozen: false } })).toEqual([
      'blurred_picture',
    ]);
  });
  it('a view unlike the confirmed one is scene_changed, besides the other findings but not a black or covered one', () => {
    const turned = { ...base.picture, sceneSimilarity: 0.05, sceneChanged: true };
    expect(streamReasons({ ...base, picture: turned })).toEqual(['scene_changed']);
    expect(streamReasons({ ...base, picture: { ...turned, blurred: true } })).toEqual([
      'blurred_picture',
      'scene_changed',
    ]);
    expect(streamReasons({ ...base, picture: { ...turned, covered: true } })).toEqual(['covered_picture']);
    expect(streamReasons({ ...base, picture: { ...turned, black: true } })).toEqual(['black_picture']);
  });
});
