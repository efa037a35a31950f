import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CameraIdentity } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { CheckMemory } from './check-memory.ts';
import { CameraChecks, type CheckContext } from './checks.ts';
import { parseConfig } from './config.ts';
import type { NvrIndex } from './nvr.ts';
import type { OnvifDevice } from './onvif/client.ts';
import { MemorySink, MessageFactory } from './output.ts';
import type { Scheduler } from './scheduler.ts';

const ID = 'cam-00000000000000f1';
const AGES = { stream: 1_800_000, retention: 7_200_000 };
const fileIn = () => join(mkdtempSync(join(tmpdir(), 'kuzet-checks-')), 'checks.json');

describe('the deep checks remembered across a restart', () => {
  it('believes a failure for its age, forgets it when told, drops what is too old when read', () => {
    const file = fileIn();
    const t0 = Date.now();
    const a = new CheckMemory(file, AGES, 0);
    a.remember(ID, 'stream', ['black_picture'], t0);
    a.remember(ID, 'retention', [], t0);
    a.remember(ID, 'rtsp', ['rtsp_down'], t0); // a quick tier: run again within seconds, not kept
    a.flush();
    const b = new CheckMemory(file, AGES);
    expect(b.recall(ID, t0 + 60_000)).toEqual([['stream', ['black_picture']]]);
    expect(b.recall(ID, t0 + 1_800_001)).toEqual([]); // older than twice the stream's interval
    b.forget(ID, 'stream');
    b.flush();
    expect(new CheckMemory(file, AGES).recall(ID, t0 + 60_000)).toEqual([]);
    // a result from before the ages allowed is not even read back
    writeFileSync(file, JSON.stringify({ [ID]: { stream: { reasons: ['covered_picture'], at: t0 - 3_600_000 } } }));
    const c = new CheckMemory(file, AGES, 0);
    c.remember('cam-00000000000000f2', 'stream', [], t0);
    c.flush();
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).toEqual(['cam-00000000000000f2']);
  });

  it('starts knowing nothing from a damaged or missing file, and never throws', () => {
    const file = fileIn();
    writeFileSync(file, '{"cam-1": {"stream": {"reasons": ["not_a_reason"], "at": 1}}');
    expect(new CheckMemory(file, AGES).recall('cam-1')).toEqual([]);
    const none = new CheckMemory(join(file, 'no', 'such', 'dir'), AGES, 0);
    none.remember(ID, 'stream', ['black_picture']);
    none.flush(); // a write that fails is ignored
    expect(none.recall(ID)).toEqual([['stream', ['black_picture']]]);
  });

  it("a camera's checks start from it: reachable again after a restart, a black picture is still reported", () => {
    const memory = new CheckMemory(undefined, AGES);
    memory.remember(ID, 'stream', ['black_picture']);
    const ctx = {
      config: parseConfig({ agentId: 'agent-m', credentials: [{ username: 'admin', password: 'camera-pass' }] }),
      scheduler: { runNow: () => {}, cancelPrefix: () => {} } as unknown as Scheduler,
      sink: new MemorySink(),
      messages: new MessageFactory('agent-m'),
      nvrs: { size: 0 } as unknown as NvrIndex,
      limits: {} as CheckContext['limits'],
      thresholds: () => undefined,
      memory,
    } as CheckContext;
    const checks = new CameraChecks(
      { cameraId: ID } as CameraIdentity,
      {} as OnvifDevice,
      { username: 'u', password: 'p' },
      ctx,
    );
    checks.tracker.update('reachability', []);
    expect(checks.tracker.snapshot()).toMatchObject({ status: 'degraded', reasons: ['black_picture'] });
  });
});
