import { Agent, MemorySink } from '@kuzet/agent';
import type { AgentMessage, CameraState, Reason } from '@kuzet/protocol';
import type { SimCameraConfigInput, Simulator } from '@kuzet/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentConfig, freePortRange, runTag, startSimulator, waitFor } from '../helpers.ts';

type CamSpec = Partial<SimCameraConfigInput> & { name: string };

const SPECS: CamSpec[] = [
  { name: 'healthy' },
  { name: 'black', faults: { picture: 'black' } },
  { name: 'frozen', faults: { picture: 'frozen' } },
  { name: 'blurred', faults: { picture: 'blurred' } },
  { name: 'covered', faults: { picture: 'covered' } },
  { name: 'lowres', width: 1280, height: 720, faults: { streamWidth: 640, streamHeight: 360 } },
  { name: 'lowfps', faults: { streamFps: 5 } },
  { name: 'shortret', faults: { retentionDays: 7 } },
  { name: 'gappy', recording: { on: 'camera', days: 30, gaps: [{ startHoursAgo: 30, hours: 2 }] } },
  { name: 'nvrcam', personality: 'dahuan', recording: { on: 'nvr', days: 45, gaps: [] } },
  { name: 'nosearch', personality: 'dahuan', recording: { on: 'none', days: 0, gaps: [] } },
  { name: 'skewed', personality: 'budgetcam', faults: { clockDriftSeconds: 90 } },
  { name: 'off' },
  { name: 'rtspdown' },
  { name: 'drift' },
  { name: 'pw' },
  { name: 'slow' },
  { name: 'xml' },
  { name: 'endless' },
];

describe('every injected fault shows up in the agent reports with the right reason', () => {
  let sim: Simulator;
  let agent: Agent;
  const sink = new MemorySink();
  const ids = new Map<string, string>();
  const tag = runTag();

  const state = (name: string): CameraState | undefined => {
    const id = ids.get(name);
    const all = sink.messages.filter(
      (m): m is Extract<AgentMessage, { type: 'state' }> => m.type === 'state' && m.state.cameraId === id,
    );
    return all.at(-1)?.state;
  };
  const reasonsOf = (name: string) => state(name)?.reasons ?? [];
  const waitReasons = (name: string, want: Reason[], timeoutMs = 40_000) =>
    waitFor(
      () => want.every((r) => reasonsOf(name).includes(r)) || undefined,
      timeoutMs,
      `${name} to report ${want.join(',')} (has ${reasonsOf(name).join(',')})`,
    );
  const waitStatus = (name: string, status: CameraState['status'], timeoutMs = 40_000) =>
    waitFor(
      () => state(name)?.status === status || undefined,
      timeoutMs,
      `${name} to be ${status} (is ${state(name)?.status} ${reasonsOf(name).join(',')})`,
    );

  beforeAll(async () => {
    const base = await freePortRange(2 * SPECS.length + 2);
    const cameras = SPECS.map((s, i) => ({
      personality: 'hikvista' as const,
      serial: `${tag}-${s.name}`,
      onvifPort: base + 2 * i,
      rtspPort: base + 2 * i + 1,
      password: 'camera-pass',
      width: 640,
      height: 360,
      fps: 15,
      ...s,
    }));
    const nvr = {
      name: 'nvr',
      serial: `${tag}-NVR`,
      onvifPort: base + 2 * SPECS.length,
      password: 'nvr-pass',
      cameras: ['nvrcam'],
    };
    sim = await startSimulator({ cameras, nvrs: [nvr], discoveryMaxDelayMs: 100 });
    agent = new Agent(
      agentConfig({
        nvrs: [
          { xaddr: `http://127.0.0.1:${nvr.onvifPort}/onvif/device_service`, username: 'admin', password: 'nvr-pass' },
        ],
        intervals: {
          reachabilitySeconds: 2,
          sessionSeconds: 3,
          rtspSeconds: 3,
          streamSeconds: 8,
          clockSeconds: 3,
          retentionSeconds: 6,
          stateSeconds: 30,
        },
        timeouts: { onvifMs: 1500, slowMs: 700, rtspMs: 3000, streamMs: 15_000 },
        concurrency: { stream: 4 },
        stream: { analyseSeconds: 3 },
      }),
      sink,
      undefined,
      undefined,
      // what the centre would send for the school's profile: gaps over 10 min, searched 31 days back
      { maxGapMinutes: 10, gapWindowDays: 31 },
    );
    await agent.start();
    for (const s of SPECS) {
      const m = sink.messages.find((x) => x.type === 'camera' && x.camera.serial === `${tag}-${s.name}`);
      if (m?.type === 'camera') ids.set(s.name, m.camera.cameraId);
    }
  });
  afterAll(async () => {
    await agent?.stop();
    await sim?.stop();
  });

  it('identified every camera, including the one with a skewed clock that checks UsernameToken time', () => {
    expect([...ids.keys()].sort()).toEqual(SPECS.map((s) => s.name).sort());
  });

  it('reports faults present at start: picture (black, frozen, blurred, covered), resolution, frame rate, retention, gaps', async () => {
    await Promise.all([
      waitReasons('black', ['black_picture']),
      waitReasons('frozen', ['frozen_picture']),
      waitReasons('blurred', ['blurred_picture']),
      waitReasons('covered', ['covered_picture']),
      waitReasons('lowres', ['resolution_below_configured']),
      waitReasons('lowfps', ['fps_below_configured']),
      waitReasons('nosearch', ['retention_unknown']),
    ]);
    expect(reasonsOf('frozen')).not.toContain('black_picture');
    // one picture finding each, with the measured values behind it
    expect(reasonsOf('covered').filter((r) => r.endsWith('_picture'))).toEqual(['covered_picture']);
    expect(reasonsOf('blurred').filter((r) => r.endsWith('_picture'))).toEqual(['blurred_picture']);
    const pic = (name: string) => {
      const m = sink.messages.findLast((x) => x.type === 'stream' && x.measurement.cameraId === ids.get(name));
      return m?.type === 'stream' ? m.measurement.picture : undefined;
    };
    expect(pic('blurred')?.blur).toBeGreaterThan(15);
    expect(pic('covered')?.contrast).toBeLessThan(24);
    // requirements are the centre's to judge: the agent reports the facts (retention_short, recording_gaps and
    // the like come from the server's verdicts, test/integration/compliance.test.ts)
    for (const n of ['shortret', 'gappy', 'lowfps', 'skewed'])
      expect(reasonsOf(n).filter((r) => /required|retention_short|recording_gaps|clock_drift/.test(r))).toEqual([]);
    const short = await waitFor(() => {
      const m = sink.messages.find(
        (x) => x.type === 'retention' && x.report.cameraId === ids.get('shortret') && x.report.state === 'known',
      );
      return m?.type === 'retention' && m.report.state === 'known' ? m.report : undefined;
    }, 40_000);
    expect(short.retainedDays).toBeCloseTo(7, 0);
    const gap = sink.messages.find(
      (m) => m.type === 'retention' && m.report.cameraId === ids.get('gappy') && m.report.state === 'known',
    );
    expect(gap?.type === 'retention' && gap.report.state === 'known' && gap.report.gaps.map((g) => g.seconds)).toEqual([
      7200,
    ]);
    const unknown = sink.messages.find((m) => m.type === 'retention' && m.report.cameraId === ids.get('nosearch'));
    expect(unknown?.type === 'retention' && unknown.report.state === 'unknown' && unknown.report.reason).toMatch(
      /offers no recording search and no configured NVR holds a recording/,
    );
  });

  it('measures the real stream of a healthy camera and finds nothing wrong', async () => {
    await waitFor(
      () =>
        sink.messages.some((m) => m.type === 'stream' && m.measurement.cameraId === ids.get('healthy')) || undefined,
      40_000,
      'a stream measurement',
    );
    const m = sink.messages.find((x) => x.type === 'stream' && x.measurement.cameraId === ids.get('healthy'));
    if (m?.type !== 'stream') throw new Error('no measurement');
    expect(m.measurement).toMatchObject({
      codec: 'h264',
      width: 640,
      height: 360,
      configured: { width: 640, height: 360, fps: 15 },
    });
    expect(m.measurement.fps).toBeGreaterThan(13);
    expect(m.measurement.fps).toBeLessThan(17);
    expect(m.measurement.bitrateKbps).toBeGreaterThan(50);
    expect(m.measurement.picture).toMatchObject({ black: false, frozen: false, blurred: false, covered: false });
    expect(m.measurement.picture?.blur).toBeLessThan(10); // the sharp test pattern: about 5
    expect(m.measurement.picture?.contrast).toBeGreaterThan(100);
    await waitStatus('healthy', 'online');
    expect(reasonsOf('skewed')).toEqual([]);
  });

  it('reads retention of a camera from the NVR that records it', async () => {
    const r = await waitFor(
      () => {
        const m = sink.messages.find(
          (x) => x.type === 'retention' && x.report.cameraId === ids.get('nvrcam') && x.report.state === 'known',
        );
        return m?.type === 'retention' && m.report.state === 'known' ? m.report : undefined;
      },
      40_000,
      'NVR retention',
    );
    expect(r.source).toBe('nvr');
    expect(r.retainedDays).toBeCloseTo(45, 1);
  });

  it('reports faults injected at run time, each with its reason', async () => {
    for (const n of ['off', 'rtspdown', 'drift', 'pw', 'slow', 'xml', 'endless']) await waitStatus(n, 'online');
    const rssBefore = process.memoryUsage().rss;
    const t0 = Date.now();
    await Promise.all([
      sim.setFaults('off', { offline: true }),
      sim.setFaults('rtspdown', { rtspDown: true }),
      sim.setFaults('drift', { clockDriftSeconds: 120 }),
      sim.setFaults('pw', { wrongPassword: true }),
      sim.setFaults('slow', { slowMs: 1000 }),
      sim.setFaults('xml', { malformedXml: true }),
      sim.setFaults('endless', { endlessBody: true }),
    ]);
    await waitStatus('off', 'offline', 15_000);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(reasonsOf('off')).toEqual(['unreachable']);
    await Promise.all([
      waitReasons('rtspdown', ['rtsp_down']),
      waitFor(
        () =>
          sink.messages.some(
            (m) =>
              m.type === 'clock' &&
              m.reading.cameraId === ids.get('drift') &&
              Math.abs(m.reading.driftSeconds - 120) < 2,
          ) || undefined,
        40_000,
        'the drift measured',
      ),
      waitReasons('pw', ['auth_failed']),
      waitReasons('slow', ['slow_response']),
      waitReasons('xml', ['onvif_error']),
      waitReasons('endless', ['onvif_error']),
    ]);
    // an answer that never ends is cut at the size limit: it costs the agent a few MB, not all its memory
    const cut = sink.messages.findLast(
      (m) =>
        m.type === 'health' && m.sample.cameraId === ids.get('endless') && m.sample.reasons.includes('onvif_error'),
    );
    expect(cut?.type === 'health' && cut.sample.detail).toMatch(/larger than/);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    expect(state('rtspdown')?.status).toBe('degraded');
    expect(state('xml')?.status).toBe('degraded');
    const clock = sink.messages.filter((m) => m.type === 'clock' && m.reading.cameraId === ids.get('drift')).at(-1);
    expect(clock?.type === 'clock' && Math.abs(clock.reading.driftSeconds - 120)).toBeLessThan(2);
    const bad = sink.messages
      .filter(
        (m) => m.type === 'health' && m.sample.cameraId === ids.get('xml') && m.sample.reasons.includes('onvif_error'),
      )
      .at(-1);
    expect(bad?.type === 'health' && bad.sample.detail).toMatch(/malformed XML/);
  });

  it('keeps checking every other camera and recovers when faults clear', async () => {
    const since = sink.messages.length;
    await waitFor(
      () =>
        sink.messages.slice(since).some((m) => m.type === 'health' && m.sample.cameraId === ids.get('healthy')) ||
        undefined,
      10_000,
    );
    const faulty = ['off', 'rtspdown', 'pw', 'slow', 'xml', 'drift', 'endless'];
    for (const n of faulty) await sim.setFaults(n, 'clear');
    await Promise.all(faulty.map((n) => waitStatus(n, 'online', 40_000)));
  });
});
