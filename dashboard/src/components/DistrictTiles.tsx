import type { District, StatusCounts } from '@kuzet/protocol';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatNumber, formatPercent } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';
import { total, troubleShare, worstStatus } from '../lib/status.ts';
import { tileText, troubleFill } from '../lib/tiles.ts';
import { WorstIcon } from './Status.tsx';

/** A regional user's home: their region's districts as tiles, coloured like the country's region tiles. */
export function DistrictTiles({ districts }: { districts: (District & { counts: StatusCounts })[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <ul className="district-tiles" aria-label={t('region.districts')}>
      {districts.map((d) => {
        const share = troubleShare(d.counts);
        const n = total(d.counts);
        const worst = worstStatus(d.counts);
        const name = placeName(d, lang);
        return (
          <li key={d.id}>
            <Link
              to={`/regions/${d.regionCode}?district=${encodeURIComponent(d.id)}`}
              className="tile"
              data-district={d.id}
              style={{ background: troubleFill(share, n > 0), color: tileText(share) }}
              title={name}
            >
              <span className="tile-name">{name}</span>
              <span className="tile-share">
                <WorstIcon worst={worst} />
                {n > 0 ? t('overview.trouble', { pct: formatPercent(share, lang) }) : t('overview.noCameras')}
              </span>
              <span className="tile-count">{t('overview.cameraCount', { n: formatNumber(n, lang) })}</span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
