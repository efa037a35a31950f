import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../lib/format.ts';

/** The search above a long admin list, with the list's own filters beside it. */
export function ListSearch(p: { query: string; onQuery: (q: string) => void; name: string; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="inline-form list-search">
      <label>
        {t('admin.search')}{' '}
        <input type="search" name={p.name} value={p.query} onChange={(e) => p.onQuery(e.target.value)} />
      </label>
      {p.children}
    </div>
  );
}

/** Under a list cut short: how many of how many found are shown (nothing when all are), or that none matched. */
export function ShownOf({ shown, found }: { shown: number; found: number }) {
  const { t, i18n } = useTranslation();
  if (found === 0) return <p className="muted">{t('admin.noMatch')}</p>;
  if (shown >= found) return null;
  return (
    <p className="muted small" data-testid="shown-of">
      {t('admin.shownOf', { shown: formatNumber(shown, i18n.language), found: formatNumber(found, i18n.language) })}
    </p>
  );
}
