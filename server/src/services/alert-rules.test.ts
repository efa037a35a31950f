import { readFileSync } from 'node:fs';
import { AlertingConfig, RETIRED_RULES, RULE_DEFAULTS } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { cameraRules, effectiveRule } from './alert-rules.ts';

describe('alert rules', () => {
  it('the example and demo configurations are valid (people, SLAs and contacts included)', () => {
    for (const f of ['config/alerting.example.json', 'config/demo/alerting.json']) {
      const cfg = AlertingConfig.parse(JSON.parse(readFileSync(new URL(`../../../${f}`, import.meta.url), 'utf8')));
      expect(Object.keys(cfg.contacts).length).toBeGreaterThan(0);
    }
    const ex = AlertingConfig.parse(
      JSON.parse(readFileSync(new URL('../../../config/alerting.example.json', import.meta.url), 'utf8')),
    );
    expect(ex.people['op-almaty-1']).toEqual([{ channel: 'telegram', chatId: '123456789' }]);
  });

  it('maps status and reasons to rules; link down and unknown raise none for the camera', () => {
    expect([...cameraRules('degraded', ['blurred_picture'])]).toEqual(['picture_bad']);
    expect([...cameraRules('degraded', ['covered_picture'])]).toEqual(['picture_bad']);
    expect([...cameraRules('degraded', ['scene_changed'])]).toEqual(['picture_bad']);
    expect([...cameraRules('offline', ['unreachable'])]).toEqual(['camera_offline']);
    expect([...cameraRules('degraded', ['rtsp_down', 'clock_drift'])]).toEqual(['stream_down']);
    // requirements are the school's non_compliant alert, never a camera rule (whatever a status carried)
    expect([
      ...cameraRules('degraded', ['frozen_picture', 'fps_below_required', 'retention_short', 'recording_gaps']),
    ]).toEqual(['picture_bad']);
    expect(cameraRules('link_down', ['retention_short']).size).toBe(0);
    expect(cameraRules('online', []).size).toBe(0);
  });

  it('applies global, region and school overrides in that order', () => {
    const cfg = AlertingConfig.parse({
      rules: { camera_offline: { openAfterSeconds: 10 } },
      regions: { 'KZ-75': { rules: { camera_offline: { severity: 'major', openAfterSeconds: 5 } } } },
      schools: { S1: { rules: { camera_offline: { enabled: false } } } },
    });
    expect(effectiveRule(cfg, 'camera_offline', 'KZ-71', 'S9')).toMatchObject({
      severity: 'critical',
      openAfterSeconds: 10,
    });
    expect(effectiveRule(cfg, 'camera_offline', 'KZ-75', 'S9')).toMatchObject({
      severity: 'major',
      openAfterSeconds: 5,
      enabled: true,
    });
    expect(effectiveRule(cfg, 'camera_offline', 'KZ-75', 'S1').enabled).toBe(false);
    expect(effectiveRule(cfg, 'stream_down', 'KZ-75', 'S1')).toMatchObject({
      severity: 'major',
      resolveAfterSeconds: 30,
    });
  });

  it('refuses settings for a retired requirement rule, saying where and what to configure instead', () => {
    const r = AlertingConfig.safeParse({
      rules: { retention_short: { severity: 'critical' } },
      regions: { 'KZ-75': { rules: { clock_drift: { enabled: false } } } },
      schools: { S1: { rules: { resolution_low: { enabled: false }, picture_bad: { enabled: false } } } },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual([
      'rules.retention_short',
      'regions.KZ-75.rules.clock_drift',
      'schools.S1.rules.resolution_low',
    ]);
    expect(r.error!.issues[0]!.message).toMatch(/non_compliant/);
    for (const rule of RETIRED_RULES) expect(RULE_DEFAULTS[rule]).toBeDefined();
  });
});
