import type { ComplianceFigures, ComplianceOverview, ComplianceSchoolRow } from '@kuzet/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import { Async } from '../components/Async.tsx';
import { RequirementHistory } from '../components/RequirementHistory.tsx';
import { useUser } from '../hooks/auth.tsx';
import { useComplianceUpdates, useRequirementsUpdates } from '../hooks/live.tsx';
import { useResource } from '../hooks/resource.ts';
import { formatDay, formatNumber, formatShare } from '../lib/format.ts';
import { type Named, placeName } from '../lib/names.ts';

const pct = (n: number, total: number) => (total ? Math.round((100 * n) / total) : 0);

/**
 * Cameras failing each requirement (each camera once), schools whose required zones are not watched, and cameras
 * placed where cameras are forbidden (the zones requirement too: never in toilets or changing rooms).
 */
export function requirementCounts(f: ComplianceFigures) {
  const q = f.requirements ?? {};
  return {
    signal: q.signal ?? 0,
    retention: q.retention ?? 0,
    resolution: q.resolution ?? 0,
    zones: f.schoolReasons.zone_missing ?? 0,
    placement: q.placement ?? 0,
    clock: q.clock ?? 0,
  };
}

function Deadline({ day }: { day?: string }) {
  const { t, i18n } = useTranslation();
  if (!day) return <span className="muted">{t('compliance.noDeadline')}</span>;
  const left = Math.ceil((Date.parse(`${day}T00:00:00+05:00`) - Date.now()) / 86_400_000);
  return (
    <span className={left < 0 ? 'bad' : left < 90 ? 'warn' : ''}>
      {formatDay(day, i18n.language)}
      {' · '}
      {left < 0
        ? t('compliance.overdue', { n: -left, count: -left })
        : t('compliance.daysLeft', { n: left, count: left })}
    </span>
  );
}

/** covered and compliant as a share of the schools, as bars with the numbers (colour is never the only signal) */
function Progress({ f }: { f: ComplianceFigures }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const bar = (label: string, n: number, cls: string) => (
    <div className="progress-row">
      <span className="progress-label">{label}</span>
      <span className="progress" role="img" aria-label={`${label}: ${formatShare(n, f.schools, lang)}`}>
        <span className={`progress-fill ${cls}`} style={{ width: `${pct(n, f.schools)}%` }} />
      </span>
      <span className="progress-value">
        {formatShare(n, f.schools, lang)} ·{' '}
        {t('compliance.share', { n: formatNumber(n, lang), total: formatNumber(f.schools, lang) })}
      </span>
    </div>
  );
  return (
    <div className="progress-block">
      {bar(t('compliance.covered'), f.covered, 'fill-covered')}
      {bar(t('compliance.withCamera'), f.withCompliantCamera, 'fill-camera')}
      {bar(t('compliance.compliant'), f.compliant, 'fill-ok')}
    </div>
  );
}

/** the programme's four requirements, and the profile's own on camera clocks (a school failing only that is not compliant) */
const REQUIREMENTS = ['signal', 'retention', 'resolution', 'zones', 'clock'] as const;
type Requirement = (typeof REQUIREMENTS)[number];

/**
 * One requirement of a scope: ✓, ✕ with how many cameras (schools, for zones) fail it, or — when there is nothing
 * to judge yet (no camera in the scope; no covered school, for zones): a scope without cameras has met nothing.
 */
function RequirementCell({ f, req }: { f: ComplianceFigures; req: Requirement }) {
  const { t } = useTranslation();
  const counts = requirementCounts(f);
  const n = counts[req];
  if (req === 'zones' ? f.covered === 0 : f.cameras === 0) {
    const why = t('compliance.nothingToJudge');
    return (
      <span className="muted" title={why} data-requirement={req} data-judged="none">
        <span aria-hidden="true">—</span>
        <span className="sr-only">{why}</span>
      </span>
    );
  }
  // zones: schools with a required zone unwatched, and cameras where none may be
  const forbidden = req === 'zones' ? counts.placement : 0;
  if (!n && !forbidden)
    return (
      <span className="ok" data-requirement={req} data-judged="ok">
        ✓
      </span>
    );
  return (
    <span className="bad" data-requirement={req} data-judged="failing">
      {n > 0 && <>✕ {t(req === 'zones' ? 'compliance.failingSchools' : 'compliance.failingCams', { n })}</>}
      {n > 0 && forbidden > 0 && <br />}
      {forbidden > 0 && <>✕ {t('compliance.forbiddenCams', { n: forbidden })}</>}
    </span>
  );
}

function Figures({ f }: { f: ComplianceFigures }) {
  const { t } = useTranslation();
  return (
    <dl className="requirement-cards" data-testid="requirement-cards">
      {REQUIREMENTS.map((req) => (
        <div key={req}>
          <dt>{t(`compliance.${req}`)}</dt>
          <dd>
            <RequirementCell f={f} req={req} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function SchoolRows({ rows, title, testid }: { rows: ComplianceSchoolRow[]; title: string; testid: string }) {
  const { t, i18n } = useTranslation();
  if (!rows.length) return null;
  return (
    <section className="panel" data-testid={testid}>
      <h2>
        {title} ({formatNumber(rows.length, i18n.language)})
      </h2>
      <table className="cams">
        <thead>
          <tr>
            <th scope="col">{t('compliance.schoolList')}</th>
            <th scope="col">{t('compliance.verdict')}</th>
            <th scope="col">{t('compliance.toFix')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id} data-school={s.id}>
              <td>
                <Link to={`/schools/${s.id}`}>{placeName(s, i18n.language)}</Link>
                <div className="muted small">{s.id}</div>
              </td>
              <td>
                <Verdict v={s.compliance} />
              </td>
              <td className="small">
                <FixList v={s.compliance} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function Verdict({ v }: { v?: ComplianceSchoolRow['compliance'] }) {
  const { t } = useTranslation();
  if (!v?.covered) return <span className="bad">✕ {t('compliance.notCovered')}</span>;
  return v.compliant ? (
    <span className="ok">✓ {t('compliance.ok')}</span>
  ) : (
    <span className="bad">✕ {t('compliance.camerasReq', v.cameras)}</span>
  );
}

function FixList({ v }: { v?: ComplianceSchoolRow['compliance'] }) {
  const { t } = useTranslation();
  if (!v) return <>{t('compliance.schoolReason.no_agent')}</>;
  const items = [
    ...v.reasons.filter((r) => r !== 'cameras_non_compliant').map((r) => t(`compliance.schoolReason.${r}`)),
    ...Object.entries(v.failing).map(([r, n]) => `${t(`compliance.reason.${r}`)}: ${n}`),
  ];
  return <>{items.join('; ')}</>;
}

type Scope = ComplianceOverview['scope'];

/** Country › region › district, by name (a district's region comes with the answer: its link names no region). */
function ScopeCrumbs({ scope, name }: { scope: Scope; name: (u: Named) => string }) {
  const { t } = useTranslation();
  const region = scope.region ?? (scope.kind === 'region' ? { code: scope.id, ...scope.name } : undefined);
  return (
    <p className="crumbs" data-testid="compliance-crumbs">
      <Link to="/compliance">{t('compliance.country')}</Link>
      {region && (
        <>
          {' › '}
          <Link to={`/compliance?region=${region.code}`}>{region.nameRu ? name(region as Named) : region.code}</Link>
        </>
      )}
      {scope.kind === 'district' && ` › ${scope.name ? name(scope.name) : scope.id}`}
    </p>
  );
}

/** Compliance for auditors and operators: country → region → district → school, the four requirements side by side. */
export function CompliancePage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const [params] = useSearchParams();
  const region = params.get('region') ?? undefined;
  const district = params.get('district') ?? undefined;
  // verdicts change only by their own live events: shown at once, not after the camera snapshot
  const view = useResource(() => api.compliance({ region, district }), [region, district], false);
  // the country's or a region's non-compliant schools: thousands of rows, loaded when asked for
  const [showTodo, setShowTodo] = useState(false);
  const todo = useResource(
    () =>
      showTodo && !district
        ? api.compliance({ region, district, state: 'noncompliant' })
        : Promise.resolve({ schools: [] } as unknown as ComplianceOverview),
    [region, district, showTodo],
    false,
  );
  useComplianceUpdates(() => {
    view.reload();
    todo.reload();
  });
  // a new profile: the deadlines and version shown are stale (the verdicts follow as they are re-judged)
  useRequirementsUpdates(() => view.reload());
  const name = (u: Named) => placeName(u, lang);
  return (
    <div className="page compliance">
      <Async r={view}>
        {(o: ComplianceOverview) => (
          <>
            <ScopeCrumbs scope={o.scope} name={name} />
            <h1>
              {t('compliance.title')}
              {o.scope.kind !== 'country' ? `: ${o.scope.name ? name(o.scope.name) : o.scope.id}` : ''}{' '}
              <span className="muted small">{t('compliance.version', { v: o.version })}</span>
            </h1>
            <section className="panel compliance-head">
              <Progress f={o.figures} />
              <div>
                <p>
                  {t('compliance.deadline')}: <Deadline day={o.deadline} />
                </p>
                <p className="small">
                  {t('compliance.cameras')}: {formatNumber(o.figures.camerasCompliant, lang)} /{' '}
                  {formatNumber(o.figures.cameras, lang)}
                </p>
                <Figures f={o.figures} />
              </div>
            </section>
            {o.units.length > 0 && (
              <section className="panel">
                <h2>{o.scope.kind === 'country' ? t('compliance.regions') : t('compliance.districts')}</h2>
                <table className="cams units" data-testid="compliance-units">
                  <thead>
                    <tr>
                      <th scope="col">
                        {o.scope.kind === 'country' ? t('compliance.regions') : t('compliance.districts')}
                      </th>
                      <th scope="col">{t('compliance.schools')}</th>
                      <th scope="col">{t('compliance.covered')}</th>
                      <th scope="col">{t('compliance.compliant')}</th>
                      {REQUIREMENTS.map((req) => (
                        <th scope="col" key={req}>
                          {t(`compliance.${req}`)}
                        </th>
                      ))}
                      <th scope="col">{t('compliance.deadline')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.units.map((u) => {
                      const q = o.scope.kind === 'country' ? `region=${u.id}` : `district=${u.id}`;
                      return (
                        <tr key={u.id} data-unit={u.id}>
                          <td>
                            <Link to={`/compliance?${q}`}>{name(u)}</Link>
                          </td>
                          <td>{formatNumber(u.figures.schools, lang)}</td>
                          <td>{formatShare(u.figures.covered, u.figures.schools, lang)}</td>
                          <td>{formatShare(u.figures.compliant, u.figures.schools, lang)}</td>
                          {REQUIREMENTS.map((req) => (
                            <td key={req}>
                              <RequirementCell f={u.figures} req={req} />
                            </td>
                          ))}
                          <td className="small">
                            <Deadline day={u.deadline} />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </section>
            )}
            {o.scope.kind === 'district' && (
              <>
                <SchoolRows
                  rows={o.schools.filter((s) => s.compliance?.covered && !s.compliance.compliant)}
                  title={t('compliance.nonCompliant')}
                  testid="noncompliant"
                />
                <SchoolRows
                  rows={o.schools.filter((s) => !s.compliance?.covered)}
                  title={t('compliance.notCoveredList')}
                  testid="notcovered"
                />
                <SchoolRows
                  rows={o.schools.filter((s) => s.compliance?.compliant)}
                  title={t('compliance.compliant')}
                  testid="compliant"
                />
              </>
            )}
          </>
        )}
      </Async>
      {!district && !showTodo && (
        <p>
          <button type="button" className="secondary" onClick={() => setShowTodo(true)} data-testid="show-noncompliant">
            {t('compliance.nonCompliant')}
          </button>
        </p>
      )}
      {!district && showTodo && (
        <Async r={todo}>
          {(o) => <SchoolRows rows={o.schools} title={t('compliance.nonCompliant')} testid="noncompliant" />}
        </Async>
      )}
      {/* what the verdicts are judged against, and since when (the server lets admins and auditors read it) */}
      {(user.role === 'auditor' || user.role === 'admin') && <RequirementHistory folded />}
    </div>
  );
}
