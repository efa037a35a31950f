import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { useRegionNames } from '../hooks/region-names.ts';
import { placeName } from '../lib/names.ts';

/** Regions by name in the page's language, each code after it (what an administrator types in a regions field). */
export function RegionNames({ codes }: { codes: string[] }) {
  const { i18n } = useTranslation();
  const names = useRegionNames();
  return (
    <>
      {codes.map((code, i) => {
        const r = names.get(code);
        return (
          <Fragment key={code}>
            {i > 0 && ', '}
            {r ? (
              <>
                {placeName(r, i18n.language)} <span className="muted small">{code}</span>
              </>
            ) : (
              code
            )}
          </Fragment>
        );
      })}
    </>
  );
}
