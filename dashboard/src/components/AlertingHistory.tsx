import type { AlertingChange, AlertingVersion } from '@kuzet/protocol';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { useReloadOnApiChange } from '../hooks/api-change.ts';
import { useRegionNames } from '../hooks/region-names.ts';
import { useResource } from '../hooks/resource.ts';
import { formatNumber } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';
import { Async } from './Async.tsx';
import { FoldedPanel, useRestore, VersionTable } from './VersionHistory.tsx';

/**
 * The alerting configuration's versions (admins): when each came into force, who stored it (an administrator, a
 * school's staff keeping its contacts), what it changed — contacts by whose and how many, never an address — and an
 * earlier one brought back as the next version (a wrong save undone without retyping who is paged).
 */
export function AlertingHistory({ onRestored }: { onRestored: () => void }) {
  const { t } = useTranslation();
  return (
    <FoldedPanel title={t('alertingHistory.title')} testid="alerting-history" folded>
      {() => <History onRestored={onRestored} />}
    </FoldedPanel>
  );
}

function History({ onRestored }: { onRestored: () => void }) {
  const { t } = useTranslation();
  const history = useResource(() => api.alertingVersions(), [], false);
  // a save in the editor above (or a school's contacts changed from this page) is a new version: read them again
  useReloadOnApiChange(history.reload);
  const { status, run } = useRestore(
    api.restoreAlerting,
    (n, v) => t('alertingHistory.restoredNow', { n, v }),
    () => {
      history.reload();
      onRestored();
    },
  );
  return (
    <Async r={history}>
      {(h) => (
        <>
          <p className="muted small">{t('alertingHistory.hint')}</p>
          <VersionTable
            versions={h.versions}
            current={h.current}
            changes={(v) => <Changes v={v} />}
            restore={{ question: (n, v) => t('alertingHistory.restoreQuestion', { n, v }), run }}
          />
          {status}
        </>
      )}
    </Async>
  );
}

/** What a version changed, item by item in the reader's language (contacts by whose and how many, never an address). */
function Changes({ v }: { v: AlertingVersion }) {
  const { t, i18n } = useTranslation();
  const regions = useRegionNames();
  if (!v.changes)
    return <span className="muted">{t(v.version === 0 ? 'versions.firstVersion' : 'versions.notCompared')}</span>;
  if (!v.changes.length) return <span className="muted">{t('versions.noChange')}</span>;
  const lang = i18n.language;
  const region = (code: string) => {
    if (code === '*') return t('alertingHistory.everywhere');
    const r = regions.get(code);
    return r ? placeName(r, lang) : code;
  };
  const words = (c: AlertingChange) => {
    switch (c.kind) {
      case 'contacts':
        return t('alertingHistory.contacts', {
          region: region(c.region),
          level: t(`alertingHistory.level.${c.level}`),
          from: c.from,
          to: c.to,
        });
      case 'school_contacts':
        return t('alertingHistory.schoolContacts', { school: c.school, from: c.from, to: c.to });
      case 'person':
        return t('alertingHistory.person', { name: c.name, from: c.from, to: c.to });
      case 'section':
        return t(`alertingHistory.section.${c.section}`);
    }
  };
  return (
    <ul className="req-changes">
      {v.changes.map((c) => (
        <li key={JSON.stringify(c)}>{words(c)}</li>
      ))}
      {v.more && <li className="muted">{t('reqHistory.more', { n: formatNumber(v.more, lang) })}</li>}
    </ul>
  );
}
