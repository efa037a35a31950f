import { useTranslation } from 'react-i18next';

/**
 * The foot of an editor of a versioned document (the requirements, the alerting configuration): "Save as version n"
 * once the draft differs from the version in force — a save is a new version, and for the requirements every school
 * judged again —, "Discard changes" back to it, and what came of the last save.
 */
export function SaveVersion(p: {
  /** the version a save would make */
  next: number;
  changed: boolean;
  onSave: () => void;
  onDiscard: () => void;
  msg?: string;
  testid: string;
}) {
  const { t } = useTranslation();
  return (
    <p>
      <button type="button" onClick={p.onSave} disabled={!p.changed} data-testid={p.testid}>
        {t('compliance.saveVersion', { v: p.next })}
      </button>{' '}
      {p.changed && (
        <button type="button" className="secondary" onClick={p.onDiscard}>
          {t('alerting.discard')}
        </button>
      )}{' '}
      {p.msg && <span role="status">{p.msg}</span>}
    </p>
  );
}
