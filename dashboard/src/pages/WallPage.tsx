import type { Alert, SchoolMap as SchoolMapData } from '@kuzet/protocol';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import { AlertPlace } from '../components/AlertPlace.tsx';
import { LiveBanner } from '../components/LiveBanner.tsx';
import { SchoolMap } from '../components/SchoolMap.tsx';
import { CountsBar } from '../components/Status.tsx';
import { useGridModel } from '../hooks/grid.ts';
import { useAlertUpdates, useDeltas, useLive } from '../hooks/live.tsx';
import { useResource } from '../hooks/resource.ts';
import { mergeAlerts } from '../lib/alerts.ts';
import { formatTime } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';
import { applyCounts, trouble } from '../lib/status.ts';
import { sumCounts, wallCycle } from '../lib/wall.ts';

/** seconds each region in trouble stays on the wall (?cycle=N to change) */
const DEFAULT_CYCLE_S = 20;

/**
 * The RRC's wall screen (kiosk): large type, nothing to click, live. It cycles through the user's regions that have
 * cameras in trouble, in code order (all of the user's scope when none has), showing each one's counts and map of
 * schools; the open critical alerts stay on the side. Escape leaves it.
 */
export function WallPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const cycleS = Math.max(5, Number(params.get('cycle')) || DEFAULT_CYCLE_S);
  const live = useLive();
  const regions = useResource(() => api.regions(), []);
  const mapRes = useResource(() => api.map(), [], 'static');
  const { worst } = useGridModel();
  const alerts = useResource(() => api.alerts({ state: 'active', severity: 'critical' }), []);
  const critical = (a: Alert) => a.severity === 'critical' && a.state === 'open';
  useAlertUpdates((us) => alerts.setData((list) => list && mergeAlerts(list, us, critical)));
  useDeltas((ds) => {
    regions.setData((rs) => rs && applyCounts(rs, ds, (r, d) => r.code === d.regionCode));
  });
  // the clock turns the cycle (and shows the time: a wall screen that froze is seen at once)
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && navigate('/');
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);
  const { shown, secondsLeft } = wallCycle(regions.data ?? [], now, cycleS);
  const region = shown ? regions.data?.find((r) => r.code === shown) : undefined;
  const mapData = useMemo<SchoolMapData | undefined>(
    () =>
      mapRes.data && shown
        ? { ...mapRes.data, schools: mapRes.data.schools.filter((s) => s[3] === shown) }
        : mapRes.data,
    [mapRes.data, shown],
  );
  const counts = region ? region.counts : sumCounts(regions.data ?? []);
  const open = (alerts.data ?? []).filter(critical);
  // the regions with cameras in trouble, most first, with how many
  const inTrouble = (regions.data ?? [])
    .filter((r) => trouble(r.counts) > 0)
    .sort((a, b) => trouble(b.counts) - trouble(a.counts));
  return (
    <div className="wall" data-testid="wall" data-shown={shown ?? ''} data-state={live.state}>
      <LiveBanner />
      <header className="wall-head">
        <h1>{t('wall.title')}</h1>
        <p className="wall-clock">
          <time dateTime={new Date(now).toISOString()}>{formatTime(new Date(now).toISOString(), lang)}</time>
        </p>
        <Link to="/" className="wall-exit" title={t('wall.exit')}>
          {t('wall.exit')}
        </Link>
      </header>
      <div className="wall-body">
        <section className="wall-main" aria-live="polite">
          <h2>
            <span className="muted">{t('wall.showing')}:</span>{' '}
            <span data-testid="wall-region">{region ? placeName(region, lang) : t('wall.country')}</span>
            {secondsLeft !== undefined && (
              <span className="muted wall-next"> · {t('wall.next', { s: secondsLeft })}</span>
            )}
          </h2>
          <CountsBar counts={counts} />
          {mapData && <SchoolMap data={mapData} worst={worst} height={560} interactive={false} />}
        </section>
        <section className="wall-side">
          <h2>
            {t('wall.alerts')} ({open.length})
          </h2>
          {open.length === 0 ? (
            <p className="muted">{t('wall.noAlerts')}</p>
          ) : (
            <ol className="wall-alerts" data-testid="wall-alerts">
              {open.slice(0, 8).map((a) => (
                <li key={a.id} data-alert={a.id}>
                  <strong>{t(`alerts.rule.${a.rule}`)}</strong>
                  <div>
                    <AlertPlace alert={a} />
                  </div>
                  <div className="muted">
                    <time dateTime={a.openedAt}>{formatTime(a.openedAt, lang)}</time>
                  </div>
                </li>
              ))}
            </ol>
          )}
          {inTrouble.length > 0 && (
            <>
              <h2>{t('wall.regions')}</h2>
              <ul className="wall-regions" data-testid="wall-regions">
                {inTrouble.map((r) => (
                  <li key={r.code} className={r.code === shown ? 'current' : undefined}>
                    {placeName(r, lang)}: {trouble(r.counts)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>
    </div>
  );
}
