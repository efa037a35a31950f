import {
  type AlertingConfig,
  type AlertRule,
  type CentreStatus,
  type EffectiveRule,
  type Reason,
  RULE_DEFAULTS,
} from '@kuzet/protocol';

/** The camera rules a camera's current status and reasons raise (link_down raises none: the school's alert does). */
export function cameraRules(status: CentreStatus, reasons: Reason[]): Set<AlertRule> {
  const out = new Set<AlertRule>();
  if (status === 'link_down' || status === 'unknown') return out;
  if (status === 'offline') out.add('camera_offline');
  const has = (...r: Reason[]) => r.some((x) => reasons.includes(x));
  if (status !== 'offline') {
    if (has('rtsp_down', 'no_video')) out.add('stream_down');
    if (has('black_picture', 'frozen_picture', 'blurred_picture', 'covered_picture', 'scene_changed'))
      out.add('picture_bad');
  }
  // requirements (resolution, recording days, gaps, clock) are judged per school: non_compliant (RETIRED_RULES)
  return out;
}

/**
 * Rules whose alert the camera's state decides (opens and resolves); the others are events. The retired ones are
 * never raised again: an alert of theirs stored before resolves at the camera's next change.
 */
export const CAMERA_STATE_RULES: AlertRule[] = [
  'camera_offline',
  'stream_down',
  'picture_bad',
  'resolution_low',
  'retention_short',
  'recording_gap',
  'clock_drift',
];

/** Settings of a rule for a school: defaults, then the configuration's global, region and school overrides. */
export function effectiveRule(
  cfg: AlertingConfig,
  rule: AlertRule,
  regionCode: string,
  schoolId: string,
): EffectiveRule {
  return {
    ...RULE_DEFAULTS[rule],
    ...strip(cfg.rules[rule]),
    ...strip(cfg.regions[regionCode]?.rules[rule]),
    ...strip(cfg.schools[schoolId]?.rules[rule]),
  };
}

function strip<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
