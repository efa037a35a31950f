import type { CameraView } from '@kuzet/protocol';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, type SchoolDetail } from '../api/client.ts';
import { AlertList } from '../components/Alerts.tsx';
import { Async } from '../components/Async.tsx';
import { CameraPicture, picturesAllowed } from '../components/CameraPicture.tsx';
import { MaintenancePanel, WorksUnderWay } from '../components/MaintenancePanel.tsx';
import { retentionText } from '../components/Mark.tsx';
import { SchoolCompliance } from '../components/SchoolCompliance.tsx';
import { SchoolContactsPanel } from '../components/SchoolContactsPanel.tsx';
import { SchoolRemoval } from '../components/SchoolRemoval.tsx';
import { CountsBar, Reasons, StatusBadge } from '../components/Status.tsx';
import { useUser } from '../hooks/auth.tsx';
import { useAlertUpdates, useComplianceUpdates, useDeltas, useRequirementsUpdates } from '../hooks/live.tsx';
import { useResource } from '../hooks/resource.ts';
import { formatNumber, formatTime } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';
import { moveCount } from '../lib/status.ts';

export function SchoolPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const school = useResource(() => api.school(id), [id]);
  const cameras = useResource(() => api.schoolCameras(id), [id]);
  const history = useResource(() => api.schoolHistory(id), [id]);
  const alerts = useResource(() => api.schoolAlerts(id), [id]);
  const compliance = useResource(() => api.schoolCompliance(id), [id]);
  const windows = useResource(() => api.maintenance(id), [id]);
  const requirements = useResource(() => api.requirements(), []);
  useComplianceUpdates((cs) => {
    if (cs.some((c) => c.schoolId === id)) compliance.reload();
  });
  // a new requirement document: the profile shown and the verdicts computed with it change, for every school
  useRequirementsUpdates(() => {
    school.reload();
    requirements.reload();
    compliance.reload();
  });
  useAlertUpdates((updates) => {
    if (updates.some((a) => a.schoolId === id)) alerts.reload();
  });
  useDeltas((ds) => {
    const mine = ds.filter((d) => d.schoolId === id);
    if (!mine.length) return;
    cameras.setData((cs) => {
      if (!cs) return cs;
      const byId = new Map(mine.map((d) => [d.cameraId, d]));
      if (mine.some((d) => !cs.some((c) => c.cameraId === d.cameraId))) cameras.reload();
      return cs.map((c) => {
        const d = byId.get(c.cameraId);
        return d ? { ...c, status: d.status, reasons: d.reasons, since: d.at } : c;
      });
    });
    school.setData((s) => {
      if (!s) return s;
      let counts = s.counts;
      for (const d of mine) if (d.previous) counts = moveCount(counts, d.previous.status, d.status);
      return { ...s, counts };
    });
    history.reload();
    compliance.reload();
  });
  // pictures show children: only the roles that act on a camera see them (the server enforces it and records views)
  const pictures = picturesAllowed(user);
  const nameOf = (cameraId: string) => {
    const c = cameras.data?.find((x) => x.cameraId === cameraId);
    return c?.name ?? c?.host ?? cameraId;
  };
  const named = (cameras.data ?? []).map((c) => ({ cameraId: c.cameraId, label: nameOf(c.cameraId) }));
  return (
    <div className="page school">
      <Async r={school}>
        {(s: SchoolDetail) => (
          <>
            {user.role !== 'school' && (
              <p className="crumbs" data-testid="school-crumbs">
                <Link to="/">{t('nav.overview')}</Link> ›{' '}
                <Link to={`/regions/${s.regionCode}`}>{s.region ? placeName(s.region, lang) : s.regionCode}</Link> ›{' '}
                {s.district ? placeName(s.district, lang) : s.districtId}
              </p>
            )}
            <h1>{placeName(s, lang)}</h1>
            <WorksUnderWay windows={windows.data ?? []} cameras={named} />
            <p className="muted">
              {s.id} · {s.address} ·{' '}
              <Link to={`/archive?school=${encodeURIComponent(s.id)}`}>{t('archive.title')}</Link>
            </p>
            <CountsBar counts={s.counts} />
            <ul className="agents" aria-label={t('school.agent')}>
              {s.agentLinks.map((a) => (
                <li key={a.agentId} data-agent={a.agentId} data-link={a.linkDown ? 'down' : 'up'}>
                  {t('school.agent')} <code>{a.agentId}</code>:{' '}
                  {a.linkDown ? (
                    <span className="bad">⌁ {t('school.linkDown')}</span>
                  ) : (
                    <span className="ok">✓ {t('school.linkUp')}</span>
                  )}{' '}
                  <span className="muted small">
                    {a.lastSeen ? t('school.lastSeen', { time: formatTime(a.lastSeen, lang) }) : t('school.neverSeen')}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </Async>
      <Async r={compliance}>
        {(c) => (
          <SchoolCompliance
            data={c}
            zones={requirements.data?.zones ?? []}
            profile={requirements.data?.profiles.find((p) => p.name === c.verdict.profile)}
            onChanged={() => {
              compliance.reload();
              cameras.reload();
            }}
          />
        )}
      </Async>
      <section className="panel">
        <h2>{t('school.cameras')}</h2>
        <Async r={cameras}>
          {(cs) => (
            <CameraTable
              cameras={cs}
              minDays={school.data?.requirements?.minRetentionDays}
              lang={lang}
              pictures={pictures}
              onChanged={cameras.reload}
            />
          )}
        </Async>
        {!pictures && <p className="muted small">{t('school.notAllowed')}</p>}
      </section>
      <section className="panel">
        <h2>{t('alerts.title')}</h2>
        <Async r={alerts}>{(as) => <AlertList alerts={as.slice(0, 20)} />}</Async>
      </section>
      <MaintenancePanel schoolId={id} cameras={named} windows={windows} />
      {user.role !== 'auditor' && <SchoolContactsPanel schoolId={id} />}
      <section className="panel">
        <h2>{t('school.history')}</h2>
        <Async r={history}>
          {(hs) => (
            <ol className="timeline">
              {hs.slice(0, 30).map((h) => (
                <li key={`${h.at}|${h.cameraId}|${h.status}|${h.reasons.join()}`}>
                  <time dateTime={h.at}>{formatTime(h.at, lang)}</time>{' '}
                  {/* by the name people know the camera by, as in the table above (its id as the link's tooltip) */}
                  {h.cameraId && (
                    <Link to={`/cameras/${h.cameraId}`} title={h.cameraId} data-history-camera={h.cameraId}>
                      {nameOf(h.cameraId)}
                    </Link>
                  )}{' '}
                  <StatusBadge status={h.status} /> <Reasons reasons={h.reasons} bare />
                </li>
              ))}
            </ol>
          )}
        </Async>
      </section>
      {user.role === 'admin' && school.data && (
        <SchoolRemoval schoolId={school.data.id} name={placeName(school.data, lang)} />
      )}
    </div>
  );
}

function CameraTable({
  cameras,
  minDays,
  lang,
  pictures,
  onChanged,
}: {
  cameras: CameraView[];
  minDays?: number;
  lang: string;
  pictures: boolean;
  /** a camera's reference view was confirmed */
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const sorted = [...cameras].sort((a, b) => (a.host ?? a.cameraId).localeCompare(b.host ?? b.cameraId));
  return (
    <table className="cams">
      <thead>
        <tr>
          <th scope="col">{t('school.camera')}</th>
          <th scope="col">{t('table.status')}</th>
          <th scope="col">{t('school.reasons')}</th>
          <th scope="col">{t('school.measured')}</th>
          <th scope="col">{t('school.retained')}</th>
          <th scope="col">{t('school.drift')}</th>
          <th scope="col">{t('camera.since')}</th>
          {pictures && <th scope="col">{t('school.picture')}</th>}
        </tr>
      </thead>
      <tbody>
        {sorted.map((c) => (
          <tr key={c.cameraId} data-camera={c.cameraId} data-status={c.status}>
            <td>
              <Link to={`/cameras/${c.cameraId}`}>{c.name ?? c.host ?? c.cameraId}</Link>
              <div className="muted small">
                {[c.host, c.manufacturer, c.model].filter(Boolean).join(' · ')} · {c.cameraId}
              </div>
            </td>
            <td>
              <StatusBadge status={c.status} />
            </td>
            <td>
              <Reasons reasons={c.reasons} />
            </td>
            <td>{c.width ? t('units.video', { w: c.width, h: c.height, fps: c.fps ?? '?' }) : '—'}</td>
            <td>
              {c.retainedDays !== undefined ? (
                <span className={minDays !== undefined && c.retainedDays < minDays ? 'bad' : 'ok'}>
                  {minDays !== undefined && c.retainedDays < minDays ? '✕ ' : '✓ '}
                  {retentionText(c.retainedDays, t, lang)} / {minDays ?? '?'}
                </span>
              ) : (
                '—'
              )}
            </td>
            <td>
              {c.clockDriftSeconds !== undefined
                ? t('units.seconds', { n: formatNumber(Math.round(c.clockDriftSeconds * 10) / 10, i18n.language) })
                : '—'}
            </td>
            <td>{formatTime(c.since, lang)}</td>
            {pictures && (
              <td>
                <CameraPicture facts={c} onChanged={onChanged} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
