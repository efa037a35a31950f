import { type Alert, episodeStart, type Severity, snoozed } from '@kuzet/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, errorText } from '../api/client.ts';
import { AlertPlace } from '../components/AlertPlace';
import { AlertActions, AlertList, AlertTimeline, AlertWhat, SeverityBadge } from '../components/Alerts.tsx';
import { Async } from '../components/Async.tsx';
import { picturesAllowed } from '../components/CameraPicture.tsx';
import { SoundSwitch } from '../components/CriticalCue.tsx';
import { LiveView } from '../components/LivePlayer.tsx';
import { RegionPagingPanel } from '../components/RegionPagingPanel.tsx';
import { DistrictOptions } from '../components/Status.tsx';
import { useUser } from '../hooks/auth.tsx';
import { useAlertUpdates } from '../hooks/live.tsx';
import { useResource } from '../hooks/resource.ts';
import { mergeAlerts } from '../lib/alerts.ts';
import { formatTime } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';

/** The live alert feed: most severe, then newest first; filters by state, region and severity. */
export function AlertsPage() {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<'active' | 'all'>('active');
  const [region, setRegion] = useState('');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [mine, setMine] = useState(false);
  const [unacked, setUnacked] = useState(false);
  const [hideSnoozed, setHideSnoozed] = useState(false);
  const [district, setDistrict] = useState('');
  /** open longer than this many minutes (0: any) */
  const [age, setAge] = useState(0);
  const user = useUser();
  const regions = useResource(() => api.regions(), []);
  const districts = useResource(() => (region ? api.districts(region) : Promise.resolve([])), [region]);
  const feed = useResource(() => api.alerts({ state, region, severity }), [state, region, severity]);
  const keep = (a: Alert) =>
    (state === 'all' || a.state !== 'resolved') &&
    (!region || a.regionCode === region) &&
    (!severity || a.severity === severity);
  // assigned to me, not yet acknowledged: narrowed here (the feed keeps every alert, a change may bring one back)
  const now = Date.now();
  const shown = (a: Alert) =>
    (!mine || a.assignee === user.username) &&
    (!unacked || a.state === 'open') &&
    (!hideSnoozed || !snoozed(a)) &&
    (!district || a.districtId === district) &&
    (!age || now - Date.parse(episodeStart(a)) > age * 60_000);
  useAlertUpdates((updates) => feed.setData((list) => list && mergeAlerts(list, updates, keep)));
  // stable between renders (the feed's rows are memoised)
  // biome-ignore lint/correctness/useExhaustiveDependencies: keep reads only the filters listed
  const changed = useCallback(
    (a: Alert) => feed.setData((list) => list && mergeAlerts(list, [a], keep)),
    [state, region, severity],
  );
  const list = (feed.data ?? []).filter(shown);
  const canAct = user.role === 'admin' || user.role === 'operator';
  const [cursor, setCursor] = useState(0);
  const [bulkMsg, setBulkMsg] = useState<string>();
  const navigate = useNavigate();
  const at = list[Math.min(cursor, list.length - 1)];
  // the feed by keyboard: j/k (or arrows) move, Enter opens, a acknowledges, c comments, r resolves (one listener,
  // registered once; it reads this render's list and cursor through the ref)
  const onKey = useRef<(e: KeyboardEvent) => void>(() => undefined);
  onKey.current = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).closest('input, select, textarea, button') || e.ctrlKey || e.metaKey || e.altKey)
      return;
    const row = at && document.querySelector<HTMLElement>(`li[data-alert="${at.id}"]`);
    switch (e.key) {
      case 'j':
      case 'ArrowDown':
        setCursor((c) => Math.min(list.length - 1, c + 1));
        break;
      case 'k':
      case 'ArrowUp':
        setCursor((c) => Math.max(0, c - 1));
        break;
      case 'Enter':
        if (at) navigate(`/alerts/${at.id}`);
        break;
      case 'a':
        if (at?.state === 'open' && canAct) api.alertAction(at.id, { action: 'ack' }).then(changed, () => undefined);
        break;
      case 'c':
        row?.querySelector<HTMLInputElement>('.alert-actions input')?.focus();
        break;
      case 'r':
        row?.querySelector<HTMLButtonElement>('.alert-actions button.danger')?.click();
        break;
      case 'g':
        // assign: the list of colleagues gets the keys (type a name)
        row?.querySelector<HTMLSelectElement>('.alert-actions select[data-testid=assign]')?.focus();
        break;
      default:
        return;
    }
    e.preventDefault();
  };
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey.current(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
  const openShown = list.filter((a) => a.state === 'open');
  const ackAll = () =>
    api.bulkAck(openShown.map((a) => a.id)).then(
      (r) => {
        setBulkMsg(t('alerts.bulkDone', { n: r.acknowledged.length }));
        feed.reload();
      },
      (err: Error) => setBulkMsg(errorText(err, i18n.language)),
    );
  return (
    <div className="page alerts-page">
      <h1>{t('alerts.title')}</h1>
      <div className="filters">
        <label>
          {t('alerts.state')}{' '}
          <select value={state} onChange={(e) => setState(e.target.value as 'active' | 'all')}>
            <option value="active">{t('alerts.active')}</option>
            <option value="all">{t('alerts.all')}</option>
          </select>
        </label>
        {/* school staff see their one school: no region to choose */}
        {user.role !== 'school' && (
          <label>
            {t('alerts.region')}{' '}
            <select
              value={region}
              data-testid="region"
              onChange={(e) => {
                setRegion(e.target.value);
                setDistrict('');
              }}
            >
              <option value="">{t('alerts.allRegions')}</option>
              {(regions.data ?? []).map((r) => (
                <option key={r.code} value={r.code}>
                  {placeName(r, i18n.language)}
                </option>
              ))}
            </select>
          </label>
        )}
        {region && (
          <label>
            {t('alerts.district')}{' '}
            <select value={district} onChange={(e) => setDistrict(e.target.value)} data-testid="district">
              <option value="">{t('alerts.allDistricts')}</option>
              <DistrictOptions districts={districts.data ?? []} />
            </select>
          </label>
        )}
        <label>
          {t('alerts.age')}{' '}
          <select value={age} onChange={(e) => setAge(Number(e.target.value))} data-testid="age">
            <option value={0}>{t('alerts.anyAge')}</option>
            {[15, 60, 1440].map((m) => (
              <option key={m} value={m}>
                {t(`alerts.older${m}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alerts.severity')}{' '}
          <select
            value={severity}
            onChange={(e) => setSeverity(e.target.value as Severity | '')}
            data-testid="severity"
          >
            <option value="">{t('alerts.allSeverities')}</option>
            {(['critical', 'major', 'minor', 'info'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`alerts.sev.${s}`)}
              </option>
            ))}
          </select>
        </label>
        {canAct && (
          <label>
            <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} data-testid="only-mine" />{' '}
            {t('alerts.mine')}
          </label>
        )}
        <label>
          <input type="checkbox" checked={unacked} onChange={(e) => setUnacked(e.target.checked)} />{' '}
          {t('alerts.unacked')}
        </label>
        <label>
          <input
            type="checkbox"
            checked={hideSnoozed}
            onChange={(e) => setHideSnoozed(e.target.checked)}
            data-testid="hide-snoozed"
          />{' '}
          {t('alerts.hideSnoozed')}
        </label>
      </div>
      <section className="panel">
        <SoundSwitch />
        <p className="muted small keys-help">{t(canAct ? 'alerts.keys' : 'alerts.keysRead')}</p>
        {canAct && openShown.length > 1 && (
          <p>
            <button type="button" onClick={() => void ackAll()} data-testid="ack-all">
              {t('alerts.ackAll', { n: openShown.length })}
            </button>{' '}
            {bulkMsg && <span role="status">{bulkMsg}</span>}
          </p>
        )}
        <Async r={feed}>{(all) => <AlertList alerts={all.filter(shown)} onChange={changed} cursorId={at?.id} />}</Async>
      </section>
      {/* who is paged: an operator's own regions; an administrator's chosen one (they edit it on Administration) */}
      {(user.role === 'operator' ? user.regions : user.role === 'admin' && region ? [region] : []).map((code) => (
        <RegionPagingPanel key={code} regionCode={code} />
      ))}
    </div>
  );
}

export function AlertPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const user = useUser();
  const alert = useResource(() => api.alert(id), [id]);
  useAlertUpdates((updates) => {
    const u = updates.find((a) => a.id === id);
    if (u) alert.setData(() => u);
  });
  return (
    <div className="page alert-page">
      <p className="crumbs">
        <Link to="/alerts">{t('alerts.title')}</Link> › #{id}
      </p>
      <Async r={alert}>
        {(a) => (
          <>
            <h1>
              <SeverityBadge severity={a.severity} /> {t(`alerts.rule.${a.rule}`)}{' '}
              <span className="muted">#{a.id}</span>
            </h1>
            <p>
              <strong data-testid="alert-state">{t(`alerts.st.${a.state}`)}</strong> · <AlertPlace alert={a} /> ·{' '}
              {t('alerts.opened')} {formatTime(a.openedAt, i18n.language)}
              {a.assignee && ` · ${t('alerts.assignee', { who: a.assignee })}`}
              {a.suppressed && ` · ${t('alerts.suppressed')}`}
              {snoozed(a) && (
                <span data-testid="snoozed">
                  {' · '}
                  {t('alerts.snoozedUntil', { time: formatTime(a.snoozedUntil!, i18n.language) })}
                </span>
              )}
            </p>
            <AlertWhat alert={a} />
            {a.state !== 'resolved' && <AlertActions alert={a} onChange={(x) => alert.setData(() => x)} />}
            {a.cameraId && picturesAllowed(user) && (
              <section className="panel">
                <h2>{t('video.title')}</h2>
                <LiveView cameraId={a.cameraId} admin={user.role === 'admin'} />
              </section>
            )}
            <section className="panel">
              <h2>{t('alerts.timeline')}</h2>
              <AlertTimeline alert={a} />
            </section>
          </>
        )}
      </Async>
    </div>
  );
}
