import type { Profile, SchoolVerdict } from '@kuzet/protocol';
import type { RegistryRepository } from '../repositories/registry.ts';
import type { AlertService } from './alerts.ts';
import type { ComplianceService, VerdictChange } from './compliance.ts';

/** The compliance alert's text: what fails, with the profile's numbers. */
export function complianceDetail(v: SchoolVerdict, p: Profile, version: number): string {
  const f = v.failing;
  const parts: string[] = [];
  const n = (k: keyof typeof f) => f[k] ?? 0;
  if (n('no_signal') + n('link_down')) parts.push(`no signal to the RRC: ${n('no_signal') + n('link_down')}`);
  if (n('retention_short')) parts.push(`recording days under ${p.minRetentionDays}: ${n('retention_short')}`);
  if (n('retention_unknown')) parts.push(`recording days unknown: ${n('retention_unknown')}`);
  if (n('recording_gaps'))
    parts.push(`gaps over ${p.maxGapMinutes} min in ${p.gapWindowDays} days: ${n('recording_gaps')}`);
  if (n('resolution_below_required'))
    parts.push(`resolution under ${p.minWidth}×${p.minHeight}: ${n('resolution_below_required')}`);
  if (n('fps_below_required')) parts.push(`frame rate under ${p.minFps} fps: ${n('fps_below_required')}`);
  if (n('resolution_unknown')) parts.push(`resolution not measured yet: ${n('resolution_unknown')}`);
  if (n('clock_drift')) parts.push(`clock off by more than ${p.maxClockDriftSeconds} s: ${n('clock_drift')}`);
  if (n('forbidden_zone')) parts.push(`in a forbidden place: ${n('forbidden_zone')}`);
  const cams = parts.length ? `cameras failing — ${parts.join('; ')}` : '';
  const zones = v.zones.filter((z) => !z.ok).map((z) => `${z.zone} (${z.compliant} of ${z.required} compliant)`);
  const school = [
    ...(v.reasons.includes('too_few_cameras') ? [`${v.cameras.present} of ${v.cameras.required} cameras`] : []),
    ...(zones.length ? [`zones not watched: ${zones.join(', ')}`] : []),
  ];
  return [`profile ${p.name} v${version}`, cams, ...school].filter(Boolean).join('. ').slice(0, 500);
}

/**
 * The `non_compliant` alert of a school: raised when a covered school's verdict has failed for the rule's debounce
 * (`openAfterSeconds`, default 10 min), with what fails and the profile's numbers; resolved as soon as the school
 * complies (or is no longer covered: that is the akimat's coverage figure, not an operator's incident).
 */
export class ComplianceAlerts {
  constructor(
    private readonly compliance: ComplianceService,
    private readonly alerts: AlertService,
    private readonly registry: RegistryRepository,
  ) {}

  async sweep(now = Date.now()): Promise<number> {
    let raised = 0;
    const ids = await this.compliance.pendingSince(now);
    if (!ids.length) return 0;
    const doc = await this.compliance.current();
    for (const s of await this.registry.schools(ids)) {
      const place = { schoolId: s.id, districtId: s.districtId, regionCode: s.regionCode };
      const rule = this.alerts.rule('non_compliant', place);
      const since = await this.compliance.pendingScore(s.id);
      if (since === undefined || now - since < rule.openAfterSeconds * 1000) continue;
      const v = await this.compliance.verdict(s.id);
      if (!v || v.compliant || !v.covered) continue;
      const detail = complianceDetail(v, await this.compliance.profileOf(s), doc.version);
      // already open: it says what fails now
      if (await this.alerts.isOpen('non_compliant', s.id))
        await this.alerts.updateDetail('non_compliant', s.id, detail);
      else {
        await this.alerts.raiseSchool('non_compliant', place, new Date(now).toISOString(), detail);
        raised++;
      }
    }
    return raised;
  }

  /** Verdicts changed: a school that complies again (or is no longer covered) has its alert resolved. */
  async changed(changes: VerdictChange[]): Promise<void> {
    for (const c of changes)
      if (c.compliant || !c.covered)
        await this.alerts.clearSchool(
          'non_compliant',
          c.schoolId,
          c.compliant ? 'the school meets its requirements' : 'the school is not covered any more',
        );
  }
}
