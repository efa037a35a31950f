import type { CameraIdentity } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { CameraChecks, type CheckContext } from './checks.ts';
import { parseConfig } from './config.ts';
import type { NvrIndex } from './nvr.ts';
import type { OnvifDevice } from './onvif/client.ts';
import { MemorySink, MessageFactory } from './output.ts';
import type { Scheduler } from './scheduler.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ID = 'cam-00000000000000e1';
const ID2 = 'cam-00000000000000e2';

/** A camera's checks with a scheduler that records what it is asked to run now (`runNow`), messages in `sink`. */
function checksOf(
  cameraId: string,
  device: OnvifDevice,
  runNow: (key: string) => void,
  intervals: Record<string, number> = {},
  media?: unknown[],
) {
  const sink = new MemorySink();
  const ctx = {
    config: parseConfig({
      agentId: 'agent-r',
      credentials: [{ username: 'admin', password: 'camera-pass' }],
      intervals,
    }),
    scheduler: { runNow, cancelPrefix: () => {} } as unknown as Scheduler,
    sink,
    messages: new MessageFactory('agent-r'),
    nvrs: { size: 0 } as unknown as NvrIndex,
    limits: {} as CheckContext['limits'],
    thresholds: () => ({ maxGapMinutes: 10, gapWindowDays: 7 }),
  } as CheckContext;
  const identity = {
    cameraId,
    ...(media ? { media } : {}),
    recordingSearch: { kind: 'camera', xaddr: 'http://127.0.0.9/onvif/search' },
  } as unknown as CameraIdentity;
  return { checks: new CameraChecks(identity, device, { username: 'u', password: 'p' }, ctx), sink };
}

/**
 * A recording search that failed (a busy camera or NVR timed out) is not an answer for the retention interval (an
 * hour): the camera would stay degraded with retention_unknown that long. It is tried again soon, then less often.
 */
describe('retention check after a failed recording search', () => {
  it('is tried again after retentionRetrySeconds, doubling; a search that answers ends the retries', async () => {
    let failing = true;
    const now = Date.now();
    const device = {
      soap: { clockOffsetMs: 0 },
      findRecordings: async () => {
        if (failing) throw new Error('timed out after 8000 ms');
        return [
          {
            RecordingToken: 'r1',
            EarliestRecording: new Date(now - 31 * 86_400_000).toISOString(),
            LatestRecording: new Date(now).toISOString(),
          },
        ];
      },
      trackStateChanges: async () => [],
    } as unknown as OnvifDevice;
    const asked: number[] = [];
    // the retry goes through the scheduler (never beside a run of the same check): what it is asked is recorded
    const { checks, sink } = checksOf(ID, device, () => asked.push(Date.now()), {
      retentionSeconds: 3600,
      retentionRetrySeconds: 0.1,
    });
    const reports = () => sink.messages.flatMap((m) => (m.type === 'retention' ? [m.report.state] : []));
    const samples = () =>
      sink.messages.flatMap((m) => (m.type === 'health' && m.sample.tier === 'retention' ? [m.sample.reasons] : []));

    const t0 = Date.now();
    await checks.retention();
    expect(reports()).toEqual(['unknown']);
    expect(samples()).toEqual([['retention_unknown']]);
    for (let i = 0; i < 100 && asked.length < 1; i++) await sleep(20);
    expect(asked).toHaveLength(1);
    expect(asked[0]! - t0).toBeGreaterThanOrEqual(90); // a timer never fires early
    // failed again: the next try waits twice as long (0.2 s), not the hour
    const t1 = Date.now();
    await checks.retention();
    for (let i = 0; i < 100 && asked.length < 2; i++) await sleep(20);
    expect(asked).toHaveLength(2);
    expect(asked[1]! - t1).toBeGreaterThanOrEqual(190);
    // the search answers: known, no more retries
    failing = false;
    await checks.retention();
    expect(reports()).toEqual(['unknown', 'unknown', 'known']);
    expect(samples().at(-1)).toEqual([]);
    await sleep(500);
    expect(asked).toHaveLength(2);
    checks.stop();
  });
});

/**
 * A camera that drops off the network in the middle of a deep check (a recording search, a stream analysis) leaves
 * that check's failure behind. Back online, it must not stay degraded on it until the check's next run (an hour):
 * the failure is forgotten and the check runs again at once.
 */
describe('a camera back from offline', () => {
  it('forgets the deep checks that failed while it went away, and runs them again (a real failure comes back with the run)', async () => {
    let up = true;
    const device = {
      soap: { clockOffsetMs: 0 },
      clock: async () => {
        if (!up) throw new Error('connect EHOSTUNREACH');
        return { offsetMs: 0, rttMs: 3, ntp: true };
      },
      findRecordings: async () => {
        throw new Error('socket hang up'); // the camera went away mid-search
      },
    } as unknown as OnvifDevice;
    const asked: string[] = [];
    // no media profile: its stream check fails (no_video) whenever it runs
    const { checks, sink } = checksOf(ID2, device, (k) => asked.push(k), {}, []);
    const states = () => sink.messages.flatMap((m) => (m.type === 'state' ? [[m.state.status, m.state.reasons]] : []));

    await checks.reachability();
    expect(states().at(-1)).toEqual(['online', []]);
    await checks.retention();
    await checks.stream();
    expect(states().at(-1)).toEqual(['degraded', ['no_video', 'retention_unknown']]);
    up = false;
    await checks.reachability();
    expect(states().at(-1)?.[0]).toBe('offline');
    asked.length = 0;
    up = true;
    await checks.reachability();
    // online at once, not degraded on what the outage cut short until the next hourly run
    expect(states().at(-1)).toEqual(['online', []]);
    expect(asked.sort()).toEqual([
      `${ID2}:clock`,
      `${ID2}:retention`,
      `${ID2}:rtsp`,
      `${ID2}:session`,
      `${ID2}:stream`,
    ]);
    // run again, a real failure comes back (the stream check's, here)
    await checks.stream();
    expect(states().at(-1)).toEqual(['degraded', ['no_video']]);
    checks.stop();
  });
});
