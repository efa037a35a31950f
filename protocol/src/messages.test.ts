import { describe, expect, it } from 'vitest';
import { AgentMessage, PROTOCOL_VERSION } from './index.ts';

const base = { v: PROTOCOL_VERSION, agentId: 'school-1', at: '2026-11-23T10:00:00.000Z' };

describe('agent message contract', () => {
  it('accepts a valid health sample and state', () => {
    const health = {
      ...base,
      type: 'health',
      sample: {
        cameraId: 'cam-0123456789abcdef',
        at: base.at,
        tier: 'rtsp',
        ok: false,
        reasons: ['rtsp_down'],
        latencyMs: 12,
      },
    };
    expect(AgentMessage.parse(health)).toEqual(health);
    const state = {
      ...base,
      type: 'state',
      state: {
        cameraId: 'cam-0123456789abcdef',
        at: base.at,
        status: 'degraded',
        reasons: ['black_picture'],
        since: base.at,
      },
    };
    expect(AgentMessage.safeParse(state).success).toBe(true);
  });

  it('rejects unknown versions, types, reasons and malformed ids', () => {
    expect(
      AgentMessage.safeParse({
        ...base,
        v: 2,
        type: 'heartbeat',
        uptimeSeconds: 1,
        cameras: 0,
        checksInFlight: 0,
        rssMb: 1,
      }).success,
    ).toBe(false);
    expect(AgentMessage.safeParse({ ...base, type: 'teleport' }).success).toBe(false);
    const sample = { cameraId: 'cam-0123456789abcdef', at: base.at, tier: 'rtsp', ok: false, reasons: ['gremlins'] };
    expect(AgentMessage.safeParse({ ...base, type: 'health', sample }).success).toBe(false);
    expect(AgentMessage.safeParse({ ...base, type: 'camera_gone', cameraId: '10.0.0.5', how: 'bye' }).success).toBe(
      false,
    );
  });

  it('knows retention as known or unknown, never in between', () => {
    const unknown = { state: 'unknown', cameraId: 'cam-0123456789abcdef', at: base.at, reason: 'no recording search' };
    expect(AgentMessage.safeParse({ ...base, type: 'retention', report: unknown }).success).toBe(true);
    expect(AgentMessage.safeParse({ ...base, type: 'retention', report: { ...unknown, reason: '' } }).success).toBe(
      false,
    );
    expect(AgentMessage.safeParse({ ...base, type: 'retention', report: { ...unknown, state: 'known' } }).success).toBe(
      false,
    );
  });
});
