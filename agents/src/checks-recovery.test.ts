import type { CameraIdentity } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { CameraChecks, type CheckContext } from './checks.ts';
import { parseConfig } from './config.ts';
import type { NvrIndex } from './nvr.ts';
import type { OnvifDevice } from './onvif/client.ts';
import { MemorySink, MessageFactory } from './output.ts';
import type { Scheduler } from './scheduler.ts';

const ID = 'cam-00000000000000e2';

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
    const sink = new MemorySink();
    const ctx = {
      config: parseConfig({ agentId: 'agent-r', credentials: [{ username: 'admin', password: 'camera-pass' }] }),
      scheduler: { runNow: (k: string) => asked.push(k), cancelPrefix: () => {} } as unknown as Scheduler,
      sink,
      messages: new MessageFactory('agent-r'),
      nvrs: { size: 0 } as unknown as NvrIndex,
      limits: {} as CheckContext['limits'],
      thresholds: () => ({ maxGapMinutes: 10, gapWindowDays: 7 }),
    } as CheckContext;
    // no media profile: its stream check fails (no_video) whenever it runs
    const identity = {
      cameraId: ID,
      media: [],
      recordingSearch: { kind: 'camera', xaddr: 'http://127.0.0.9/onvif/search' },
    } as unknown as CameraIdentity;
    const checks = new CameraChecks(identity, device, { username: 'u', password: 'p' }, ctx);
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
    expect(asked.sort()).toEqual([`${ID}:clock`, `${ID}:retention`, `${ID}:rtsp`, `${ID}:session`, `${ID}:stream`]);
    // run again, a real failure comes back (the stream check's, here)
    await checks.stream();
    expect(states().at(-1)).toEqual(['degraded', ['no_video']]);
    checks.stop();
  });
});
