import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { codecOf, Fmp4Splitter, type Piece, sizeOf } from './fmp4.ts';

/** 3 s of H.264 (key frame every 15 frames at 15 fps) as ffmpeg's live muxer writes it: 200 ms fragments */
const stream = (codec: string[]) =>
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=320x240:r=15:d=3', ...codec],
    ...['-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '200000', '-'],
  ]);

describe('fragmented MP4 for live views', () => {
  const mp4 = stream(['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '15', '-profile:v', 'main']);

  it('splits a byte stream cut anywhere into the init segment and whole fragments, key frames marked', () => {
    const s = new Fmp4Splitter();
    const pieces: Piece[] = [];
    // cut into odd sizes: a box arrives in several chunks, a chunk holds several boxes
    for (let at = 0; at < mp4.length; at += 777) pieces.push(...s.push(mp4.subarray(at, at + 777)));
    expect(pieces[0]?.kind).toBe('init');
    const frags = pieces.filter((p): p is Extract<Piece, { kind: 'fragment' }> => p.kind === 'fragment');
    // nothing lost, nothing added: all of it but the index ffmpeg writes at the end of a file (mfra)
    const joined = Buffer.concat(pieces.map((p) => p.data));
    expect(mp4.subarray(0, joined.length)).toEqual(joined);
    expect(mp4.toString('latin1', joined.length + 4, joined.length + 8)).toBe('mfra');
    expect(frags[0]?.key).toBe(true);
    const keys = frags.filter((f) => f.key).length;
    // 45 frames, a key frame every 15: three fragments start with one, the rest (200 ms each) do not
    expect(keys).toBe(3);
    expect(frags.length).toBeGreaterThan(keys);
    const init = pieces[0]!.data;
    expect(codecOf(init)).toBe('avc1.4D400C'); // Main (4D), level 1.2 (0C) as x264 chose it for 320×240 at 15 fps
    expect(sizeOf(init)).toEqual({ width: 320, height: 240 });
  });

  it('names no H.264 codec for another codec, and refuses what is not MP4', () => {
    const other = stream(['-c:v', 'mpeg4']);
    const pieces = new Fmp4Splitter().push(other);
    expect(pieces[0]?.kind).toBe('init');
    expect(codecOf(pieces[0]!.data)).toBeUndefined();
    expect(() => new Fmp4Splitter().push(Buffer.from('\0\0\0\x04junk and more junk'))).toThrow(/not fragmented MP4/);
  });
});
