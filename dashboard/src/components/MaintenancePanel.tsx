import { MAINTENANCE_LIMITS, type MaintenanceWindow } from '@kuzet/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { useUser } from '../hooks/auth.tsx';
import { useOutcome } from '../hooks/outcome.ts';
import type { Resource } from '../hooks/resource.ts';
import { formatTime, fromAlmatyInput, toAlmatyInput } from '../lib/format.ts';
import { underWay } from '../lib/works.ts';
import { Async } from './Async.tsx';
import { FormMessage } from './FormMessage.tsx';

type Cameras = { cameraId: string; label: string }[];

/** What a window covers: its camera by the name people know it by, or the whole school. */
const worksLabel = (w: MaintenanceWindow, cameras: Cameras, wholeSchool: string) =>
  w.cameraId ? (cameras.find((c) => c.cameraId === w.cameraId)?.label ?? w.cameraId) : wholeSchool;

/**
 * The works under way, at the top of the school's page: whoever opens the school from an alert sees at once that
 * nobody is paged for it, and until when.
 */
export function WorksUnderWay({ windows, cameras }: { windows: MaintenanceWindow[]; cameras: Cameras }) {
  const { t, i18n } = useTranslation();
  const now = Date.now();
  return windows
    .filter((w) => underWay(w, now))
    .map((w) => (
      <p key={w.id} className="warn" data-testid="works-now">
        ⚒{' '}
        {t('maintenance.underWay', {
          what: worksLabel(w, cameras, t('maintenance.wholeSchool')),
          to: formatTime(w.to, i18n.language),
          reason: w.reason,
        })}
      </p>
    ));
}

/**
 * A school's planned works (maintenance windows) on its page: while one is under way the school's — or one camera's —
 * problems are recorded and nobody is paged. Listed for every role that sees the school; school staff, the region's
 * operators and admins plan them (staff briefly: the server's bounds, said above the form) and end them early (staff
 * only their own staff's).
 */
export function MaintenancePanel({
  schoolId,
  cameras,
  windows,
}: {
  schoolId: string;
  /** the school's cameras, by the names people know them by */
  cameras: Cameras;
  /** the school's windows not yet over (the page reads them once: its top says which are under way) */
  windows: Resource<MaintenanceWindow[]>;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const { msg, done, fail, clear } = useOutcome();
  const [busy, setBusy] = useState(false);
  const plans = user.role !== 'auditor';
  const ends = (w: MaintenanceWindow) => plans && (user.role !== 'school' || w.byRole === 'school');
  const label = (w: MaintenanceWindow) => worksLabel(w, cameras, t('maintenance.wholeSchool'));
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    clear();
    const form = e.currentTarget;
    const f = new FormData(form);
    const from = fromAlmatyInput(String(f.get('from')));
    const hours = Number(f.get('hours'));
    if (!from || !(hours > 0)) return;
    const to = new Date(Date.parse(from) + hours * 3_600_000).toISOString();
    const cameraId = String(f.get('camera') ?? '');
    setBusy(true);
    api
      .planMaintenance({
        schoolId,
        from,
        to,
        reason: String(f.get('reason')).trim(),
        ...(cameraId ? { cameraId } : {}),
      })
      .then((w) => {
        done(t('maintenance.planned', { from: formatTime(w.from, lang), to: formatTime(w.to, lang) }));
        form.reset();
        windows.reload();
      }, fail)
      .finally(() => setBusy(false));
  };
  const end = (w: MaintenanceWindow) => {
    clear();
    api.endMaintenance(w.id).then(() => {
      done(t('maintenance.ended'));
      windows.reload();
    }, fail);
  };
  const now = Date.now();
  return (
    <section className="panel" data-testid="maintenance">
      <h2>{t('maintenance.title')}</h2>
      <p className="muted small">
        {t('maintenance.hint')}{' '}
        {t('maintenance.limits', {
          hours: MAINTENANCE_LIMITS.school.maxHours,
          days: MAINTENANCE_LIMITS.school.maxAheadDays,
        })}
      </p>
      <Async r={windows}>
        {(ws) =>
          ws.length === 0 ? (
            <p className="muted">{t('maintenance.none')}</p>
          ) : (
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('maintenance.when')}</th>
                    <th scope="col">{t('maintenance.what')}</th>
                    <th scope="col">{t('maintenance.reason')}</th>
                    <th scope="col" />
                  </tr>
                </thead>
                <tbody>
                  {ws.map((w) => {
                    const on = underWay(w, now);
                    return (
                      <tr key={w.id} data-window={w.id} data-state={on ? 'on' : 'planned'}>
                        <td>
                          <span className={on ? 'warn' : 'muted'}>
                            {on ? t('maintenance.now') : t('maintenance.later')}
                          </span>{' '}
                          {formatTime(w.from, lang)} – {formatTime(w.to, lang)}
                        </td>
                        <td>{label(w)}</td>
                        <td>
                          {w.reason} <span className="muted small">{t('maintenance.by', { name: w.by })}</span>
                        </td>
                        <td>
                          {ends(w) ? (
                            <button type="button" onClick={() => end(w)} data-action="end-window">
                              {t('maintenance.end')}
                            </button>
                          ) : (
                            plans && <span className="muted small">{t('maintenance.rrcOnly')}</span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
      {plans && (
        <form className="inline-form" onSubmit={submit}>
          <label>
            {t('maintenance.what')}{' '}
            <select name="camera" defaultValue="">
              <option value="">{t('maintenance.wholeSchool')}</option>
              {[...cameras]
                .sort((a, b) => a.label.localeCompare(b.label, lang))
                .map((c) => (
                  <option key={c.cameraId} value={c.cameraId}>
                    {c.label}
                  </option>
                ))}
            </select>
          </label>
          <label>
            {t('maintenance.from')}{' '}
            <input type="datetime-local" name="from" required defaultValue={toAlmatyInput(now)} />
          </label>
          <label>
            {t('maintenance.hours')}{' '}
            <input
              type="number"
              name="hours"
              required
              min={1}
              max={user.role === 'school' ? MAINTENANCE_LIMITS.school.maxHours : MAINTENANCE_LIMITS.staff.maxHours}
              defaultValue={2}
              className="narrow"
            />
          </label>
          <label>
            {t('maintenance.reason')}{' '}
            <input name="reason" required maxLength={500} placeholder={t('maintenance.reasonHint')} className="wide" />
          </label>
          <button type="submit" disabled={busy}>
            {t('maintenance.plan')}
          </button>
        </form>
      )}
      <FormMessage msg={msg} />
    </section>
  );
}
