import type { RegionSummary } from '@kuzet/protocol';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatPercent } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';
import { total, troubleShare, worstStatus } from '../lib/status.ts';
import { REGION_TILES, tileText, troubleFill } from '../lib/tiles.ts';
import { WorstIcon } from './Status.tsx';

/** Schematic tile map: every region the user may see, coloured by its share of cameras in trouble. */
export function RegionMap({ regions }: { regions: RegionSummary[] }) {
  const { t, i18n } = useTranslation();
  return (
    <ul className="tilemap" aria-label={t('overview.map')}>
      {regions.map((r) => {
        const pos = REGION_TILES[r.code] ?? { col: 1, row: 7, short: r.code };
        const share = troubleShare(r.counts);
        const n = total(r.counts);
        const worst = worstStatus(r.counts);
        const name = placeName(r, i18n.language);
        return (
          <li key={r.code} style={{ gridColumn: pos.col, gridRow: pos.row }}>
            <Link
              to={`/regions/${r.code}`}
              className="tile"
              data-region={r.code}
              style={{ background: troubleFill(share, n > 0), color: tileText(share) }}
              title={name}
              aria-label={`${name}: ${t('overview.trouble', { pct: formatPercent(share, i18n.language) })}`}
            >
              <span className="tile-short">{pos.short}</span>
              <span className="tile-name">{name}</span>
              <span className="tile-share">
                <WorstIcon worst={worst} />
                {n > 0 ? formatPercent(share, i18n.language) : '—'}
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
