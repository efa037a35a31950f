import { PICTURE_ROLES, type User } from '@kuzet/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, errorText } from '../api/client.ts';
import { formatNumber, formatTime } from '../lib/format.ts';

/** Who may see camera pictures (children appear in them): the server's rule, to offer the button. */
export const picturesAllowed = (u: User) => PICTURE_ROLES.includes(u.role);

const pictureUrl = (cameraId: string, kind: 'snapshot' | 'reference', at: string) =>
  `/api/v1/cameras/${encodeURIComponent(cameraId)}/${kind}?at=${encodeURIComponent(at)}`;

export interface PictureFacts {
  cameraId: string;
  snapshotAt?: string;
  referenceAt?: string;
  referenceBy?: string;
  sceneSimilarity?: number;
}

/**
 * A camera's latest picture, fetched only when asked for (every view is recorded by the server), never kept: hiding
 * it drops the image. Beside it, the camera's reference view: the person who sees that the picture shows what the
 * camera must watch confirms it, and each deep check then compares the picture with it (turned away, moved).
 */
export function CameraPicture({ facts, onChanged }: { facts: PictureFacts; onChanged?: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { cameraId, snapshotAt, referenceAt } = facts;
  const [open, setOpen] = useState(false);
  const [refOpen, setRefOpen] = useState(false);
  const [failed, setFailed] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>();
  if (!snapshotAt) return <span className="muted">{t('school.pictureNone')}</span>;
  const confirm = () => {
    setMsg(undefined);
    api.confirmReference(cameraId, snapshotAt).then(
      () => {
        setMsg({ ok: true, text: t('picture.confirmed') });
        onChanged?.();
      },
      (e: Error) =>
        setMsg({
          ok: false,
          text:
            e instanceof ApiError && e.status === 409
              ? t('picture.changed')
              : t('admin.failed', { message: errorText(e, i18n.language) }),
        }),
    );
  };
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
              src={pictureUrl(cameraId, 'snapshot', snapshotAt)}
              alt={t('school.pictureAlt', { id: cameraId })}
              data-testid="camera-picture"
              onError={() => setFailed(true)}
            />
          )}
          <figcaption className="muted small">
            {t('school.pictureTaken', { time: formatTime(snapshotAt, lang) })}
          </figcaption>
          {!failed &&
            (snapshotAt === referenceAt ? (
              <p className="small">{t('picture.isReference')}</p>
            ) : (
              <button type="button" className="small-button" onClick={confirm} data-testid="confirm-reference">
                {t('picture.confirm')}
              </button>
            ))}
          {msg && (
            <p className={msg.ok ? 'small' : 'bad small'} role="status">
              {msg.text}
            </p>
          )}
        </figure>
      )}
      <Reference facts={facts} open={refOpen} onToggle={() => setRefOpen((o) => !o)} />
    </div>
  );
}

function Reference({ facts, open, onToggle }: { facts: PictureFacts; open: boolean; onToggle: () => void }) {
  const { t, i18n } = useTranslation();
  const { cameraId, referenceAt, referenceBy, sceneSimilarity } = facts;
  if (!referenceAt) return <p className="muted small">{t('picture.noReference')}</p>;
  return (
    <div className="reference" data-testid="reference">
      <p className="small">
        {t('picture.reference', { time: formatTime(referenceAt, i18n.language), by: referenceBy ?? '—' })}
        {sceneSimilarity !== undefined && (
          <>
            {' · '}
            <span data-testid="scene-similarity">
              {t('picture.similarity', { n: formatNumber(sceneSimilarity, i18n.language) })}
            </span>
          </>
        )}{' '}
        <button type="button" className="small-button" aria-expanded={open} onClick={onToggle}>
          {open ? t('picture.referenceHide') : t('picture.referenceShow')}
        </button>
      </p>
      {open && (
        <img
          src={pictureUrl(cameraId, 'reference', referenceAt)}
          alt={t('picture.referenceAlt', { id: cameraId })}
          data-testid="reference-picture"
        />
      )}
    </div>
  );
}
