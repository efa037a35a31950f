import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { thumbnailOf } from './ffmpeg.ts';
import { ssim, THUMB_BYTES } from './similarity.ts';

/** a 640×360 JPEG of an ffmpeg test source at second `t` (what an agent's snapshot is) */
const jpeg = (source: string, t: number, filter = 'null') =>
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', `${source}=s=640x360:r=15:d=${t + 1}`, '-ss', String(t)],
    ...['-vf', filter, '-frames:v', '1', '-q:v', '5', '-f', 'image2pipe', '-c:v', 'mjpeg', '-'],
  ]);

describe('scene similarity (SSIM of 64×36 greyscale)', () => {
  it('is 1 for the same picture, 0 for structure turned inside out, and checks the sizes', () => {
    const a = new Uint8Array(THUMB_BYTES).map((_, i) => (i * 37) % 256);
    expect(ssim(a, a)).toBe(1);
    expect(
      ssim(
        a,
        a.map((v) => 255 - v),
      ),
    ).toBe(0);
    expect(() => ssim(a, a.subarray(1))).toThrow(/expected/);
  });

  it('keeps the same view high as it moves on, and drops for another view (measured through ffmpeg)', async () => {
    const ref = await thumbnailOf(jpeg('testsrc', 0));
    const later = await thumbnailOf(jpeg('testsrc', 3));
    const blurred = await thumbnailOf(jpeg('testsrc', 2, 'boxblur=12'));
    const other = await thumbnailOf(jpeg('testsrc2', 1));
    expect(ssim(ref, later)).toBeGreaterThan(0.6); // the pattern moves on: measured 0.72
    // out of focus is its own finding (blurdetect), not another view
    expect(ssim(ref, blurred)).toBeGreaterThan(0.6);
    expect(ssim(ref, other)).toBeLessThan(0.2);
  });

  it('refuses a reference that is not a JPEG', async () => {
    await expect(thumbnailOf(Buffer.from('not a picture'))).rejects.toThrow(/not a JPEG/);
  });
});
