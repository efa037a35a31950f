import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A button for what cannot be undone (deleting a user, revoking an agent): first the button, then the question with
 * the confirming button and Cancel. `onConfirm` settles when the action is done (or failed: the caller says why).
 */
export function ConfirmAction(p: {
  label: string;
  question: string;
  /** the confirming button's words (the button's by default) */
  confirmLabel?: string;
  onConfirm: () => Promise<unknown>;
  /** names the button for tests and for the confirming button: data-action="<name>" */
  name: string;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)} data-action={p.name}>
        {p.label}
      </button>
    );
  const confirm = () => {
    setBusy(true);
    p.onConfirm().finally(() => {
      setBusy(false);
      setAsking(false);
    });
  };
  return (
    <span role="alert" className="confirm-action">
      {p.question}{' '}
      <button type="button" className="danger" disabled={busy} onClick={confirm} data-confirm={p.name}>
        {p.confirmLabel ?? p.label}
      </button>{' '}
      <button type="button" disabled={busy} onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
}
