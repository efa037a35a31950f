import type { MediaProfile, Reason, StreamMeasurement } from '@kuzet/protocol';
import { analyseStream, probeStream, ToolError, withCredentials } from './ffmpeg.ts';
import { ssim } from './similarity.ts';

/** A picture counts as black/frozen when it is so for most of the analysed time. */
const PICTURE_SHARE = 0.8;
/** Measured frame rate may fall this far below the configured one before it is a fault (jitter, clock). */
const FPS_TOLERANCE = 0.85;
/** the picture's limits when the centre sent none (protocol Profile's defaults) */
export const PICTURE_LIMITS = { maxBlur: 15, minContrast: 24, minSceneSimilarity: 0.4 };

/**
 * The health findings of a deep check: the picture, and a stream below the camera's own configuration. Whether the
 * resolution and frame rate meet the school's requirements, the centre decides from the measurement.
 */
export function streamReasons(m: Omit<StreamMeasurement, 'cameraId' | 'at'>): Reason[] {
  const reasons: Reason[] = [];
  const c = m.configured;
  // one picture finding, the most telling first: black is also uniform (covered) and still (frozen)
  if (m.picture?.black) reasons.push('black_picture');
  else if (m.picture?.covered) reasons.push('covered_picture');
  else if (m.picture?.frozen) reasons.push('frozen_picture');
  else if (m.picture?.blurred) reasons.push('blurred_picture');
  // a black or covered picture matches no view: that finding says it already
  if (m.picture?.sceneChanged && !m.picture.black && !m.picture.covered) reasons.push('scene_changed');
  if (c && m.width * m.height < c.width * c.height) reasons.push('resolution_below_configured');
  if (c && c.fps > 0 && m.fps < c.fps * FPS_TOLERANCE) reasons.push('fps_below_configured');
  return reasons;
}

export interface StreamCheckResult {
  measurement?: Omit<StreamMeasurement, 'cameraId' | 'at'>;
  reasons: Reason[];
  detail?: string;
  /** one frame as a small JPEG, when asked for and the camera delivered a picture */
  snapshot?: Buffer;
}

/** Deep check of the main stream: ffprobe for what it is, then live analysis of what it really delivers. */
export async function checkStream(
  profile: MediaProfile,
  creds: { username: string; password: string },
  opts: {
    transport: 'tcp' | 'udp';
    analyseSeconds: number;
    timeoutMs: number;
    snapshot?: boolean;
    /** the school profile's picture limits (PICTURE_LIMITS when the centre sent none) */
    limits?: { maxBlur?: number; minContrast?: number; minSceneSimilarity?: number };
    /** the camera's confirmed reference view (similarity.ts), when staff have confirmed one */
    reference?: Uint8Array;
  },
): Promise<StreamCheckResult> {
  if (!profile.streamUri) return { reasons: ['rtsp_down'], detail: 'the camera gave no stream URI' };
  const url = withCredentials(profile.streamUri, creds.username, creds.password);
  const t0 = Date.now();
  try {
    const info = await probeStream(url, opts.transport, opts.timeoutMs);
    const a = await analyseStream(
      url,
      opts.transport,
      opts.analyseSeconds,
      opts.timeoutMs,
      opts.snapshot,
      opts.reference !== undefined,
    );
    const similarity = opts.reference && a.thumbnail ? ssim(opts.reference, a.thumbnail) : undefined;
    const minSimilarity = opts.limits?.minSceneSimilarity ?? PICTURE_LIMITS.minSceneSimilarity;
    const measurement: Omit<StreamMeasurement, 'cameraId' | 'at'> = {
      profileToken: profile.token,
      codec: info.codec,
      profile: info.profile,
      width: info.width,
      height: info.height,
      fps: Math.round(a.fps * 100) / 100,
      bitrateKbps: Math.round(a.bitrateKbps),
      configured: { width: profile.width, height: profile.height, fps: profile.fps },
      picture: {
        analysedSeconds: Math.round(a.analysedSeconds * 100) / 100,
        blackSeconds: Math.round(a.blackSeconds * 100) / 100,
        frozenSeconds: Math.round(a.frozenSeconds * 100) / 100,
        black: a.blackSeconds >= a.analysedSeconds * PICTURE_SHARE,
        frozen: a.frozenSeconds >= a.analysedSeconds * PICTURE_SHARE,
        ...(a.blur !== undefined
          ? { blur: a.blur, blurred: a.blur > (opts.limits?.maxBlur ?? PICTURE_LIMITS.maxBlur) }
          : {}),
        ...(a.contrast !== undefined
          ? { contrast: a.contrast, covered: a.contrast < (opts.limits?.minContrast ?? PICTURE_LIMITS.minContrast) }
          : {}),
        ...(similarity !== undefined ? { sceneSimilarity: similarity, sceneChanged: similarity < minSimilarity } : {}),
      },
      durationMs: Date.now() - t0,
    };
    return { measurement, reasons: streamReasons(measurement), snapshot: a.snapshot };
  } catch (err) {
    if (err instanceof ToolError) {
      const reason: Reason = err.kind === 'unreachable' || err.kind === 'timeout' ? 'rtsp_down' : 'no_video';
      return { reasons: [/credentials/.test(err.message) ? 'auth_failed' : reason], detail: err.message };
    }
    throw err;
  }
}
