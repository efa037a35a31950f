import type { RegionPaging } from '@kuzet/protocol';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { useRegionNames } from '../hooks/region-names.ts';
import { useResource } from '../hooks/resource.ts';
import { placeName } from '../lib/names.ts';
import { Async } from './Async.tsx';

/**
 * Who is paged about a region's alerts, at each escalation level and when: what the region's operators need to know
 * to trust the chain (and to tell an administrator when it is wrong). Contacts by label, never a whole address; the
 * server decides who may read it (the region's operators and admins) and by the same rule it pages by.
 */
export function RegionPagingPanel({ regionCode }: { regionCode: string }) {
  const { t, i18n } = useTranslation();
  const names = useRegionNames();
  const paging = useResource(() => api.regionPaging(regionCode), [regionCode], false);
  const region = names.get(regionCode);
  return (
    <details className="panel paging" data-testid={`paging-${regionCode}`}>
      <summary>
        <h2>{t('paging.title', { region: region ? placeName(region, i18n.language) : regionCode })}</h2>
      </summary>
      <Async r={paging}>{(p) => <Levels p={p} />}</Async>
    </details>
  );
}

function Levels({ p }: { p: RegionPaging }) {
  const { t } = useTranslation();
  const last = p.levels.at(-1)?.level ?? 0;
  return (
    <>
      {p.fallback && <p className="warn">{t('paging.fallback')}</p>}
      <ol className="paging-levels">
        {p.levels.map((l) => (
          <li key={l.level}>
            <strong>
              {l.level === 0
                ? t('paging.level0')
                : t(l.level === 1 ? 'paging.level1' : 'paging.levelN', { min: l.afterMinutes })}
            </strong>{' '}
            {l.targets.length ? (
              // two contacts may share a label (two webhooks of one host): said once, counted
              [...labelCounts(l.targets)].map(([label, n]) => (
                <span key={label} className="paging-target">
                  {label}
                  {n > 1 && ` ×${n}`}
                </span>
              ))
            ) : (
              <span className="error small">{t('paging.nobody')}</span>
            )}
          </li>
        ))}
      </ol>
      <p className="muted small">
        {last > 0 && p.renotifyMinutes > 0 && p.maxRenotify > 0
          ? t('paging.renotify', { min: p.renotifyMinutes, n: p.maxRenotify })
          : t('paging.noRenotify')}{' '}
        {t('paging.schools', { n: p.schoolsWithContacts })}
      </p>
      <p className="muted small">{t('paging.hint')}</p>
    </>
  );
}

function labelCounts(targets: RegionPaging['levels'][number]['targets']): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of targets) m.set(x.label, (m.get(x.label) ?? 0) + 1);
  return m;
}
