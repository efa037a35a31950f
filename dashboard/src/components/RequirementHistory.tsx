import {
  PROFILE_NUMBERS,
  type RequirementChange,
  type RequirementsDoc,
  type RequirementVersion,
  type Zone,
  zoneName,
} from '@kuzet/protocol';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { useRequirementsUpdates } from '../hooks/live.tsx';
import { useRegionNames } from '../hooks/region-names.ts';
import { useResource } from '../hooks/resource.ts';
import { formatDay, formatNumber } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';
import { Async } from './Async.tsx';
import { FoldedPanel, useRestore, VersionTable } from './VersionHistory.tsx';

type T = ReturnType<typeof useTranslation>['t'];

/** where the Compliance page shows the history (`/compliance#requirement-history` opens it) */
export const HISTORY_ANCHOR = 'requirement-history';

/**
 * The requirement history (admins, auditors): each version of the requirement document, when it came into force,
 * who stored it and what it changed — what an auditor reads an archived day's verdicts against (a drop in compliant
 * schools the day a stricter profile came in is not the cameras' doing). Each version can be opened; an admin can
 * bring one back as the next version. Folded: loaded when opened.
 */
export function RequirementHistory(p: { canRestore?: boolean; folded?: boolean; onRestored?: () => void }) {
  const { t } = useTranslation();
  return (
    <FoldedPanel title={t('reqHistory.title')} testid="requirement-history" anchor={HISTORY_ANCHOR} folded={p.folded}>
      {() => <History canRestore={p.canRestore} onRestored={p.onRestored} />}
    </FoldedPanel>
  );
}

function History({ canRestore, onRestored }: { canRestore?: boolean; onRestored?: () => void }) {
  const { t } = useTranslation();
  const history = useResource(() => api.requirementVersions(), [], false);
  // the zones' names in the reader's language (the document in force names every zone a change is likely to name)
  const doc = useResource(() => api.requirements(), [], false);
  useRequirementsUpdates(() => {
    history.reload();
    doc.reload();
  });
  const { status, run: restore } = useRestore(
    api.restoreRequirements,
    (n, v) => t('reqHistory.restoredNow', { n, v }),
    () => {
      history.reload();
      onRestored?.();
    },
  );
  return (
    <Async r={history}>
      {(h) => (
        <>
          <p className="muted small">{t('reqHistory.hint')}</p>
          <VersionTable
            versions={h.versions}
            current={h.current}
            changes={(v) => <Changes v={v} zones={doc.data?.zones ?? []} />}
            detail={(n) => <VersionDoc n={n} />}
            {...(canRestore
              ? {
                  restore: {
                    question: (n, v) => t('reqHistory.restoreQuestion', { n, v }),
                    run: restore,
                  },
                }
              : {})}
          />
          {status}
        </>
      )}
    </Async>
  );
}

function Changes({ v, zones }: { v: RequirementVersion; zones: Zone[] }) {
  const { t, i18n } = useTranslation();
  const regions = useRegionNames();
  if (!v.changes)
    return <span className="muted">{v.version === 1 ? t('versions.firstVersion') : t('versions.notCompared')}</span>;
  if (!v.changes.length) return <span className="muted">{t('versions.noChange')}</span>;
  const lang = i18n.language;
  const place = (scope: string, id: string) => {
    if (scope === 'country') return t('compliance.country');
    const r = scope === 'region' ? regions.get(id) : undefined;
    return r ? placeName(r, lang) : t(`reqHistory.scope.${scope}`, { id });
  };
  return (
    <ul className="req-changes">
      {v.changes.map((c) => (
        <li key={changeKey(c)}>{changeWords(c, t, lang, zones, place)}</li>
      ))}
      {v.more && <li className="muted">{t('reqHistory.more', { n: formatNumber(v.more, lang) })}</li>}
    </ul>
  );
}

/** a change's identity within its version (each place, profile field or zone changes once) */
function changeKey(c: RequirementChange): string {
  switch (c.kind) {
    case 'number':
      return `n:${c.profile}:${c.field}`;
    case 'required_zone':
      return `r:${c.profile}:${c.zone}`;
    case 'assigned':
    case 'deadline':
      return `${c.kind}:${c.scope}:${c.id}`;
    case 'zone':
      return `z:${c.zone}`;
    default:
      return `${c.kind}:${c.profile}`;
  }
}

/** One change in the reader's language: fields by their names in the editor, zones and regions by name. */
export function changeWords(
  c: RequirementChange,
  t: T,
  lang: string,
  zones: Zone[],
  place: (scope: string, id: string) => string,
): string {
  const zone = (id: string) => zoneName(zones, id, lang);
  switch (c.kind) {
    case 'profile_added':
    case 'profile_removed':
      return t(`reqHistory.${c.kind}`, { profile: c.profile });
    case 'number':
      return t('reqHistory.number', {
        profile: c.profile,
        field: t(`compliance.field.${c.field}`),
        from: formatNumber(c.from, lang),
        to: formatNumber(c.to, lang),
      });
    case 'required_zone':
      if (c.from === undefined)
        return t('reqHistory.zoneRequired', { profile: c.profile, zone: zone(c.zone), n: c.to });
      if (c.to === undefined) return t('reqHistory.zoneNotRequired', { profile: c.profile, zone: zone(c.zone) });
      return t('reqHistory.zoneCameras', { profile: c.profile, zone: zone(c.zone), from: c.from, to: c.to });
    case 'assigned':
      return t('reqHistory.assigned', {
        place: place(c.scope, c.id),
        from: c.from ?? t('reqHistory.inherited'),
        to: c.to ?? t('reqHistory.inherited'),
      });
    case 'deadline':
      return t('reqHistory.deadline', {
        place: place(c.scope, c.id),
        from: c.from ? formatDay(c.from, lang) : '—',
        to: c.to ? formatDay(c.to, lang) : '—',
      });
    case 'zone':
      return t(`reqHistory.zone_${c.change}`, { zone: zone(c.zone) });
  }
}

/** One version as it was: each profile's numbers and required zones, what each region was assigned, deadlines. */
function VersionDoc({ n }: { n: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const regions = useRegionNames();
  const doc = useResource(() => api.requirementVersion(n), [n], false);
  const region = (code: string) => {
    const r = regions.get(code);
    return r ? placeName(r, lang) : code;
  };
  return (
    <Async r={doc}>
      {(d: RequirementsDoc) => (
        <div className="req-version" data-testid={`requirements-v${n}`}>
          <div className="table-scroll">
            <table className="cams">
              <thead>
                <tr>
                  <th scope="col">{t('compliance.name')}</th>
                  {PROFILE_NUMBERS.map((k) => (
                    <th key={k} scope="col">
                      {t(`compliance.field.${k}`)}
                    </th>
                  ))}
                  <th scope="col">{t('reqHistory.requiredZones')}</th>
                </tr>
              </thead>
              <tbody>
                {d.profiles.map((p) => (
                  <tr key={p.name} data-profile={p.name}>
                    <th scope="row">{p.name}</th>
                    {PROFILE_NUMBERS.map((k) => (
                      <td key={k}>{formatNumber(p[k], lang)}</td>
                    ))}
                    <td className="small zones">
                      {p.requiredZones.map((r) => `${zoneName(d.zones, r.zone, lang)} ×${r.minCameras}`).join(', ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="small">
            {t('reqHistory.countryProfile', { profile: d.assign.country })}
            {Object.entries(d.assign.regions).map(([code, profile]) => (
              <span key={code}>
                {' · '}
                {region(code)}: {profile}
              </span>
            ))}
          </p>
          {(d.deadlines.country || Object.keys(d.deadlines.regions).length > 0) && (
            <p className="small">
              {t('compliance.deadline')}:{' '}
              {[
                ...(d.deadlines.country ? [`${t('compliance.country')} ${formatDay(d.deadlines.country, lang)}`] : []),
                ...Object.entries(d.deadlines.regions).map(([code, day]) => `${region(code)} ${formatDay(day, lang)}`),
              ].join(' · ')}
            </p>
          )}
        </div>
      )}
    </Async>
  );
}
