import { describe, expect, it } from 'vitest';
import { parseDetectLines, parseFrameMd5, parsePictureStats, ToolError, withCredentials } from './ffmpeg.ts';

describe('ffmpeg output parsing', () => {
  it('sums black segments and counts an open freeze up to the end', () => {
    const lines = [
      '[blackdetect @ 0x1] black_start:0 black_end:1.5 black_duration:1.5',
      '[freezedetect @ 0x2] lavfi.freezedetect.freeze_start: 0.4',
    ];
    expect(parseDetectLines(lines, 4)).toEqual({ blackSeconds: 1.5, frozenSeconds: 3.6 });
  });

  it('uses freeze_duration for closed freezes', () => {
    const lines = [
      '[freezedetect @ 0x2] lavfi.freezedetect.freeze_start: 0.5',
      '[freezedetect @ 0x2] lavfi.freezedetect.freeze_duration: 2.1',
      '[freezedetect @ 0x2] lavfi.freezedetect.freeze_end: 2.6',
    ];
    expect(parseDetectLines(lines, 4)).toEqual({ blackSeconds: 0, frozenSeconds: 2.1 });
  });

  it('measures frame rate and bitrate from framemd5 packets', () => {
    const rows = Array.from({ length: 31 }, (_, i) => `0, ${i * 6000}, ${i * 6000}, 6000, 1000, abc`).join('\n');
    const m = parseFrameMd5(`#format: frame checksums\n#tb 0: 1/90000\n#media_type 0: video\n${rows}\n`);
    expect(m.frames).toBe(31);
    expect(m.fps).toBeCloseTo(15, 5);
    // 31 frames * 8000 bits over 31/15 s
    expect(m.bitrateKbps).toBeCloseTo(120, 5);
  });

  it('does not count two frames with the same timestamp twice', () => {
    const rows = [
      '0, 0, 0, 6000, 100, a',
      ...Array.from({ length: 31 }, (_, i) => `0, ${i * 6000}, ${i * 6000}, 6000, 100, b`),
    ];
    expect(parseFrameMd5(`#tb 0: 1/90000\n${rows.join('\n')}\n`).fps).toBeCloseTo(15, 5);
  });

  it('refuses output without a time base or frames', () => {
    expect(() => parseFrameMd5('garbage')).toThrow(ToolError);
    expect(() => parseFrameMd5('#tb 0: 1/90000\n0, 1, 1, 1, 10, x\n')).toThrow(/only 1 video frames/);
  });

  it('puts encoded credentials into the stream URL', () => {
    expect(withCredentials('rtsp://10.0.0.1:554/live?x=1', 'ad@min', 'p:w/')).toBe(
      'rtsp://ad%40min:p%3Aw%2F@10.0.0.1:554/live?x=1',
    );
  });
});

describe('picture statistics (blurdetect, signalstats via metadata=print)', () => {
  it('takes the medians over the sampled frames, and none from a uniform picture', () => {
    const frame = (n: number, blur: string, low: number, high: number) =>
      `frame:${n}    pts:${n * 10}    pts_time:${n}\nlavfi.blur=${blur}\nlavfi.signalstats.YMIN=16\nlavfi.signalstats.YLOW=${low}\nlavfi.signalstats.YHIGH=${high}\n`;
    const text = frame(0, '5.1', 16, 235) + frame(1, '30.2', 20, 40) + frame(2, '6.0', 16, 230);
    expect(parsePictureStats(text)).toEqual({ blur: 6, contrast: 214 });
    // a uniform picture: blurdetect has nothing to measure (-nan)
    expect(parsePictureStats(frame(0, '-nan', 69, 73))).toEqual({ contrast: 4 });
    expect(parsePictureStats('')).toEqual({});
  });
});
