import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { api } from '../api/client.ts';
import { Async } from '../components/Async.tsx';
import { CameraGridCanvas } from '../components/CameraGridCanvas.tsx';
import { DistrictTiles } from '../components/DistrictTiles.tsx';
import { RegionMap } from '../components/RegionMap.tsx';
import { SchoolMap } from '../components/SchoolMap.tsx';
import { CountsBar, StatusBadge } from '../components/Status.tsx';
import { useUser } from '../hooks/auth.tsx';
import { useGridModel } from '../hooks/grid.ts';
import { useComplianceUpdates, useDeltas, useLive } from '../hooks/live.tsx';
import { useResource } from '../hooks/resource.ts';
import { useWorksUnderWay } from '../hooks/works.ts';
import { formatNumber, formatPercent, formatShare } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';
import { applyCounts, total, trouble, troubleShare, worstStatus } from '../lib/status.ts';
import { throttled } from '../lib/throttle.ts';

export function OverviewPage() {
  const user = useUser();
  if (user.role === 'school' && user.schoolId) return <Navigate to={`/schools/${user.schoolId}`} replace />;
  return <Overview />;
}

function Overview() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const live = useLive();
  const regions = useResource(() => api.regions(), []);
  const worst = useResource(() => api.worstSchools(10), []);
  // a school in trouble because of planned works is marked: nobody is paged for it
  const works = useWorksUnderWay();
  // the user's scope's compliance figures (the same verdicts as the compliance view), without waiting for the grid
  const compliance = useResource(
    () => (user.role === 'school' ? Promise.resolve(undefined) : api.compliance()),
    [user.role],
    false,
  );
  useComplianceUpdates(() => compliance.reload());
  const national = user.role === 'admin' || (user.role === 'auditor' && user.regions.length === 0);
  // a regional user's home is their region's districts (not a country of empty tiles)
  const districts = useResource(
    () =>
      national ? Promise.resolve([]) : Promise.all(user.regions.map((r) => api.districts(r))).then((x) => x.flat()),
    [national, user.regions.join()],
  );
  // where the schools are: the registry's, changes rarely (the colours come from the grid)
  const mapRes = useResource(() => api.map(), [], 'static');
  const { grid: gridRes, model, version, worst: worstOf } = useGridModel();
  // the schools in most trouble are read again after changes, at most every 5 s and once after the last of them (a
  // camera back within 5 s of going offline left its school on the list)
  const reloadWorst = useMemo(() => throttled(worst.reload, 5000), [worst.reload]);
  useEffect(() => reloadWorst.cancel, [reloadWorst]);
  useDeltas((ds) => {
    regions.setData((rs) => rs && applyCounts(rs, ds, (r, d) => r.code === d.regionCode));
    districts.setData((xs) => xs && applyCounts(xs, ds, (x, d) => x.id === d.districtId));
    reloadWorst();
  });
  const schoolsTotal = regions.data?.reduce((a, r) => a + r.schools, 0) ?? 0;
  return (
    <div className="page overview">
      <div className="title-row">
        <h1>{national ? t('overview.title') : t('overview.titleScoped')}</h1>
        <Link to="/wall" className="button secondary" data-testid="wall-link">
          {t('overview.wall')}
        </Link>
      </div>
      <section className="cards" aria-label={t('overview.cameras')}>
        <div className="card wide">
          <h2>{t('overview.cameras')}</h2>
          <CountsBar counts={live.counts} />
        </div>
        <div className="card">
          <h2>{t('overview.schools')}</h2>
          <p className="big" data-testid="schools-covered">
            {model ? formatNumber(model.schools(), lang) : '…'} / {formatNumber(schoolsTotal, lang)}
          </p>
        </div>
        {user.role !== 'school' && (
          <div className="card">
            <h2>
              <Link to="/compliance">{t('compliance.title')}</Link>
            </h2>
            <p className="big" data-testid="compliance-card">
              {compliance.data
                ? formatShare(compliance.data.figures.compliant, compliance.data.figures.schools, lang)
                : '…'}
            </p>
            {compliance.data && (
              <p className="small muted">
                {t('compliance.covered')}:{' '}
                {formatShare(compliance.data.figures.covered, compliance.data.figures.schools, lang)} ·{' '}
                {t('compliance.withCamera')}:{' '}
                {formatShare(compliance.data.figures.withCompliantCamera, compliance.data.figures.schools, lang)}
              </p>
            )}
          </div>
        )}
        <div className="card">
          <h2>{t('overview.linkDownSchools')}</h2>
          <p className="big" data-testid="link-down-schools">
            {model ? formatNumber(model.linkDownSchools(), lang) : '…'}
          </p>
        </div>
      </section>
      <div className="two">
        {national ? (
          <section className="panel" aria-labelledby="map-h">
            <h2 id="map-h">{t('overview.map')}</h2>
            <p className="muted small">{t('overview.mapHint')}</p>
            <Async r={regions}>{(rs) => <RegionMap regions={rs} />}</Async>
          </section>
        ) : (
          <section className="panel" aria-labelledby="districts-h">
            <h2 id="districts-h">{t('overview.districts')}</h2>
            <p className="muted small">{t('overview.districtsHint')}</p>
            <Async r={districts}>{(ds) => <DistrictTiles districts={ds} />}</Async>
          </section>
        )}
        <section className="panel" aria-labelledby="worst-h">
          <h2 id="worst-h">{t('overview.worst')}</h2>
          <Async r={worst}>
            {(ws) =>
              ws.length === 0 ? (
                <p className="muted">{t('overview.noTrouble')}</p>
              ) : (
                <ol className="worst">
                  {ws.map((s) => {
                    const w = worstStatus(s.counts);
                    return (
                      <li key={s.id} data-school={s.id}>
                        {works.has(s.id) && (
                          <span className="warn" title={t('table.works')} data-testid="works">
                            ⚒{' '}
                          </span>
                        )}
                        <Link to={`/schools/${s.id}`}>{placeName(s, lang)}</Link> {w && <StatusBadge status={w} />}{' '}
                        <span className="muted small">
                          {t('overview.troubleOf', {
                            n: formatNumber(trouble(s.counts), lang),
                            total: formatNumber(total(s.counts), lang),
                            count: total(s.counts),
                            pct: formatPercent(troubleShare(s.counts), lang),
                          })}
                        </span>
                      </li>
                    );
                  })}
                </ol>
              )
            }
          </Async>
        </section>
      </div>
      <section className="panel" aria-labelledby="schoolmap-h">
        <h2 id="schoolmap-h">{t('overview.schoolMap')}</h2>
        <p className="muted small">{t('overview.schoolMapHint')}</p>
        <Async r={mapRes}>{(m) => <SchoolMap data={m} worst={worstOf} />}</Async>
      </section>
      <section className="panel" aria-labelledby="grid-h">
        <h2 id="grid-h">{t('overview.grid')}</h2>
        <p className="muted small">{t('overview.gridHint')}</p>
        <Async r={gridRes}>{() => (model ? <CameraGridCanvas model={model} version={version} /> : null)}</Async>
      </section>
    </div>
  );
}
