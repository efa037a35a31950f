import type { CameraDelta, RegionSummary } from '@kuzet/protocol';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { api } from '../api/client.ts';
import { Async } from '../components/Async.tsx';
import { CameraGridCanvas } from '../components/CameraGridCanvas.tsx';
import { RegionMap } from '../components/RegionMap.tsx';
import { CountsBar, StatusBadge } from '../components/Status.tsx';
import { useUser } from '../hooks/auth.tsx';
import { useComplianceUpdates, useDeltas, useLive } from '../hooks/live.tsx';
import { useResource } from '../hooks/resource.ts';
import { formatNumber, formatPercent } from '../lib/format.ts';
import { GridModel } from '../lib/grid.ts';
import { moveCount, total, troubleShare, worstStatus } from '../lib/status.ts';

const pct = (n: number, total: number) => (total ? Math.round((100 * n) / total) : 0);

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
  // the user's scope's compliance figures (the same verdicts as the compliance view), without waiting for the grid
  const compliance = useResource(
    () => (user.role === 'school' ? Promise.resolve(undefined) : api.compliance()),
    [user.role],
    false,
  );
  useComplianceUpdates(() => compliance.reload());
  const gridRes = useResource(() => api.grid(), []);
  const model = useMemo(() => (gridRes.data ? new GridModel(gridRes.data) : undefined), [gridRes.data]);
  const [version, setVersion] = useState(0);
  const pending = useRef<CameraDelta[]>([]);
  const lastWorstReload = useRef(0);
  useEffect(() => {
    if (!model) return;
    // the cameras' ids are needed only to place live changes: fetched once the first draw is out
    let gone = false;
    const id = setTimeout(() => {
      api.gridIds().then(
        (x) => {
          if (gone) return;
          if (!model.setIds(x)) return gridRes.reload(); // the grid changed in between: load both again
          // deltas that came before: statuses are absolute, replaying them is safe
          if (model.apply(pending.current.splice(0))) setVersion((v) => v + 1);
        },
        () => !gone && setTimeout(() => gridRes.reload(), 5000),
      );
    }, 20);
    return () => {
      gone = true;
      clearTimeout(id);
    };
  }, [model, gridRes.reload]);
  useDeltas((ds) => {
    if (model?.placeable) {
      if (model.apply(ds)) setVersion((v) => v + 1);
      if (ds.some((d) => !model.knows(d))) gridRes.reload(); // a new camera: its place is in the grid
    } else pending.current.push(...ds);
    regions.setData((rs) => rs && applyToRegions(rs, ds));
    if (Date.now() - lastWorstReload.current > 5000) {
      lastWorstReload.current = Date.now();
      worst.reload();
    }
  });
  const national = user.role === 'admin' || (user.role === 'auditor' && user.regions.length === 0);
  const schoolsTotal = regions.data?.reduce((a, r) => a + r.schools, 0) ?? 0;
  return (
    <div className="page overview">
      <h1>{national ? t('overview.title') : t('overview.titleScoped')}</h1>
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
              {compliance.data ? `${pct(compliance.data.figures.compliant, compliance.data.figures.schools)}%` : '…'}
            </p>
            {compliance.data && (
              <p className="small muted">
                {t('compliance.covered')}: {pct(compliance.data.figures.covered, compliance.data.figures.schools)}% ·{' '}
                {t('compliance.withCamera')}:{' '}
                {pct(compliance.data.figures.withCompliantCamera, compliance.data.figures.schools)}%
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
        <section className="panel" aria-labelledby="map-h">
          <h2 id="map-h">{t('overview.map')}</h2>
          <p className="muted small">{t('overview.mapHint')}</p>
          <Async r={regions}>{(rs) => <RegionMap regions={rs} />}</Async>
        </section>
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
                      <li key={s.id}>
                        <Link to={`/schools/${s.id}`}>{lang === 'kk' ? s.nameKk : s.nameRu}</Link>{' '}
                        {w && <StatusBadge status={w} />}{' '}
                        <span className="muted small">
                          {t('overview.trouble', { pct: formatPercent(troubleShare(s.counts), lang) })} ·{' '}
                          {formatNumber(total(s.counts), lang)}
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
      <section className="panel" aria-labelledby="grid-h">
        <h2 id="grid-h">{t('overview.grid')}</h2>
        <p className="muted small">{t('overview.gridHint')}</p>
        <Async r={gridRes}>{() => (model ? <CameraGridCanvas model={model} version={version} /> : null)}</Async>
      </section>
    </div>
  );
}

function applyToRegions(rs: RegionSummary[], ds: CameraDelta[]): RegionSummary[] {
  let out: RegionSummary[] | undefined;
  for (const d of ds) {
    if (!d.previous) continue;
    const i = rs.findIndex((r) => r.code === d.regionCode);
    if (i < 0) continue;
    out ??= [...rs];
    out[i] = { ...out[i]!, counts: moveCount(out[i]!.counts, d.previous.status, d.status) };
  }
  return out ?? rs;
}
