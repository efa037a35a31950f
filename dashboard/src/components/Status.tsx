import type { CentreStatus, Reason, StatusCounts } from '@kuzet/protocol';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';
import { STATUS_META, STATUSES, total } from '../lib/status.ts';

/** A status as icon + word + colour (never colour alone). */
export function StatusBadge({ status }: { status: CentreStatus }) {
  const { t } = useTranslation();
  const m = STATUS_META[status];
  return (
    <span className={`badge badge-${status}`} style={{ borderColor: m.color, color: m.color }}>
      <span aria-hidden="true" className="badge-icon" style={{ background: m.color }}>
        {m.icon}
      </span>
      {t(`status.${status}`)}
    </span>
  );
}

/** A tile's mark of its worst status (none when all is well). */
export function WorstIcon({ worst }: { worst: CentreStatus | undefined }) {
  if (!worst || worst === 'online') return null;
  return (
    <span aria-hidden="true" className="tile-icon" style={{ background: STATUS_META[worst].color }}>
      {STATUS_META[worst].icon}
    </span>
  );
}

/** The options of a district select, named in the user's language. */
export function DistrictOptions({ districts }: { districts: { id: string; nameRu: string; nameKk: string }[] }) {
  const { i18n } = useTranslation();
  return (
    <>
      {districts.map((d) => (
        <option key={d.id} value={d.id}>
          {placeName(d, i18n.language)}
        </option>
      ))}
    </>
  );
}

/** A status's reasons in words; none is "—" in a table's cell, nothing at all where `bare` (a line of a timeline). */
export function Reasons({ reasons, bare = false }: { reasons: Reason[]; bare?: boolean }) {
  const { t } = useTranslation();
  if (!reasons.length) return bare ? null : <span className="muted">—</span>;
  return <span>{reasons.map((r) => t(`reason.${r}`)).join(', ')}</span>;
}

/** Counts by status: a stacked bar plus the figures with their icons. */
export function CountsBar({ counts, compact = false }: { counts: StatusCounts; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const n = total(counts);
  const present = STATUSES.filter((s) => (counts[s] ?? 0) > 0);
  return (
    <div className={compact ? 'counts compact' : 'counts'}>
      {!compact && (
        <div className="stack" aria-hidden="true">
          {present.map((s) => (
            <span key={s} style={{ flexGrow: counts[s], background: STATUS_META[s].color }} />
          ))}
        </div>
      )}
      <ul className="count-list">
        {(compact ? present : STATUSES).map((s) => (
          <li key={s} data-status={s}>
            <span aria-hidden="true" className="dot" style={{ background: STATUS_META[s].color }}>
              {STATUS_META[s].icon}
            </span>
            <span className="count-figure">{formatNumber(counts[s] ?? 0, i18n.language)}</span>{' '}
            {!compact && <span className="count-label">{t(`status.${s}`)}</span>}
            {compact && <span className="sr-only">{t(`status.${s}`)}</span>}
          </li>
        ))}
        {!compact && (
          <li className="count-total">
            {t('common.total')}: <strong>{formatNumber(n, i18n.language)}</strong>
          </li>
        )}
      </ul>
    </div>
  );
}
