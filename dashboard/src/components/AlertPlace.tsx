import type { Alert } from '@kuzet/protocol';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { alertPlace } from '../lib/alerts';

/** An alert's school and camera by name, linked; the ids as tooltips (secondary detail). */
export function AlertPlace({ alert: a }: { alert: Alert }) {
  const { i18n } = useTranslation();
  const p = alertPlace(a, i18n.language);
  return (
    <>
      <Link to={`/schools/${a.schoolId}`} title={a.schoolId}>
        {p.school}
      </Link>
      {p.district && <span className="muted"> ({p.district})</span>}
      {a.cameraId && (
        <>
          {' / '}
          <Link to={`/cameras/${a.cameraId}`} title={a.cameraId} data-testid="alert-camera">
            {p.camera}
          </Link>
          {p.zone && <span className="muted"> · {p.zone}</span>}
        </>
      )}
    </>
  );
}
