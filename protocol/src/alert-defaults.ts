import type { AlertRule, Severity } from './alerts.ts';

/** A rule as it applies: the configuration's settings over these defaults (the server's effectiveRule). */
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
