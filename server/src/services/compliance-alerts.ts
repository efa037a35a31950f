import { EVENT_TEXTS } from '@kuzet/protocol';
import type { RegistryRepository } from '../repositories/registry.ts';
import type { AlertService } from './alerts.ts';
import type { ComplianceService, VerdictChange } from './compliance.ts';
import { complianceDetails } from './compliance-detail.ts';

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
      const detail = complianceDetails(v, await this.compliance.profileOf(s), doc);
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
          c.compliant ? EVENT_TEXTS.compliant.en : EVENT_TEXTS.notCovered.en,
        );
  }
}
