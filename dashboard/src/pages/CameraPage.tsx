import { type MeasurementEntry, zoneName } from '@kuzet/protocol';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, type CameraDetail } from '../api/client.ts';
import { AlertList } from '../components/Alerts.tsx';
import { Async } from '../components/Async.tsx';
import { CameraCompliance } from '../components/CameraCompliance.tsx';
import { CameraPicture, picturesAllowed } from '../components/CameraPicture.tsx';
import { LiveView } from '../components/LivePlayer.tsx';
import { WorksUnderWay } from '../components/MaintenancePanel.tsx';
import { Reasons, StatusBadge } from '../components/Status.tsx';
import { useUser } from '../hooks/auth.tsx';
import { useAlertUpdates, useComplianceUpdates, useDeltas, useRequirementsUpdates } from '../hooks/live.tsx';
import { useResource } from '../hooks/resource.ts';
import { chartPoints } from '../lib/chart.ts';
import { formatDecimal, formatNumber, formatTime } from '../lib/format.ts';

const SERIES = [
  { key: 'fps', kind: 'stream', color: '#1f6feb' },
  { key: 'height', kind: 'stream', color: '#8250df' },
  { key: 'retainedDays', kind: 'retention', color: '#1b7f3b' },
  { key: 'driftSeconds', kind: 'clock', color: '#c77800' },
] as const;

export function CameraPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const camera = useResource(() => api.camera(id), [id]);
  const history = useResource(() => api.cameraHistory(id), [id]);
  const measurements = useResource(() => api.measurements(id), [id]);
  const alerts = useResource(() => api.cameraAlerts(id), [id]);
  // the school's planned works: those covering this camera are said under its name (nobody is paged for it)
  const schoolId = camera.data?.schoolId;
  const windows = useResource(() => (schoolId ? api.maintenance(schoolId) : Promise.resolve([])), [schoolId]);
  // the zones' names (the document is small and the same for every camera)
  const requirements = useResource(() => api.requirements(), []);
  useAlertUpdates((updates) => {
    if (updates.some((a) => a.cameraId === id)) alerts.reload();
  });
  useDeltas((ds) => {
    const d = ds.findLast((x) => x.cameraId === id);
    if (!d) return;
    camera.setData((c) => c && { ...c, status: d.status, reasons: d.reasons, since: d.at });
    history.reload();
  });
  return (
    <div className="page camera">
      <Async r={camera}>
        {(c: CameraDetail) => (
          <>
            <p className="crumbs">
              <Link to="/">{t('nav.overview')}</Link> › <Link to={`/schools/${c.schoolId}`}>{c.schoolId}</Link> ›{' '}
              {c.cameraId}
            </p>
            {/* the name people know it by (the school's, else what the camera announces), else its address */}
            <h1>
              {c.name ?? c.host ?? c.cameraId} <StatusBadge status={c.status} />
            </h1>
            <WorksUnderWay
              windows={(windows.data ?? []).filter((w) => !w.cameraId || w.cameraId === c.cameraId)}
              cameras={[{ cameraId: c.cameraId, label: c.name ?? c.host ?? c.cameraId }]}
            />
            <p>
              {c.reasons.length > 0 && (
                <>
                  <Reasons reasons={c.reasons} />
                  {' · '}
                </>
              )}
              {t('camera.since')} {formatTime(c.since, lang)}
            </p>
            <section className="panel">
              <h2>{t('camera.identity')}</h2>
              <dl className="facts">
                <dt>{t('camera.manufacturer')}</dt>
                <dd>{c.manufacturer ?? '—'}</dd>
                <dt>{t('camera.model')}</dt>
                <dd>{c.model ?? '—'}</dd>
                <dt>{t('camera.serial')}</dt>
                <dd>{c.serial ?? '—'}</dd>
                <dt>{t('camera.firmware')}</dt>
                <dd>{(c.identity?.firmware as string | undefined) ?? '—'}</dd>
                <dt>{t('camera.host')}</dt>
                <dd>{c.host ?? '—'}</dd>
                <dt>{t('compliance.zone')}</dt>
                <dd>{c.zone ? zoneName(requirements.data?.zones ?? [], c.zone, lang) : '—'}</dd>
                <dt>{t('school.measured')}</dt>
                <dd>{c.width ? t('units.video', { w: c.width, h: c.height, fps: c.fps ?? '?' }) : '—'}</dd>
                <dt>{t('school.retained')}</dt>
                <dd>{c.retainedDays !== undefined ? formatDecimal(c.retainedDays, lang) : '—'}</dd>
                <dt>{t('school.drift')}</dt>
                <dd>
                  {c.clockDriftSeconds !== undefined
                    ? t('units.seconds', { n: formatNumber(Math.round(c.clockDriftSeconds * 10) / 10, i18n.language) })
                    : '—'}
                </dd>
              </dl>
            </section>
            <Verdict schoolId={c.schoolId} cameraId={c.cameraId} />
            <section className="panel">
              <h2>{t('video.title')}</h2>
              {picturesAllowed(user) ? (
                <LiveView cameraId={c.cameraId} admin={user.role === 'admin'} />
              ) : (
                <p className="muted small">{t('video.notAllowed')}</p>
              )}
            </section>
            <section className="panel">
              <h2>{t('school.picture')}</h2>
              {picturesAllowed(user) ? (
                <CameraPicture facts={c} onChanged={camera.reload} />
              ) : (
                <p className="muted small">{t('school.notAllowed')}</p>
              )}
            </section>
          </>
        )}
      </Async>
      <section className="panel">
        <h2>{t('alerts.title')}</h2>
        <Async r={alerts}>{(as) => <AlertList alerts={as.slice(0, 20)} />}</Async>
      </section>
      <section className="panel">
        <h2>{t('camera.measurements')}</h2>
        <Async r={measurements}>{(ms) => <Charts ms={ms} lang={lang} camera={camera.data} />}</Async>
      </section>
      <section className="panel">
        <h2>{t('camera.history')}</h2>
        <Async r={history}>
          {(hs) => (
            <ol className="timeline" data-testid="camera-history">
              {hs.map((h) => (
                <li key={`${h.at}|${h.status}|${h.reasons.join()}`}>
                  <time dateTime={h.at}>{formatTime(h.at, lang)}</time> <StatusBadge status={h.status} />{' '}
                  <Reasons reasons={h.reasons} bare />
                </li>
              ))}
            </ol>
          )}
        </Async>
      </section>
    </div>
  );
}

/**
 * The camera's measurements, each figure a step line. The series stores a change at once and a steady value only every
 * few hours, so its last entry is often hours old while the value still holds: the line goes on to when the camera
 * was last seen, not ending where the last stored entry is as if nothing was measured since, and ends on the figure
 * the camera's card shows (see chartPoints).
 */
function Charts({ ms, lang, camera }: { ms: MeasurementEntry[]; lang: string; camera?: CameraDetail }) {
  const { t } = useTranslation();
  if (!ms.length) return <p className="muted">{t('camera.noMeasurements')}</p>;
  const end = camera?.lastSeen ? Date.parse(camera.lastSeen) : undefined;
  const current = {
    fps: camera?.fps,
    height: camera?.height,
    retainedDays: camera?.retainedDays,
    driftSeconds: camera?.clockDriftSeconds,
  };
  return (
    <div className="charts">
      {SERIES.map((s) => {
        const data = chartPoints(ms, s.kind, s.key, end, current[s.key]);
        if (!data.length) return null;
        // a series over more than a day (it keeps three) names the day of each tick, not only its time
        const days = data[data.length - 1]!.t - data[0]!.t > 20 * 3_600_000;
        return (
          <figure key={s.key} className="chart">
            <figcaption>{t(`camera.${s.key}`)}</figcaption>
            <ResponsiveContainer width="100%" height={180}>
              <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  dataKey="t"
                  type="number"
                  scale="time"
                  domain={['dataMin', 'dataMax']}
                  tickFormatter={(x: number) => formatTime(new Date(x).toISOString(), lang, days)}
                />
                <YAxis tickFormatter={(v: number) => formatNumber(v, lang)} />
                <Tooltip
                  labelFormatter={(x) => formatTime(new Date(Number(x)).toISOString(), lang)}
                  formatter={(v) => formatNumber(Number(v), lang)}
                />
                <Legend />
                <Line
                  type="stepAfter"
                  dataKey="v"
                  name={t(`camera.${s.key}`)}
                  stroke={s.color}
                  dot={false}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        );
      })}
    </div>
  );
}

/** The camera's verdict, as its school's compliance has it (one verdict for every view), kept current live. */
function Verdict({ schoolId, cameraId }: { schoolId: string; cameraId: string }) {
  const compliance = useResource(() => api.schoolCompliance(schoolId), [schoolId]);
  useComplianceUpdates((cs) => {
    if (cs.some((c) => c.schoolId === schoolId)) compliance.reload();
  });
  useRequirementsUpdates(() => compliance.reload());
  const v = compliance.data?.cameras.find((c) => c.cameraId === cameraId)?.verdict;
  return v ? <CameraCompliance v={v} /> : null;
}
