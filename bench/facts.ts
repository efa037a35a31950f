import { type Fleet, log, sleep } from './fleet.ts';

/**
 * Every camera of the fleet gets its facts through the real agent link: a state (online), a stream measurement
 * (every seventh 1280×720, the rest 1920×1080, 15 fps), a retention report (a quarter with 20 days, the rest 35) and
 * a clock reading (0.4 s: a fleet in its steady state has read every clock before).
 * Resolves when every batch is acknowledged.
 */
export async function storeFacts(fleet: Fleet): Promise<void> {
  const { sims, send } = fleet;
  // every camera: its state, a measurement of its stream, a retention report (a quarter short of 30 days)
  const at = new Date().toISOString();
  for (const sim of sims) {
    const m = (x: object) => ({ v: 1, agentId: sim.agentId, at, ...x });
    send(
      sim,
      sim.cams.flatMap((c, i) => [
        m({ type: 'state', state: { cameraId: c, at, status: 'online', reasons: [], since: at } }),
        m({
          type: 'stream',
          measurement: {
            cameraId: c,
            at,
            profileToken: 'main',
            codec: 'h264',
            width: i % 7 === 0 ? 1280 : 1920,
            height: i % 7 === 0 ? 720 : 1080,
            fps: 15,
            durationMs: 5000,
          },
        }),
        m({
          type: 'retention',
          report: {
            state: 'known',
            cameraId: c,
            at,
            source: 'camera',
            recordingToken: 'r',
            oldest: at,
            newest: at,
            retainedDays: i % 4 === 0 ? 20 : 35,
            gaps: [],
            gapWindowDays: 7,
          },
        }),
        m({ type: 'clock', reading: { cameraId: c, at, driftSeconds: 0.4 } }),
      ]),
    );
  }
  for (let i = 0; i < 3000 && fleet.unacked() > 0; i++) {
    await sleep(100);
    if (i % 100 === 99) log(`unacked ${fleet.unacked()}, errors ${JSON.stringify([...fleet.errors])}`);
  }
  log(
    `facts of ${fleet.camNo} cameras stored (unacked ${fleet.unacked()}, errors ${JSON.stringify([...fleet.errors])})`,
  );
}
