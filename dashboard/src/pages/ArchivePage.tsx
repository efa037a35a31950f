import type { ArchiveSeries, ArchiveVerification } from '@kuzet/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { type ArchiveQuery, api, exportUrl } from '../api/client.ts';
import { Async } from '../components/Async.tsx';
import { HISTORY_ANCHOR } from '../components/RequirementHistory.tsx';
import { DistrictOptions } from '../components/Status.tsx';
import { useUser } from '../hooks/auth.tsx';
import { useResource } from '../hooks/resource.ts';
import { formatDay, formatNumber, formatPercent, formatTime } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';

type Day = ArchiveSeries['days'][number];

const ALMATY = 'Asia/Almaty';
const dayIn = (t: number) => new Date(t).toLocaleDateString('en-CA', { timeZone: ALMATY });
const pct = (n: number, total: number) => (total ? (100 * n) / total : undefined);
/** a percentage of the series (0–100) as the language writes it */
const percent = (v: number | undefined, lang: string) => (v === undefined ? '—' : formatPercent(v / 100, lang));

/** the three series of a day (percent of the scope's schools, and availability); a school's from its own verdict */
function seriesOf(d: Day) {
  if (d.school) {
    const v = d.school.verdict;
    return { covered: v.covered ? 100 : 0, compliant: v.compliant ? 100 : 0, availability: d.school.availablePct };
  }
  const f = d.figures!;
  return {
    covered: pct(f.covered, f.schools),
    compliant: pct(f.compliant, f.schools),
    availability: pct(f.availableMin, f.observedMin),
  };
}

/** Compliance over time as lines (0–100 %), each labelled in the legend with its last value. */
function Trend({ days }: { days: Day[] }) {
  const { t, i18n } = useTranslation();
  const W = 720;
  const H = 180;
  const x = (i: number) => 40 + (days.length > 1 ? (i * (W - 60)) / (days.length - 1) : (W - 60) / 2);
  const y = (v: number) => 10 + ((100 - v) * (H - 40)) / 100;
  const lines = [
    { key: 'covered', cls: 'line-covered', label: t('archive.covered') },
    { key: 'compliant', cls: 'line-compliant', label: t('archive.compliant') },
    { key: 'availability', cls: 'line-availability', label: t('archive.availability') },
  ] as const;
  const pts = days.map(seriesOf);
  return (
    <figure className="trend">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('archive.trend')} data-testid="archive-trend">
        {[0, 50, 100].map((v) => (
          <g key={v}>
            <line x1={40} x2={W - 20} y1={y(v)} y2={y(v)} className="grid-line" />
            <text x={34} y={y(v) + 4} textAnchor="end" className="axis">
              {formatPercent(v / 100, i18n.language)}
            </text>
          </g>
        ))}
        {days.map((d, i) =>
          i % Math.max(1, Math.ceil(days.length / 8)) === 0 ? (
            <text key={d.day} x={x(i)} y={H - 8} textAnchor="middle" className="axis">
              {formatDay(d.day, i18n.language, true)}
            </text>
          ) : null,
        )}
        {lines.map((l) =>
          pts.map((p, i) =>
            p[l.key] === undefined ? null : (
              <circle key={`${l.key}${days[i]!.day}`} cx={x(i)} cy={y(p[l.key]!)} r={3} className={`dot ${l.cls}`} />
            ),
          ),
        )}
        {lines.map((l) => (
          <polyline
            key={l.key}
            className={l.cls}
            fill="none"
            points={pts
              .map((p, i) => (p[l.key] === undefined ? '' : `${x(i)},${y(p[l.key]!)}`))
              .filter(Boolean)
              .join(' ')}
          />
        ))}
      </svg>
      <figcaption className="legend">
        {lines.map((l) => (
          <span key={l.key}>
            <span className={`swatch ${l.cls}`} aria-hidden="true" /> {l.label}:{' '}
            {percent(pts.at(-1)?.[l.key], i18n.language)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function Verification({ v, onVerified }: { v?: ArchiveVerification; onVerified: (v: ArchiveVerification) => void }) {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const [busy, setBusy] = useState(false);
  const at = v ? formatTime(v.checkedAt, i18n.language) : '';
  return (
    <p className={`verification ${v ? (v.ok ? 'ok' : 'bad') : 'muted'}`} data-testid="archive-verification">
      {!v
        ? t('archive.neverVerified')
        : v.ok
          ? `✓ ${t('archive.verified', { at, entries: v.entries })}`
          : `✕ ${t('archive.notVerified', { at, problem: v.problems[0]?.problem ?? '' })}`}{' '}
      {(user.role === 'admin' || user.role === 'auditor') && (
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            api
              .verifyArchive()
              .then(onVerified)
              .finally(() => setBusy(false));
          }}
        >
          {busy ? t('archive.verifying') : t('archive.verifyNow')}
        </button>
      )}
    </p>
  );
}

function DaysTable({ days }: { days: Day[] }) {
  const { t, i18n } = useTranslation();
  // who may read the requirement history (what a new version changed) gets a link to it
  const role = useUser().role;
  const history = role === 'admin' || role === 'auditor';
  const lang = i18n.language;
  const school = days.some((d) => d.school);
  return (
    <table className="data" data-testid="archive-days">
      <thead>
        <tr>
          <th>{t('archive.day')}</th>
          {!school && <th className="num">{t('archive.schools')}</th>}
          <th className="num">{t('archive.covered')}</th>
          <th className="num">{t('archive.compliant')}</th>
          <th className="num">{t('archive.cameras')}</th>
          <th className="num">{t('archive.availability')}</th>
          {school && <th>{t('archive.reasons')}</th>}
          <th>{t('reqHistory.dayVersion')}</th>
        </tr>
      </thead>
      <tbody>
        {days.map((d, i) => {
          const s = seriesOf(d);
          // the change against the day before (the auditor's first question about a trend)
          const before = i > 0 ? seriesOf(days[i - 1]!).compliant : undefined;
          const change =
            before === undefined || s.compliant === undefined
              ? undefined
              : Math.round((s.compliant - before) * 10) / 10;
          const v = d.school?.verdict;
          const f = d.figures;
          // new requirements this day: a change in the figures may be theirs, not the cameras'
          const rv = i > 0 ? days[i - 1]!.requirementsVersion : d.requirementsVersion;
          return (
            <tr key={d.day} className={v && !v.compliant ? 'row-bad' : undefined}>
              <td className="nowrap">
                <time dateTime={d.day}>{formatDay(d.day, lang)}</time>
                {d.revised && (
                  <span className="muted small" title={t('archive.revised')}>
                    {' '}
                    * {t('archive.revised')}
                  </span>
                )}
              </td>
              {!school && <td className="num">{formatNumber(f?.schools ?? 0, lang)}</td>}
              <td className="num">{v ? (v.covered ? '✓' : '✕') : percent(s.covered, lang)}</td>
              <td className="num">
                {v ? (v.compliant ? '✓' : '✕') : percent(s.compliant, lang)}
                {!v && change ? (
                  <span className={`small ${change > 0 ? 'ok' : 'bad'}`}>
                    {' '}
                    ({change > 0 ? '+' : ''}
                    {formatNumber(change, lang)})
                  </span>
                ) : null}
              </td>
              <td className="num">
                {v
                  ? `${formatNumber(v.cameras.compliant, lang)} / ${formatNumber(v.cameras.present, lang)}`
                  : `${formatNumber(f?.camerasCompliant ?? 0, lang)} / ${formatNumber(f?.cameras ?? 0, lang)}`}
              </td>
              <td className="num">{percent(s.availability, lang)}</td>
              {school && (
                <td>
                  {v && !v.compliant
                    ? [
                        ...v.reasons.map((r) => t(`compliance.schoolReason.${r}`)),
                        ...Object.entries(v.failing).map(([r, n]) => `${t(`compliance.reason.${r}`)} (${n})`),
                      ].join('; ')
                    : ''}
                </td>
              )}
              {rv === d.requirementsVersion ? (
                <td className="muted">v{d.requirementsVersion}</td>
              ) : (
                <td
                  className="warn nowrap"
                  data-requirements-changed={d.requirementsVersion}
                  title={t('reqHistory.dayChanged', { from: rv, to: d.requirementsVersion })}
                >
                  {history ? (
                    <Link to={`/compliance#${HISTORY_ANCHOR}`}>
                      v{rv} → v{d.requirementsVersion}
                    </Link>
                  ) : (
                    `v${rv} → v${d.requirementsVersion}`
                  )}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The compliance archive: a scope's days over a period, the trend, the chain's verification, and the exports. */
export function ArchivePage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const yesterday = dayIn(Date.now() - 86_400_000);
  const q: ArchiveQuery = {
    from: params.get('from') ?? dayIn(Date.now() - 30 * 86_400_000),
    to: params.get('to') ?? yesterday,
    ...(user.role === 'school' && user.schoolId
      ? { school: user.schoolId }
      : {
          region: params.get('region') ?? (user.role !== 'admin' && user.regions.length ? user.regions[0] : undefined),
          district: params.get('district') ?? undefined,
          school: params.get('school') ?? undefined,
        }),
  };
  const key = JSON.stringify(q);
  const series = useResource(() => api.archiveDays(q), [key], false);
  const regions = useResource(() => (user.role === 'school' ? Promise.resolve([]) : api.regions()), [user.role], false);
  const districts = useResource(
    () => (q.region ? api.districts(q.region) : Promise.resolve([])),
    [q.region ?? ''],
    false,
  );
  const [verified, setVerified] = useState<ArchiveVerification>();
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k === 'region') next.delete('district');
    if (k !== 'from' && k !== 'to') next.delete('school');
    setParams(next);
  };
  // the exports' language: the page's (a browser's en-US is en)
  const reportLang = (i18n.resolvedLanguage ?? i18n.language).slice(0, 2);
  const national = user.role === 'admin' || (user.role === 'auditor' && user.regions.length === 0);
  return (
    <main id="main">
      <h1>{t('archive.title')}</h1>
      <p className="muted">{t('archive.intro')}</p>
      <form className="archive-controls" onSubmit={(e) => e.preventDefault()}>
        {user.role !== 'school' && (
          <label>
            {t('archive.scope')}{' '}
            <select value={q.region ?? ''} onChange={(e) => set('region', e.target.value)} data-testid="archive-region">
              {national && <option value="">{t('archive.country')}</option>}
              {(regions.data ?? [])
                .filter((r) => national || user.regions.includes(r.code as never))
                .map((r) => (
                  <option key={r.code} value={r.code}>
                    {placeName(r, i18n.language)}
                  </option>
                ))}
            </select>
          </label>
        )}
        {q.region && (
          <label>
            <select
              value={q.district ?? ''}
              onChange={(e) => set('district', e.target.value)}
              data-testid="archive-district"
              aria-label={t('compliance.districts')}
            >
              <option value="">{t('archive.allDistricts')}</option>
              <DistrictOptions districts={districts.data ?? []} />
            </select>
          </label>
        )}
        {q.school && <span className="muted">{q.school}</span>}
        <label>
          {t('archive.from')}{' '}
          <input type="date" value={q.from} max={q.to} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          {t('archive.to')} <input type="date" value={q.to} min={q.from} onChange={(e) => set('to', e.target.value)} />
        </label>
        <a className="button" href={exportUrl('csv', { ...q, lang: reportLang })} download>
          {t('archive.csv')}
        </a>
        <a className="button" href={exportUrl('pdf', { ...q, lang: reportLang })} download>
          {t('archive.pdf')}
        </a>
      </form>
      <Async r={series}>
        {(s) => (
          <>
            <Verification v={verified ?? s.verification} onVerified={setVerified} />
            {s.days.length === 0 ? (
              <p className="muted">{t('archive.noDays')}</p>
            ) : (
              <>
                {s.scope.kind === 'school' && (
                  <p data-testid="archive-school-summary">
                    {t('archive.daysNonCompliant', {
                      n: s.days.filter((d) => d.school && !d.school.verdict.compliant).length,
                      total: s.days.length,
                      count: s.days.length,
                    })}
                  </p>
                )}
                <Trend days={s.days} />
                <DaysTable days={s.days} />
              </>
            )}
          </>
        )}
      </Async>
    </main>
  );
}
