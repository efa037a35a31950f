import type { District } from '@kuzet/protocol';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../api/client.ts';
import { Async } from '../components/Async.tsx';
import { SchoolTable } from '../components/SchoolTable.tsx';
import { CountsBar } from '../components/Status.tsx';
import { useComplianceUpdates, useDeltas } from '../hooks/live.tsx';
import { useResource } from '../hooks/resource.ts';
import { useWorksUnderWay } from '../hooks/works.ts';
import { placeName } from '../lib/names.ts';
import { applyCompliance, applyDeltas } from '../lib/schools.ts';

/** A region (its districts and schools), or with no region every school the user may see. */
export function SchoolsPage() {
  const { t, i18n } = useTranslation();
  const { code } = useParams();
  // one district of the region (from the regional home's tiles)
  const district = useSearchParams()[0].get('district') ?? undefined;
  const schools = useResource(() => api.schools(code), [code]);
  const regions = useResource(() => api.regions(), []);
  const districts = useResource(async () => {
    const codes = code ? [code] : (regions.data ?? []).map((r) => r.code);
    return (await Promise.all(codes.map((c) => api.districts(c)))).flat();
  }, [code, regions.data]);
  useDeltas((ds) => {
    schools.setData((p) => p && { ...p, items: applyDeltas(p.items, ds) });
  });
  useComplianceUpdates((cs) => {
    schools.setData((p) => p && { ...p, items: applyCompliance(p.items, cs) });
  });
  const districtMap = useMemo(
    () => new Map<string, District>((districts.data ?? []).map((d) => [d.id, d])),
    [districts.data],
  );
  const works = useWorksUnderWay();
  const region = regions.data?.find((r) => r.code === code);
  const inDistrict = district ? districts.data?.find((d) => d.id === district) : undefined;
  return (
    <div className="page schools">
      <p className="crumbs">
        <Link to="/">{t('nav.overview')}</Link> ›{' '}
        {region && inDistrict ? (
          <>
            <Link to={`/regions/${region.code}`}>{placeName(region, i18n.language)}</Link> ›{' '}
            {placeName(inDistrict, i18n.language)}
          </>
        ) : region ? (
          placeName(region, i18n.language)
        ) : (
          t('nav.schools')
        )}
      </p>
      <h1>
        {inDistrict
          ? placeName(inDistrict, i18n.language)
          : region
            ? placeName(region, i18n.language)
            : t('nav.schools')}
      </h1>
      {inDistrict ? <CountsBar counts={inDistrict.counts} /> : region && <CountsBar counts={region.counts} />}
      {code && !district && districts.data && districts.data.length > 0 && (
        <details className="panel">
          <summary>
            <h2 className="inline">{t('region.districts')}</h2> ({districts.data.length})
          </summary>
          <ul className="districts">
            {districts.data.map((d) => (
              <li key={d.id}>
                <span>{placeName(d, i18n.language)}</span> <CountsBar counts={d.counts} compact />
              </li>
            ))}
          </ul>
        </details>
      )}
      <section className="panel">
        <h2>{t('region.schools')}</h2>
        <Async r={schools}>
          {(p) => (
            <SchoolTable
              rows={district ? p.items.filter((s) => s.districtId === district) : p.items}
              districts={districtMap}
              works={works}
            />
          )}
        </Async>
      </section>
    </div>
  );
}
