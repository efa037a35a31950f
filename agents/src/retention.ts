import type { Reason, RecordingGap, RetentionReport } from '@kuzet/protocol';
import type { OnvifDevice, TrackStateChange } from './onvif/client.ts';

const DAY_MS = 86_400_000;

/**
 * Gaps from track state changes: each stretch without data, from an IsDataPresent=false to the next true (or to
 * `untilMs` when data never came back). Only within [fromMs, untilMs].
 */
export function gapsFrom(
  changes: TrackStateChange[],
  fromMs: number,
  untilMs: number,
): { startMs: number; endMs: number }[] {
  const gaps: { startMs: number; endMs: number }[] = [];
  let gapStart: number | undefined;
  for (const c of [...changes].sort((a, b) => a.atMs - b.atMs)) {
    if (!c.dataPresent && gapStart === undefined) gapStart = Math.max(c.atMs, fromMs);
    else if (c.dataPresent && gapStart !== undefined) {
      if (c.atMs > gapStart) gaps.push({ startMs: gapStart, endMs: Math.min(c.atMs, untilMs) });
      gapStart = undefined;
    }
  }
  if (gapStart !== undefined && untilMs > gapStart) gaps.push({ startMs: gapStart, endMs: untilMs });
  return gaps.filter((g) => g.endMs > g.startMs);
}

/**
 * The agent's own finding about retention is only whether it could be measured: how many days are enough, and
 * which gaps are too long, the centre decides from the report (protocol: evaluateCamera).
 */
export function retentionReasons(r: RetentionReport): Reason[] {
  return r.state === 'unknown' ? ['retention_unknown'] : [];
}

/** What the centre tells the agent of its school's profile for this work (never the agent's own defaults). */
export interface RetentionThresholds {
  /** gaps longer than this are reported */
  maxGapMinutes: number;
  /** searched this many days back from the newest recording */
  gapWindowDays: number;
  /** the picture's limits from the school's profile (defaults in probe/stream.ts when the centre sends none) */
  maxBlur?: number;
  minContrast?: number;
  minSceneSimilarity?: number;
}

/** reported gaps at most (the longest ones): a camera that records in bits does not make an endless report */
const MAX_GAPS = 50;

export interface RetentionSource {
  device: OnvifDevice;
  searchUrl: string;
  /** the recording to use; when absent (camera search), all recordings of the device are considered */
  recordingToken?: string;
  kind: 'camera' | 'nvr';
}

/**
 * How many days are really retained (oldest to newest recording) and where recordings are missing, from ONVIF
 * recording search. `deviceNowMs` is the device's clock: a recording that stopped long ago is a gap up to now.
 */
export async function measureRetention(
  cameraId: string,
  src: RetentionSource,
  t: RetentionThresholds,
  maxGapWindowDays: number,
  deviceNowMs: number,
): Promise<RetentionReport> {
  const at = new Date().toISOString();
  const recordings = await src.device.findRecordings(src.searchUrl);
  const candidates = src.recordingToken
    ? recordings.filter((r) => r.RecordingToken === src.recordingToken)
    : recordings;
  const withTimes = candidates
    .map((r) => ({
      token: r.RecordingToken,
      from: Date.parse(r.EarliestRecording ?? ''),
      to: Date.parse(r.LatestRecording ?? ''),
    }))
    .filter((r) => Number.isFinite(r.from) && Number.isFinite(r.to));
  let rec = withTimes.sort((a, b) => b.to - b.from - (a.to - a.from))[0];
  if (!rec && !src.recordingToken) {
    // some firmware leaves Earliest/LatestRecording out: fall back to the summary
    const s = await src.device.recordingSummary(src.searchUrl);
    const token = candidates[0]?.RecordingToken;
    if (s.count > 0 && token) rec = { token, from: s.fromMs, to: s.untilMs };
  }
  if (!rec) {
    return {
      state: 'unknown',
      cameraId,
      at,
      reason: candidates.length ? 'the recording has no earliest/latest time' : `no recording on the ${src.kind}`,
    };
  }
  const retainedDays = Math.max(0, (rec.to - rec.from) / DAY_MS);
  const windowDays = Math.min(retainedDays, maxGapWindowDays, t.gapWindowDays);
  const windowFrom = rec.to - windowDays * DAY_MS;
  const changes = await src.device.trackStateChanges(src.searchUrl, rec.token, windowFrom, rec.to);
  const gaps = gapsFrom(changes, windowFrom, rec.to);
  // recording stopped: from the newest recording to the device's now
  if (deviceNowMs - rec.to > t.maxGapMinutes * 60_000 && deviceNowMs - rec.to > 60_000)
    gaps.push({ startMs: rec.to, endMs: deviceNowMs });
  const worth = gaps
    .filter((g) => g.endMs - g.startMs > t.maxGapMinutes * 60_000)
    .sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs))
    .slice(0, MAX_GAPS)
    .sort((a, b) => a.startMs - b.startMs);
  const out: RecordingGap[] = worth.map((g) => ({
    start: new Date(g.startMs).toISOString(),
    end: new Date(g.endMs).toISOString(),
    seconds: Math.round((g.endMs - g.startMs) / 1000),
  }));
  return {
    state: 'known',
    cameraId,
    at,
    source: src.kind,
    recordingToken: rec.token,
    oldest: new Date(rec.from).toISOString(),
    newest: new Date(rec.to).toISOString(),
    retainedDays: Math.round(retainedDays * 100) / 100,
    gaps: out,
    gapWindowDays: Math.round(windowDays * 100) / 100,
  };
}
