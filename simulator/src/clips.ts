import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import ffmpeg from 'fluent-ffmpeg';

/** What a camera's picture looks like. */
export type PictureKind = 'normal' | 'black' | 'frozen' | 'blurred' | 'covered' | 'turned';

export interface ClipSpec {
  width: number;
  height: number;
  fps: number;
  picture: PictureKind;
}

/** A pre-encoded H.264 clip, split into access units (one per frame), ready to be packetised into RTP. */
export interface Clip {
  spec: ClipSpec;
  /** each frame as a list of NAL units (no start codes, AUDs dropped) */
  frames: Buffer[][];
  sps: Buffer;
  pps: Buffer;
  /** profile-level-id for the SDP, from the SPS */
  profileLevelId: string;
  jpeg: Buffer;
}

const CLIP_SECONDS = 4;

function lavfiSource(spec: ClipSpec): { input: string; filter?: string } {
  const size = `${spec.width}x${spec.height}`;
  switch (spec.picture) {
    case 'black':
      return { input: `color=c=black:s=${size}:r=${spec.fps}` };
    case 'frozen':
      // the first frame of the test pattern, repeated: a camera whose picture stopped moving
      return { input: `testsrc=s=${size}:r=${spec.fps}`, filter: 'loop=loop=-1:size=1:start=0' };
    case 'blurred':
      // out of focus (or a smeared lens): the moving test pattern, blurred
      return { input: `testsrc=s=${size}:r=${spec.fps}`, filter: 'boxblur=12' };
    case 'covered':
      // covered or sprayed over: an even grey with the sensor's own noise (still alive, not black, not frozen)
      return { input: `color=c=0x3a3a3a:s=${size}:r=${spec.fps}`, filter: 'noise=alls=6:allf=t' };
    case 'turned':
      // turned away or moved: a live, sharp picture, but of another view (another test pattern)
      return { input: `testsrc2=s=${size}:r=${spec.fps}` };
    default:
      return { input: `testsrc=s=${size}:r=${spec.fps}` };
  }
}

function run(cmd: ffmpeg.FfmpegCommand): Promise<void> {
  return new Promise((resolve, reject) => {
    cmd.on('end', () => resolve()).on('error', (err: Error) => reject(err));
    cmd.run();
  });
}

async function encode(spec: ClipSpec, h264Path: string, jpegPath: string): Promise<void> {
  const src = lavfiSource(spec);
  const gop = Math.max(1, Math.round(spec.fps));
  const tmp = `${h264Path}.${process.pid}.tmp`;
  const cmd = ffmpeg()
    .input(src.input)
    .inputFormat('lavfi')
    .duration(CLIP_SECONDS)
    .videoCodec('libx264')
    .outputOptions([
      '-pix_fmt yuv420p',
      '-preset ultrafast',
      '-tune zerolatency',
      '-profile:v main',
      `-g ${gop}`,
      `-keyint_min ${gop}`,
      '-sc_threshold 0',
      '-bf 0',
      '-b:v 2M',
      '-x264-params aud=1:repeat-headers=1',
      '-f h264',
    ])
    .output(tmp);
  if (src.filter) cmd.videoFilters(src.filter);
  await run(cmd);
  renameSync(tmp, h264Path);
  const jtmp = `${jpegPath}.${process.pid}.tmp.jpg`;
  const jcmd = ffmpeg()
    .input(src.input)
    .inputFormat('lavfi')
    .outputOptions(['-frames:v 1', '-q:v 4', '-pix_fmt yuvj420p'])
    .output(jtmp);
  if (src.filter) jcmd.videoFilters(src.filter);
  await run(jcmd);
  renameSync(jtmp, jpegPath);
}

/** Splits an Annex B byte stream into NAL units (without start codes). */
export function splitAnnexB(data: Buffer): Buffer[] {
  const nals: Buffer[] = [];
  let start = -1;
  let i = 0;
  while (i + 2 < data.length) {
    if (data[i] === 0 && data[i + 1] === 0 && (data[i + 2] === 1 || (data[i + 2] === 0 && data[i + 3] === 1))) {
      const codeLen = data[i + 2] === 1 ? 3 : 4;
      if (start >= 0) nals.push(data.subarray(start, i));
      start = i + codeLen;
      i += codeLen;
    } else {
      i++;
    }
  }
  if (start >= 0 && start < data.length) nals.push(data.subarray(start));
  // trailing zero bytes belong to the next start code, never to a NAL
  return nals.map((n) => {
    let end = n.length;
    while (end > 0 && n[end - 1] === 0) end--;
    return n.subarray(0, end);
  });
}

/** Groups NAL units into access units at each access unit delimiter (type 9). */
export function toFrames(nals: Buffer[]): { frames: Buffer[][]; sps?: Buffer; pps?: Buffer } {
  const frames: Buffer[][] = [];
  let current: Buffer[] = [];
  let sps: Buffer | undefined;
  let pps: Buffer | undefined;
  for (const nal of nals) {
    const type = nal[0]! & 0x1f;
    if (type === 9) {
      if (current.length) frames.push(current);
      current = [];
      continue;
    }
    if (type === 7 && !sps) sps = nal;
    if (type === 8 && !pps) pps = nal;
    current.push(nal);
  }
  if (current.length) frames.push(current);
  return { frames, sps, pps };
}

export function clipKey(spec: ClipSpec): string {
  return `${spec.width}x${spec.height}p${spec.fps}-${spec.picture}`;
}

/** Encodes clips once (cached on disk under cacheDir) and keeps them in memory for all cameras. */
export class ClipLibrary {
  private readonly loaded = new Map<string, Promise<Clip>>();

  constructor(private readonly cacheDir: string) {
    mkdirSync(cacheDir, { recursive: true });
  }

  get(spec: ClipSpec): Promise<Clip> {
    const key = clipKey(spec);
    let clip = this.loaded.get(key);
    if (!clip) {
      clip = this.load(spec);
      this.loaded.set(key, clip);
      clip.catch(() => this.loaded.delete(key));
    }
    return clip;
  }

  private async load(spec: ClipSpec): Promise<Clip> {
    const version = createHash('sha1').update(`v2:${CLIP_SECONDS}`).digest('hex').slice(0, 6);
    const base = join(this.cacheDir, `${clipKey(spec)}-${version}`);
    const h264Path = `${base}.h264`;
    const jpegPath = `${base}.jpg`;
    if (!existsSync(h264Path) || !existsSync(jpegPath)) await encode(spec, h264Path, jpegPath);
    const { frames, sps, pps } = toFrames(splitAnnexB(readFileSync(h264Path)));
    if (!sps || !pps || frames.length === 0) throw new Error(`clip ${h264Path} has no SPS/PPS or frames`);
    const profileLevelId = sps.subarray(1, 4).toString('hex');
    return { spec, frames, sps, pps, profileLevelId, jpeg: readFileSync(jpegPath) };
  }
}
