import type { AlertingConfig } from '@kuzet/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.ts';
import { useRefusal } from '../hooks/outcome.ts';
import { useResource } from '../hooks/resource.ts';
import { formatNumber } from '../lib/format.ts';
import { AlertRulesEditor, EscalationEditor } from './AlertRulesEditor.tsx';
import { Async } from './Async.tsx';
import { ContactsEditor, PeopleEditor } from './ContactsEditor.tsx';
import { ProblemList } from './FormMessage.tsx';
import { SaveVersion } from './SaveVersion.tsx';

/**
 * Alerting and notifications (admins): who is paged in each region and at each escalation level, people's own
 * contacts, escalation times, acknowledgement deadlines and the rules' settings. Saved whole as the next version;
 * the server checks it (every problem shown here) and every instance pages by it at once.
 */
export function AlertingEditor() {
  const { t } = useTranslation();
  const doc = useResource(() => api.alerting(), [], false);
  // said above the editor: a saved version starts a new editor
  const [saved, setSaved] = useState<number>();
  return (
    <Async r={doc}>
      {(d) => (
        <Editor
          key={d.version}
          doc={d}
          note={saved === d.version ? t('alerting.saved', { v: saved }) : undefined}
          onSaved={(v) => {
            setSaved(v);
            doc.reload();
          }}
        />
      )}
    </Async>
  );
}

function Editor({ doc, note, onSaved }: { doc: AlertingConfig; note?: string; onSaved: (version: number) => void }) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<AlertingConfig>(doc);
  const { problems, take, clear } = useRefusal();
  const [msg, setMsg] = useState<string | undefined>(note);
  const regions = useResource(() => api.regions(), [], false);
  const users = useResource(() => api.users(), [], false);
  const assignable = (users.data ?? [])
    .filter((u) => u.role === 'operator' || u.role === 'admin')
    .map((u) => u.username);
  const save = () => {
    clear();
    setMsg(undefined);
    api.saveAlerting({ ...draft, version: doc.version + 1 }).then(
      (r) => onSaved(r.version),
      (e: Error) => {
        const n = take(e);
        if (n) setMsg(t('compliance.refused', { count: n, n: formatNumber(n, i18n.language) }));
        else if (e instanceof ApiError && e.status === 409) setMsg(t('alerting.conflict'));
        else setMsg(t('admin.failed', { message: e.message }));
      },
    );
  };
  return (
    <section className="panel" data-testid="alerting-editor">
      <h2>
        {t('alerting.title')} <span className="muted small">{t('alerting.version', { v: doc.version })}</span>
      </h2>
      <ContactsEditor draft={draft} setDraft={setDraft} regions={regions.data ?? []} />
      <PeopleEditor draft={draft} setDraft={setDraft} usernames={assignable} />
      <EscalationEditor draft={draft} setDraft={setDraft} />
      <details>
        <summary>{t('alerting.rules')}</summary>
        <AlertRulesEditor draft={draft} setDraft={setDraft} regions={regions.data ?? []} />
      </details>
      <SaveVersion
        next={doc.version + 1}
        changed={JSON.stringify(draft) !== JSON.stringify(doc)}
        onSave={save}
        onDiscard={() => setDraft(doc)}
        {...(msg ? { msg } : {})}
        testid="save-alerting"
      />
      <ProblemList problems={problems} />
    </section>
  );
}
