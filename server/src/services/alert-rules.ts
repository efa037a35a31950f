import type { AlertingConfig, AlertRule, CentreStatus, Reason, Severity } from '@kuzet/protocol';

export interface EffectiveRule {
  enabled: boolean;
  severity: Severity;
  openAfterSeconds: number;
  resolveAfterSeconds: number;
  reopenWithinMinutes: number;
}

/**
 * Defaults. Offline and picture rules wait before they open (the agent reports a single failed check; three
 * checks ≈ 30 s) and before they resolve (a camera flapping faster than that keeps one alert open and counts
 * repeats instead of paging again and again). link_down is already debounced by the server's link threshold.
 * A camera or link that fails again within an hour of its alert resolving by itself reopens that alert: a camera
 * whose picture goes black every twenty minutes is one alert with its episodes, not one more alert each time.
 */
export const RULE_DEFAULTS: Record<AlertRule, EffectiveRule> = {
  camera_offline: {
    enabled: true,
    severity: 'critical',
    openAfterSeconds: 30,
    resolveAfterSeconds: 30,
    reopenWithinMinutes: 60,
  },
  stream_down: {
    enabled: true,
    severity: 'major',
    openAfterSeconds: 30,
    resolveAfterSeconds: 30,
    reopenWithinMinutes: 60,
  },
  picture_bad: {
    enabled: true,
    severity: 'major',
    openAfterSeconds: 30,
    resolveAfterSeconds: 30,
    reopenWithinMinutes: 60,
  },
  // retired (RETIRED_RULES): kept for the alerts stored before, which resolve like any other
  resolution_low: {
    enabled: true,
    severity: 'minor',
    openAfterSeconds: 0,
    resolveAfterSeconds: 60,
    reopenWithinMinutes: 0,
  },
  retention_short: {
    enabled: true,
    severity: 'major',
    openAfterSeconds: 0,
    resolveAfterSeconds: 60,
    reopenWithinMinutes: 0,
  },
  recording_gap: {
    enabled: true,
    severity: 'minor',
    openAfterSeconds: 0,
    resolveAfterSeconds: 60,
    reopenWithinMinutes: 0,
  },
  clock_drift: {
    enabled: true,
    severity: 'minor',
    openAfterSeconds: 0,
    resolveAfterSeconds: 60,
    reopenWithinMinutes: 0,
  },
  link_down: {
    enabled: true,
    severity: 'critical',
    openAfterSeconds: 0,
    resolveAfterSeconds: 0,
    reopenWithinMinutes: 60,
  },
  camera_gone: {
    enabled: true,
    severity: 'major',
    openAfterSeconds: 0,
    resolveAfterSeconds: 0,
    reopenWithinMinutes: 0,
  },
  camera_new: { enabled: true, severity: 'info', openAfterSeconds: 0, resolveAfterSeconds: 0, reopenWithinMinutes: 0 },
  camera_conflict: {
    enabled: true,
    severity: 'major',
    openAfterSeconds: 0,
    resolveAfterSeconds: 0,
    reopenWithinMinutes: 0,
  },
  // a school's verdict must hold this long before it pages (a camera rebooting is not a compliance finding)
  non_compliant: {
    enabled: true,
    severity: 'major',
    openAfterSeconds: 600,
    resolveAfterSeconds: 0,
    reopenWithinMinutes: 0,
  },
};

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
