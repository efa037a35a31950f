import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/client.ts';
import { useRefusal } from '../hooks/outcome.ts';

/**
 * Removing a closed school from the registry (admins): two steps — the button, then a confirmation that says what
 * goes — and, when the server refuses (an agent still enrolled, a user of the school), every reason it gave.
 */
export function SchoolRemoval({ schoolId, name }: { schoolId: string; name: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  // the refusal's reasons, listed below
  const { problems, take, clear } = useRefusal();
  const [error, setError] = useState<string>();
  const remove = () => {
    setBusy(true);
    clear();
    setError(undefined);
    api.removeSchool(schoolId).then(
      () => navigate('/schools', { replace: true }),
      (e: Error) => {
        setBusy(false);
        setConfirming(false);
        // the server's reasons are listed below; its one-line summary would only repeat them in English
        setError(take(e) ? t('schoolRemoval.blocked') : t('schoolRemoval.refused', { message: e.message }));
      },
    );
  };
  return (
    <section className="panel" data-testid="school-removal">
      <h2>{t('schoolRemoval.title')}</h2>
      <p className="muted small">{t('schoolRemoval.hint')}</p>
      {confirming ? (
        <p role="alert">
          {t('schoolRemoval.confirm', { name })}{' '}
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={remove}
            data-testid="school-removal-confirm"
          >
            {t('schoolRemoval.confirmButton')}
          </button>{' '}
          <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
            {t('schoolRemoval.cancel')}
          </button>
        </p>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} data-testid="school-removal-start">
          {t('schoolRemoval.button')}
        </button>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {problems.length > 0 && (
        <ul className="error small" data-testid="school-removal-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
