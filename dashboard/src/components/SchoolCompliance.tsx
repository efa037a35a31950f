import { type SchoolCompliance as Answer, type Profile, type Zone, zoneName } from '@kuzet/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText } from '../api/client.ts';
import { useUser } from '../hooks/auth.tsx';
import { Verdict } from '../pages/CompliancePage.tsx';
import { Mark, markOf, retentionText } from './Mark.tsx';

/** A school's compliance: the verdict with every reason, the profile's numbers, the zones, each camera's verdict. */
export function SchoolCompliance({
  data,
  zones,
  profile,
  onChanged,
}: {
  data: Answer;
  zones: Zone[];
  profile?: Profile;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const canPlace = user.role === 'admin' || user.role === 'operator' || user.role === 'school';
  const v = data.verdict;
  return (
    <section className="panel" data-testid="school-compliance" data-compliant={String(v.compliant)}>
      <h2>
        {t('compliance.title')}: <Verdict v={v} />
      </h2>
      {profile && (
        <p className="small">
          {t('compliance.profile', {
            name: profile.name,
            days: profile.minRetentionDays,
            w: profile.minWidth,
            h: profile.minHeight,
            fps: profile.minFps,
            gap: profile.maxGapMinutes,
            window: profile.gapWindowDays,
            drift: profile.maxClockDriftSeconds,
          })}
        </p>
      )}
      {v.reasons.length > 0 && (
        <ul className="reasons-list">
          {v.reasons.map((r) => (
            <li key={r} className="bad">
              ✕ {t(`compliance.schoolReason.${r}`)}
            </li>
          ))}
        </ul>
      )}
      {v.zones.length > 0 && (
        <table className="zones-table">
          <thead>
            <tr>
              <th scope="col">{t('compliance.zone')}</th>
              <th scope="col">{t('compliance.required')}</th>
              <th scope="col">{t('compliance.present')}</th>
              <th scope="col">{t('compliance.compliant')}</th>
            </tr>
          </thead>
          <tbody>
            {v.zones.map((z) => (
              <tr key={z.zone} data-zone={z.zone} data-ok={String(z.ok)}>
                <td>
                  <span className={z.ok ? 'ok' : 'bad'}>{z.ok ? '✓' : '✕'}</span> {zoneName(zones, z.zone, lang)}
                </td>
                <td>{z.required}</td>
                <td>{z.present}</td>
                <td>{z.compliant}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <table className="cams" data-testid="camera-verdicts">
        <thead>
          <tr>
            <th scope="col">{t('compliance.name')}</th>
            <th scope="col">{t('compliance.zone')}</th>
            <th scope="col">{t('compliance.retention')}</th>
            <th scope="col">{t('compliance.resolution')}</th>
            <th scope="col">{t('compliance.verdict')}</th>
          </tr>
        </thead>
        <tbody>
          {data.cameras.map((c) => (
            <tr key={c.cameraId} data-verdict-camera={c.cameraId} data-compliant={String(c.verdict.compliant)}>
              <td>
                {canPlace ? (
                  <Placement
                    cameraId={c.cameraId}
                    name={c.name}
                    zone={c.zone}
                    suggested={c.suggestedZone}
                    zones={zones}
                    onSaved={onChanged}
                  />
                ) : (
                  (c.name ?? c.cameraId)
                )}
                <div className="muted small">{c.cameraId}</div>
              </td>
              <td>
                {c.zone ? zoneName(zones, c.zone, lang) : <span className="muted">—</span>}
                {!c.zone && c.suggestedZone && (
                  <div className="muted small">
                    {t('compliance.suggested', { zone: zoneName(zones, c.suggestedZone, lang) })}
                  </div>
                )}
              </td>
              <td>
                {c.verdict.retention.days !== undefined ? (
                  <Mark state={markOf(c.verdict.retention.state)}>
                    {retentionText(c.verdict.retention.days, t, lang)} / {c.verdict.retention.required}
                  </Mark>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                {c.verdict.resolution.width ? (
                  <Mark state={markOf(c.verdict.resolution.state)}>
                    {t('units.video', {
                      w: c.verdict.resolution.width,
                      h: c.verdict.resolution.height,
                      fps: c.verdict.resolution.fps,
                    })}
                  </Mark>
                ) : (
                  '—'
                )}
                <div className="muted small">{t(`compliance.source.${c.verdict.resolution.source}`)}</div>
              </td>
              <td className="small">
                {c.verdict.compliant ? (
                  <span className="ok">✓ {t('compliance.ok')}</span>
                ) : (
                  c.verdict.reasons.map((r) => (
                    <div key={r} className="bad">
                      ✕ {t(`compliance.reason.${r}`)}
                    </div>
                  ))
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Name and zone of a camera, set by the school's staff (or the RRC, an admin). */
function Placement(p: {
  cameraId: string;
  name?: string;
  zone?: string;
  suggested?: string;
  zones: Zone[];
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState(p.name ?? '');
  const [zone, setZone] = useState(p.zone ?? p.suggested ?? '');
  const [error, setError] = useState<string>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    api
      .placeCamera(p.cameraId, { ...(name.trim() ? { name: name.trim() } : {}), zone: zone || null })
      .then(p.onSaved, (err: Error) => setError(errorText(err, i18n.language)));
  };
  return (
    <form className="placement" onSubmit={submit}>
      <label>
        <span className="sr-only">{t('compliance.name')}</span>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={t('compliance.name')}
          maxLength={80}
        />
      </label>
      <label>
        <span className="sr-only">{t('compliance.zone')}</span>
        <select value={zone} onChange={(e) => setZone(e.target.value)}>
          <option value="">{t('compliance.noZone')}</option>
          {p.zones.map((z) => (
            <option key={z.id} value={z.id}>
              {zoneName(p.zones, z.id, i18n.language)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="secondary">
        {t('compliance.save')}
      </button>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </form>
  );
}
