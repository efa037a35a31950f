/**
 * Whether a camera still shows the view staff confirmed: structural similarity (SSIM, Wang et al. 2004) of two
 * small greyscale pictures — the reference and a frame of the deep check, both scaled by ffmpeg to THUMB_WIDTH ×
 * THUMB_HEIGHT. SSIM compares local structure (means, contrasts and correlation in 8×8 windows), so the scene's
 * own changes (people walking, light) keep it high, while a camera turned to another view drops it.
 */

export const THUMB_WIDTH = 64;
export const THUMB_HEIGHT = 36;
export const THUMB_BYTES = THUMB_WIDTH * THUMB_HEIGHT;

const WINDOW = 8;
const STRIDE = 4;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** Mean SSIM over 8×8 windows (stride 4) of two 8-bit greyscale pictures of the same size: 1 is identical. */
export function ssim(a: Uint8Array, b: Uint8Array, width = THUMB_WIDTH, height = THUMB_HEIGHT): number {
  if (a.length !== width * height || b.length !== width * height)
    throw new Error(`pictures of ${a.length} and ${b.length} bytes, ${width * height} expected`);
  const n = WINDOW * WINDOW;
  let sum = 0;
  let windows = 0;
  for (let y = 0; y + WINDOW <= height; y += STRIDE)
    for (let x = 0; x + WINDOW <= width; x += STRIDE) {
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      let sab = 0;
      for (let j = 0; j < WINDOW; j++)
        for (let i = 0; i < WINDOW; i++) {
          const k = (y + j) * width + x + i;
          const va = a[k]!;
          const vb = b[k]!;
          sa += va;
          sb += vb;
          saa += va * va;
          sbb += vb * vb;
          sab += va * vb;
        }
      const ma = sa / n;
      const mb = sb / n;
      const va = saa / n - ma * ma;
      const vb = sbb / n - mb * mb;
      const cov = sab / n - ma * mb;
      sum += ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
      windows++;
    }
  // structure turned inside out measures below 0: as unlike as it gets
  return Math.max(0, Math.round((sum / windows) * 1000) / 1000);
}
