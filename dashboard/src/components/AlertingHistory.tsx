import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { useReloadOnApiChange } from '../hooks/api-change.ts';
import { useResource } from '../hooks/resource.ts';
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
            changes={(v) =>
              v.change !== undefined ? (
                <span className="small">{v.change || t('versions.noChange')}</span>
              ) : (
                <span className="muted">{t(v.version === 0 ? 'versions.firstVersion' : 'versions.notCompared')}</span>
              )
            }
            restore={{ question: (n, v) => t('alertingHistory.restoreQuestion', { n, v }), run }}
          />
          {status}
        </>
      )}
    </Async>
  );
}
