import { PICTURE_ROLES, type User } from '@kuzet/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../lib/format.ts';

/** Who may see camera pictures (children appear in them): the server's rule, to offer the button. */
export const picturesAllowed = (u: User) => PICTURE_ROLES.includes(u.role);

/**
 * A camera's latest picture, fetched only when asked for (every view is recorded by the server), never kept: hiding
 * it drops the image.
 */
export function CameraPicture({ cameraId, snapshotAt }: { cameraId: string; snapshotAt?: string }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState(false);
  if (!snapshotAt) return <span className="muted">{t('school.pictureNone')}</span>;
  return (
    <div className="picture">
      <button
        type="button"
        className="small-button"
        aria-expanded={open}
        onClick={() => {
          setFailed(false);
          setOpen((o) => !o);
        }}
      >
        {open ? t('school.pictureHide') : t('school.pictureShow')}
      </button>
      {open && (
        <figure>
          {failed ? (
            <p className="bad">{t('school.pictureFailed')}</p>
          ) : (
            <img
              src={`/api/v1/cameras/${encodeURIComponent(cameraId)}/snapshot?at=${encodeURIComponent(snapshotAt)}`}
              alt={t('school.pictureAlt', { id: cameraId })}
              data-testid="camera-picture"
              onError={() => setFailed(true)}
            />
          )}
          <figcaption className="muted small">
            {t('school.pictureTaken', { time: formatTime(snapshotAt, i18n.language) })}
          </figcaption>
        </figure>
      )}
    </div>
  );
}
