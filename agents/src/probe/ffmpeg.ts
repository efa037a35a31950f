import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isJpeg } from '@kuzet/protocol';
import ffmpeg from 'fluent-ffmpeg';
import { z } from 'zod';
import { stripUserinfo } from '../redact.ts';
import { THUMB_BYTES, THUMB_HEIGHT, THUMB_WIDTH } from './similarity.ts';

/**
 * The one place the agent runs ffprobe/ffmpeg (through fluent-ffmpeg). Output from the tools is validated;
 * a broken answer is an error with a clear message, never a crash.
 */

export interface StreamInfo {
  codec: string;
  profile?: string;
  width: number;
  height: number;
  declaredFps?: number;
}

export interface Analysis {
  frames: number;
  analysedSeconds: number;
  fps: number;
  bitrateKbps: number;
  blackSeconds: number;
  frozenSeconds: number;
  /** blurdetect's median over the sampled frames (undefined: no frame measurable, e.g. a uniform picture) */
  blur?: number;
  /** the median luma spread (signalstats YHIGH − YLOW) of the sampled frames */
  contrast?: number;
}

/** every this many frames one is measured for blur and contrast, at most this wide (measured: blurdetect on every
 * 720p frame cost 5 s of CPU per 4-second check; on one frame in ten at 640 px, 0.3 s) */
const PICTURE_SAMPLE_EVERY = 10;
const PICTURE_SAMPLE_WIDTH = 640;

const median = (xs: number[]): number | undefined => {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** Parses ffmpeg's metadata=print output (blurdetect, signalstats) into the medians over the sampled frames. */
export function parsePictureStats(text: string): { blur?: number; contrast?: number } {
  const blur: number[] = [];
  const spread: number[] = [];
  let low: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('frame:')) low = undefined;
    const b = /^lavfi\.blur=([\d.]+)$/.exec(line.trim());
    if (b) blur.push(Number(b[1]));
    const l = /^lavfi\.signalstats\.YLOW=([\d.]+)$/.exec(line.trim());
    if (l) low = Number(l[1]);
    const h = /^lavfi\.signalstats\.YHIGH=([\d.]+)$/.exec(line.trim());
    if (h && low !== undefined) spread.push(Number(h[1]) - low);
  }
  const out: { blur?: number; contrast?: number } = {};
  const mb = median(blur.filter(Number.isFinite));
  const mc = median(spread.filter(Number.isFinite));
  if (mb !== undefined) out.blur = Math.round(mb * 10) / 10;
  if (mc !== undefined) out.contrast = mc;
  return out;
}

export class ToolError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'no_video' | 'timeout' | 'bad_output',
    message: string,
  ) {
    super(message);
  }
}

const ProbeStream = z.object({
  codec_type: z.string(),
  codec_name: z.string(),
  profile: z.union([z.string(), z.number()]).optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  r_frame_rate: z.string().optional(),
});

function rate(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const [n, d] = s.split('/').map(Number);
  const v = d ? n! / d : n!;
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/** A stream URL with credentials; never logged. */
export function withCredentials(streamUri: string, username: string, password: string): string {
  const u = new URL(streamUri);
  u.username = encodeURIComponent(username);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** A tool's error, classified; its text (ffmpeg echoes the input URL, credentials included) loses URL userinfo. */
function classify(raw: string): ToolError {
  const message = stripUserinfo(raw);
  if (/401|authori[sz]ation failed/i.test(message)) return new ToolError('unreachable', 'RTSP credentials refused');
  if (/Connection refused|No route|timed out|Connection timed out|404|Server returned/i.test(message))
    return new ToolError('unreachable', message.split('\n').filter(Boolean).slice(-2).join(' ').slice(0, 300));
  return new ToolError('no_video', message.split('\n').filter(Boolean).slice(-2).join(' ').slice(0, 300));
}

/** ffprobe: codec, profile, resolution and declared frame rate of the first video stream. */
export function probeStream(url: string, transport: 'tcp' | 'udp', timeoutMs: number): Promise<StreamInfo> {
  return new Promise((resolve, reject) => {
    const options = ['-rtsp_transport', transport, '-timeout', String(timeoutMs * 1000), '-select_streams', 'v:0'];
    ffmpeg.ffprobe(url, options, (err, data) => {
      if (err) return reject(classify(String((err as Error).message)));
      const video = (data?.streams ?? []).find((s) => s.codec_type === 'video');
      if (!video) return reject(new ToolError('no_video', 'the stream has no video track'));
      const v = ProbeStream.safeParse(video);
      if (!v.success)
        return reject(new ToolError('bad_output', `ffprobe output not understood: ${v.error.issues[0]?.message}`));
      resolve({
        codec: v.data.codec_name,
        profile: v.data.profile === undefined ? undefined : String(v.data.profile),
        width: v.data.width,
        height: v.data.height,
        declaredFps: rate(v.data.r_frame_rate),
      });
    });
  });
}

/** Parses blackdetect/freezedetect stderr lines (timestamps are zero-based: setpts=PTS-STARTPTS). */
export function parseDetectLines(
  lines: string[],
  analysedSeconds: number,
): { blackSeconds: number; frozenSeconds: number } {
  let black = 0;
  let frozen = 0;
  let openFreeze: number | undefined;
  for (const l of lines) {
    const b = /black_start:\s*([\d.]+)\s+black_end:\s*([\d.]+)/.exec(l);
    if (b) black += Math.max(0, Number(b[2]) - Number(b[1]));
    const fs = /freeze_start:\s*([\d.]+)/.exec(l);
    if (fs) openFreeze = Number(fs[1]);
    const fd = /freeze_duration:\s*([\d.]+)/.exec(l);
    if (fd) frozen += Number(fd[1]);
    if (/freeze_end:/.test(l)) openFreeze = undefined;
  }
  // a freeze lasting to the end prints only freeze_start
  if (openFreeze !== undefined) frozen += Math.max(0, analysedSeconds - openFreeze);
  return { blackSeconds: Math.min(black, analysedSeconds), frozenSeconds: Math.min(frozen, analysedSeconds) };
}

/** Parses framemd5 output: frame count, real frame rate and bitrate from packet timestamps and sizes. */
export function parseFrameMd5(text: string): { frames: number; spanSeconds: number; fps: number; bitrateKbps: number } {
  const tb = /^#tb 0: (\d+)\/(\d+)/m.exec(text);
  if (!tb) throw new ToolError('bad_output', 'framemd5 output has no time base');
  const timeBase = Number(tb[1]) / Number(tb[2]);
  const pts: number[] = [];
  let bytes = 0;
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(',').map((s) => s.trim());
    if (f.length < 6 || f[0] !== '0') continue;
    const p = Number(f[2]);
    const size = Number(f[4]);
    if (!Number.isFinite(p) || !Number.isFinite(size)) continue;
    pts.push(p);
    bytes += size;
  }
  if (pts.length < 2) throw new ToolError('no_video', `only ${pts.length} video frames arrived`);
  pts.sort((a, b) => a - b);
  const span = (pts.at(-1)! - pts[0]!) * timeBase;
  // RTSP demuxing can give the first two frames the same timestamp: count distinct instants
  const distinct = new Set(pts).size;
  const fps = span > 0 ? (distinct - 1) / span : 0;
  const seconds = span + (fps > 0 ? 1 / fps : 0);
  return { frames: pts.length, spanSeconds: span, fps, bitrateKbps: seconds > 0 ? (bytes * 8) / seconds / 1000 : 0 };
}

/** How a live view is relayed: the camera's own video as it is, or re-encoded within a bitrate. */
export type LiveMode = { kind: 'copy' } | { kind: 'transcode'; kbps: number };

/**
 * ffmpeg relaying a camera live as fragmented MP4 on its stdout (issue 16): fragments of at most 200 ms (or at each
 * key frame), so that the viewer's delay is the camera's plus a fragment, not a whole group of pictures. Re-encoding
 * (libx264, zero-latency tuning, at most 480 lines) for a codec the browser cannot play or a stream over budget.
 * `done` settles when ffmpeg exits: resolved at the stream's end, rejected with a classified ToolError.
 */
export function liveStream(
  url: string,
  transport: 'tcp' | 'udp',
  mode: LiveMode,
): { output: import('node:stream').Readable; done: Promise<void>; stop: () => void } {
  const video =
    mode.kind === 'copy'
      ? ['-c:v copy']
      : [
          '-c:v libx264',
          '-preset veryfast',
          '-tune zerolatency',
          '-profile:v main',
          '-pix_fmt yuv420p',
          `-b:v ${mode.kbps}k`,
          `-maxrate ${mode.kbps}k`,
          `-bufsize ${Math.round(mode.kbps / 2)}k`,
          '-g 30',
          '-vf',
          "scale=-2:'min(480,ih)'",
        ];
  const lines: string[] = [];
  let stopped = false;
  const cmd = ffmpeg(url)
    // little probing: the first picture is what a person waits for (the SDP already says what the stream is). Not
    // `-fflags nobuffer`: it drops the packets read while probing, the key frame among them, and the first picture
    // then waits for the next key frame (measured: +1 s with a 1-s group of pictures); the player skips the probed
    // second instead (LivePlayer keeps near the newest picture)
    .inputOptions([
      ...['-rtsp_transport', transport, '-timeout', '10000000'],
      ...['-probesize', '65536', '-analyzeduration', '300000'],
    ])
    .outputOptions([
      '-map 0:v:0',
      '-an',
      ...video,
      '-f mp4',
      '-movflags frag_keyframe+empty_moov+default_base_moof',
      '-frag_duration 200000',
      // each fragment leaves as soon as it is complete (not when ffmpeg's output buffer fills)
      '-flush_packets 1',
    ])
    .on('stderr', (l: string) => {
      if (lines.length >= 50) lines.shift();
      lines.push(l);
    });
  const done = new Promise<void>((resolve, reject) => {
    cmd.on('error', (err: Error) => {
      if (stopped) return resolve();
      reject(classify(`${err.message}\n${lines.slice(-3).join('\n')}`));
    });
    cmd.on('end', () => resolve());
  });
  const output = cmd.pipe() as import('node:stream').Readable;
  return {
    output,
    done,
    stop: () => {
      stopped = true;
      cmd.kill('SIGKILL');
    },
  };
}

/** Largest width of a snapshot (scaled down keeping the aspect ratio; never up). */
export const SNAPSHOT_WIDTH = 640;

/** ffmpeg's options writing one frame as the small greyscale picture scene similarity compares (similarity.ts) */
const THUMB_OUTPUT = [
  '-map 0:v:0',
  '-an',
  '-frames:v 1',
  '-vf',
  `scale=${THUMB_WIDTH}:${THUMB_HEIGHT}:flags=area,format=gray`,
  '-f rawvideo',
];

const readThumb = async (path: string): Promise<Uint8Array | undefined> => {
  const b = await readFile(path).catch(() => undefined);
  return b && b.length === THUMB_BYTES ? new Uint8Array(b) : undefined;
};

/** A reference picture (a JPEG) as the small greyscale picture each deep check's frame is compared with. */
export async function thumbnailOf(jpeg: Buffer): Promise<Uint8Array> {
  if (!isJpeg(jpeg)) throw new ToolError('bad_output', 'the reference picture is not a JPEG');
  const stem = join(tmpdir(), `kuzet-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(`${stem}.jpg`, jpeg);
    await new Promise<void>((resolve, reject) => {
      const cmd = ffmpeg(`${stem}.jpg`)
        .output(`${stem}.gray`)
        .outputOptions(THUMB_OUTPUT)
        .on('error', (err: Error) => {
          clearTimeout(timer);
          reject(new ToolError('bad_output', `the reference picture did not decode: ${err.message.slice(0, 200)}`));
        })
        .on('end', () => {
          clearTimeout(timer);
          resolve();
        });
      const timer = setTimeout(() => cmd.kill('SIGKILL'), 10_000);
      cmd.run();
    });
    const thumb = await readThumb(`${stem}.gray`);
    if (!thumb) throw new ToolError('bad_output', 'the reference picture gave no frame');
    return thumb;
  } finally {
    await rm(`${stem}.jpg`, { force: true });
    await rm(`${stem}.gray`, { force: true });
  }
}

/**
 * ffmpeg over `seconds` of live video: decodes it for blackdetect/freezedetect and copies packets to framemd5
 * for the real frame rate and bitrate; with `snapshot`, also writes one frame as a small JPEG, and with `thumbnail`
 * one as the greyscale picture compared with the reference view (same decode, no second connection to the camera).
 */
export async function analyseStream(
  url: string,
  transport: 'tcp' | 'udp',
  seconds: number,
  timeoutMs: number,
  snapshot = false,
  thumbnail = false,
): Promise<Analysis & { snapshot?: Buffer; thumbnail?: Uint8Array }> {
  const stem = join(tmpdir(), `kuzet-${process.pid}-${randomBytes(6).toString('hex')}`);
  const md5Path = `${stem}.framemd5`;
  const jpgPath = `${stem}.jpg`;
  const statsPath = `${stem}.stats`;
  const thumbPath = `${stem}.gray`;
  const lines: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const cmd = ffmpeg(url)
        .inputOptions(['-rtsp_transport', transport, '-timeout', String(timeoutMs * 1000), '-t', String(seconds)])
        .output('-')
        .outputOptions([
          '-map 0:v:0',
          '-vf',
          'setpts=PTS-STARTPTS,blackdetect=d=1:pix_th=0.1,freezedetect=n=-60dB:d=2,' +
            // blur and contrast on a sample of the frames, downscaled (the detectors above see every frame)
            `select='not(mod(n\\,${PICTURE_SAMPLE_EVERY}))',scale='min(${PICTURE_SAMPLE_WIDTH},iw)':-2,` +
            `blurdetect,signalstats,metadata=mode=print:file=${statsPath}`,
          '-an',
          '-f null',
        ])
        .output(md5Path)
        .outputOptions(['-map 0:v:0', '-c copy', '-f framemd5']);
      if (snapshot)
        cmd
          .output(jpgPath)
          .outputOptions([
            '-map 0:v:0',
            '-an',
            '-frames:v 1',
            '-vf',
            `scale='min(${SNAPSHOT_WIDTH},iw)':-2`,
            '-q:v 5',
            '-f image2',
            '-update 1',
          ]);
      if (thumbnail) cmd.output(thumbPath).outputOptions(THUMB_OUTPUT);
      cmd
        .on('stderr', (l: string) => {
          if (lines.length < 500) lines.push(l);
        })
        .on('error', (err: Error) => {
          clearTimeout(timer);
          reject(
            err.message.includes('SIGKILL')
              ? new ToolError('timeout', 'ffmpeg did not finish in time')
              : classify(`${err.message}\n${lines.slice(-3).join('\n')}`),
          );
        })
        .on('end', () => {
          clearTimeout(timer);
          resolve();
        });
      const timer = setTimeout(() => cmd.kill('SIGKILL'), timeoutMs);
      cmd.run();
    });
    const m = parseFrameMd5(await readFile(md5Path, 'utf8'));
    const analysedSeconds = m.spanSeconds + (m.fps > 0 ? 1 / m.fps : 0);
    const jpeg = snapshot ? await readFile(jpgPath).catch(() => undefined) : undefined;
    const stats = parsePictureStats(await readFile(statsPath, 'utf8').catch(() => ''));
    const thumb = thumbnail ? await readThumb(thumbPath) : undefined;
    return {
      ...(thumb ? { thumbnail: thumb } : {}),
      ...m,
      analysedSeconds,
      ...parseDetectLines(lines, analysedSeconds),
      ...stats,
      // anything but a JPEG (or nothing) is no picture
      ...(jpeg && isJpeg(jpeg) ? { snapshot: jpeg } : {}),
    };
  } finally {
    await rm(md5Path, { force: true });
    await rm(jpgPath, { force: true });
    await rm(statsPath, { force: true });
    await rm(thumbPath, { force: true });
  }
}
