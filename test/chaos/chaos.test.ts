import { describe, expect, it } from 'vitest';
import { cameraAnswers, malformedFrames, restFuzz } from './fuzz.ts';
import { SIZES } from './run.ts';
import { instanceKilled, linkOutage, redisRestarts, reenrolledAndForeign, serverKills } from './scenarios.ts';

/** The chaos and fuzz probe, short (`npm run chaos` runs it at full size and records the figures). */
const z = SIZES.short;

describe('chaos: nothing lost or duplicated, nothing crashes, no 5xx', () => {
  it('server killed with SIGKILL under load', async () => {
    const r = await serverKills(z.kills);
    expect(r.messages).toBeGreaterThan(500);
    expect([r.lost, r.duplicated]).toEqual([0, 0]);
  }, 180_000);

  it('Redis stopped and killed under load (append-only file)', async () => {
    const r = await redisRestarts(z.redis);
    expect(r.messages).toBeGreaterThan(300);
    expect([r.lost, r.duplicated]).toEqual([0, 0]);
  }, 240_000);

  it('one of two instances killed: agents move over, no link_down', async () => {
    const r = await instanceKilled(z.instance);
    expect([r.lost, r.duplicated, r.linkDownAlerts]).toEqual([0, 0, 0]);
  }, 180_000);

  it('a reinstalled agent is stored; another school cannot report its cameras', async () => {
    const r = await reenrolledAndForeign(z.reenrol);
    expect([r.lost, r.duplicated]).toEqual([0, 0]);
    expect(r.foreignSent).toBeGreaterThan(10);
    expect([r.foreignStored, r.camerasMoved, r.rollupDrift]).toEqual([0, 0, 0]);
    expect(r.quarantined).toBeGreaterThan(0);
  }, 180_000);

  it('malformed agent frames', async () => {
    const r = await malformedFrames(z.frames);
    expect([r.lost, r.duplicated, r.crashes]).toEqual([0, 0, 0]);
    expect(r.malformedSent).toBeGreaterThanOrEqual(z.frames.frames);
  }, 180_000);

  it('mutated REST requests over every route: 4xx, never 5xx', async () => {
    const r = await restFuzz(z.rest);
    expect(r.answers5xx, String(r.first5xx)).toBe(0);
  }, 180_000);

  it("mutated camera answers: clear errors, never a crash of the agent's client", async () => {
    const r = await cameraAnswers(z.answers);
    expect(r.crashes, String(r.firstCrash)).toBe(0);
  }, 180_000);

  it("a real agent's link outage: nothing lost, the episode in the history when it happened", async () => {
    const r = await linkOutage(z.outage);
    expect([r.lost, r.pendingLeft, r.linkDownAlerts]).toEqual([0, 0, 0]);
    expect(r.offlineStartErrorS).toBeGreaterThanOrEqual(0);
    expect(r.offlineStartErrorS).toBeLessThan(8);
    expect(r.offlineLengthErrorS).toBeGreaterThanOrEqual(0);
    expect(r.offlineLengthErrorS).toBeLessThan(8);
  }, 300_000);
});
