import {
  type AlertingConfig,
  AlertRule,
  type EffectiveRule,
  RETIRED_RULES,
  type Region,
  RULE_DEFAULTS,
  Severity,
} from '@kuzet/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { placeName } from '../lib/names.ts';
import { EVERYWHERE } from './ContactsEditor.tsx';

type Settings = NonNullable<AlertingConfig['rules'][AlertRule]>;
type Draft = (f: (d: AlertingConfig) => AlertingConfig) => void;
const RULES = AlertRule.options.filter((r) => !RETIRED_RULES.includes(r));
const NUMBERS = ['openAfterSeconds', 'resolveAfterSeconds', 'reopenWithinMinutes'] as const;

const num = (v: string) => (v === '' ? undefined : Number(v));

/** Escalation times and the acknowledgement deadlines per severity. */
export function EscalationEditor({ draft, setDraft }: { draft: AlertingConfig; setDraft: Draft }) {
  const { t } = useTranslation();
  const esc = draft.escalation;
  const setAfter = (i: 0 | 1, v: string) =>
    setDraft((d) => {
      const a: (number | undefined)[] = [d.escalation.afterMinutes[0], d.escalation.afterMinutes[1]];
      a[i] = num(v);
      // a level is reached only through the one before it
      const afterMinutes = a[0] === undefined ? [] : a[1] === undefined ? [a[0]] : [a[0], a[1]];
      return { ...d, escalation: { ...d.escalation, afterMinutes } };
    });
  const setEsc = (k: 'renotifyMinutes' | 'maxRenotify', v: string) =>
    setDraft((d) => ({ ...d, escalation: { ...d.escalation, [k]: v === '' ? 0 : Number(v) } }));
  return (
    <div data-testid="alerting-escalation">
      <h3>{t('alerting.escalation')}</h3>
      <p className="muted small">{t('alerting.escalationHint')}</p>
      <div className="inline-form">
        {([0, 1] as const).map((i) => (
          <label key={i}>
            {t(i === 0 ? 'alerting.afterDuty' : 'alerting.afterAkimat')}
            <input
              type="number"
              min="0.1"
              step="any"
              className="narrow"
              name={`after-${i + 1}`}
              value={esc.afterMinutes[i] ?? ''}
              onChange={(e) => setAfter(i, e.target.value)}
            />
          </label>
        ))}
        <label>
          {t('alerting.renotify')}
          <input
            type="number"
            min="0"
            className="narrow"
            name="renotify"
            value={esc.renotifyMinutes}
            onChange={(e) => setEsc('renotifyMinutes', e.target.value)}
          />
        </label>
        <label>
          {t('alerting.maxRenotify')}
          <input
            type="number"
            min="0"
            step="1"
            className="narrow"
            name="max-renotify"
            value={esc.maxRenotify}
            onChange={(e) => setEsc('maxRenotify', e.target.value)}
          />
        </label>
      </div>
      <h3>{t('alerting.sla')}</h3>
      <div className="inline-form">
        {Severity.options.map((s) => (
          <label key={s}>
            {t(`alerts.sev.${s}`)}
            <input
              type="number"
              min="1"
              className="narrow"
              name={`sla-${s}`}
              value={Number.isNaN(draft.ackSlaMinutes[s]) ? '' : draft.ackSlaMinutes[s]}
              onChange={(e) =>
                setDraft((d) => ({
                  ...d,
                  ackSlaMinutes: {
                    ...d.ackSlaMinutes,
                    [s]: e.target.value === '' ? Number.NaN : Number(e.target.value),
                  },
                }))
              }
            />
          </label>
        ))}
      </div>
    </div>
  );
}

/** The rules' settings everywhere, or one region's or school's own (an empty field: what applies above it). */
export function AlertRulesEditor({
  draft,
  setDraft,
  regions,
}: {
  draft: AlertingConfig;
  setDraft: Draft;
  regions: Region[];
}) {
  const { t, i18n } = useTranslation();
  const [scope, setScope] = useState(EVERYWHERE);
  const [school, setSchool] = useState('');
  const kind = scope === EVERYWHERE ? 'all' : scope.startsWith('school:') ? 'schools' : 'regions';
  const id = scope.replace(/^school:/, '');
  const own = (d: AlertingConfig) =>
    kind === 'all' ? d.rules : kind === 'schools' ? (d.schools[id]?.rules ?? {}) : (d.regions[id]?.rules ?? {});
  const inherited = (rule: AlertRule): EffectiveRule => ({
    ...RULE_DEFAULTS[rule],
    ...(kind === 'all' ? {} : draft.rules[rule]),
  });
  const setRule = (rule: AlertRule, change: Partial<Settings>) =>
    setDraft((d) => {
      const base = own(d)[rule] ?? { enabled: inherited(rule).enabled };
      const next = { ...base, ...change } as Settings;
      for (const k of Object.keys(next) as (keyof Settings)[]) if (next[k] === undefined) delete next[k];
      const rules = { ...own(d), [rule]: next };
      if (kind === 'all') return { ...d, rules };
      // a school's entry keeps its own contacts (SchoolContactsPanel)
      return { ...d, [kind]: { ...d[kind], [id]: { ...d[kind][id], rules } } };
    });
  const clearRule = (rule: AlertRule) =>
    setDraft((d) => {
      const rules = { ...own(d) };
      delete rules[rule];
      if (kind === 'all') return { ...d, rules };
      const map: Record<string, { rules: typeof rules; contacts?: unknown[] }> = { ...d[kind] };
      const contacts = map[id]?.contacts ?? [];
      if (Object.keys(rules).length || contacts.length) map[id] = { ...map[id], rules };
      else delete map[id];
      return { ...d, [kind]: map };
    });
  const schools = Object.keys(draft.schools).sort();
  const overridden = (code: string) => Object.keys(draft.regions[code]?.rules ?? {}).length > 0;
  return (
    <div data-testid="alerting-rules">
      <div className="inline-form">
        <label>
          {t('alerting.scope')}
          <select name="scope" value={scope} onChange={(e) => setScope(e.target.value)}>
            <option value={EVERYWHERE}>{t('alerting.everywhere')}</option>
            {regions.map((r) => (
              <option key={r.code} value={r.code}>
                {placeName(r, i18n.language)} ({r.code}){overridden(r.code) ? ' ✓' : ''}
              </option>
            ))}
            {[...new Set([...schools, ...(kind === 'schools' ? [id] : [])])].map((s) => (
              <option key={s} value={`school:${s}`}>
                {t('alerting.schoolScope', { id: s })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alerting.schoolId')}
          <input name="school-scope" value={school} onChange={(e) => setSchool(e.target.value.trim())} />
        </label>
        <button type="button" className="secondary" disabled={!school} onClick={() => setScope(`school:${school}`)}>
          {t('alerting.ownRules')}
        </button>
      </div>
      <p className="muted small">{t(kind === 'all' ? 'alerting.rulesHint' : 'alerting.overridesHint')}</p>
      <div className="table-scroll">
        <table className="cams">
          <thead>
            <tr>
              <th scope="col">{t('alerting.rule')}</th>
              <th scope="col">{t('alerting.enabled')}</th>
              <th scope="col">{t('alerting.severity')}</th>
              {NUMBERS.map((k) => (
                <th key={k} scope="col">
                  {t(`alerting.${k}`)}
                </th>
              ))}
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {RULES.map((rule) => {
              const s = own(draft)[rule];
              const up = inherited(rule);
              return (
                <tr key={rule} data-rule={rule} className={s ? 'own-setting' : undefined}>
                  <th scope="row">
                    {t(`alerts.rule.${rule}`)} <span className="muted small">{rule}</span>
                  </th>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${rule}: ${t('alerting.enabled')}`}
                      checked={s?.enabled ?? up.enabled}
                      onChange={(e) => setRule(rule, { enabled: e.target.checked })}
                    />
                  </td>
                  <td>
                    <select
                      aria-label={`${rule}: ${t('alerting.severity')}`}
                      value={s?.severity ?? ''}
                      onChange={(e) =>
                        setRule(rule, { severity: (e.target.value || undefined) as Severity | undefined })
                      }
                    >
                      <option value="">({t(`alerts.sev.${up.severity}`)})</option>
                      {Severity.options.map((v) => (
                        <option key={v} value={v}>
                          {t(`alerts.sev.${v}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  {NUMBERS.map((k) => (
                    <td key={k}>
                      <input
                        type="number"
                        min="0"
                        step="any"
                        className="narrow"
                        aria-label={`${rule}: ${t(`alerting.${k}`)}`}
                        placeholder={String(up[k])}
                        value={s?.[k] ?? ''}
                        onChange={(e) => setRule(rule, { [k]: num(e.target.value) })}
                      />
                    </td>
                  ))}
                  <td>
                    {s && (
                      <button type="button" className="secondary small-button" onClick={() => clearRule(rule)}>
                        {t(kind === 'all' ? 'alerting.toDefault' : 'alerting.inherit')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
