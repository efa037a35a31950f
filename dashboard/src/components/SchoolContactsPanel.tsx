import type { NotifyTarget } from '@kuzet/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { useRefusal } from '../hooks/outcome.ts';
import { useResource } from '../hooks/resource.ts';
import { Async } from './Async.tsx';
import { ProblemList } from './FormMessage.tsx';
import { AddButton, TargetFields, Targets, useTargetForm } from './TargetList.tsx';

/**
 * Who at the school is told of its alerts (its guard post, its deputy director for safety): when one opens, reopens
 * and ends, beside the RRC; escalation stays the RRC's. Kept by the school's staff, the region's operators and admins
 * (the server checks who may); saved as the alerting configuration's next version.
 */
export function SchoolContactsPanel({ schoolId }: { schoolId: string }) {
  const { t } = useTranslation();
  const stored = useResource(() => api.schoolContacts(schoolId), [schoolId], false);
  // said in the editor that the saved version starts
  const [saved, setSaved] = useState<number>();
  return (
    <Async r={stored}>
      {(s) => (
        <Editor
          key={s.version}
          schoolId={schoolId}
          stored={s.contacts}
          note={saved === s.version ? t('schoolContacts.saved') : undefined}
          onSaved={(v) => {
            setSaved(v);
            stored.reload();
          }}
        />
      )}
    </Async>
  );
}

function Editor({
  schoolId,
  stored,
  note,
  onSaved,
}: {
  schoolId: string;
  stored: NotifyTarget[];
  note?: string;
  onSaved: (version: number) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(stored);
  const [msg, setMsg] = useState<string | undefined>(note);
  const { problems, take, clear } = useRefusal();
  const form = useTargetForm();
  const changed = JSON.stringify(draft) !== JSON.stringify(stored);
  const save = () => {
    clear();
    api.saveSchoolContacts(schoolId, draft).then(
      (r) => onSaved(r.version),
      (e: Error) => {
        if (!take(e)) setMsg(t('admin.failed', { message: e.message }));
      },
    );
  };
  return (
    <section className="panel" data-testid="school-contacts">
      <h2>{t('schoolContacts.title')}</h2>
      <p className="muted small">{t('schoolContacts.hint')}</p>
      <p className="muted small">{t('schoolContacts.testHint')}</p>
      {/* a saved contact can be sent a test message (the school's own test: never another address) */}
      <Targets
        list={draft}
        onChange={setDraft}
        testable={(x) => api.testSchoolContact(schoolId, x)}
        canTest={(x) => stored.some((s) => JSON.stringify(s) === JSON.stringify(x))}
      />
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setDraft((d) => [...d, form.take()]);
          setMsg(undefined);
        }}
      >
        <TargetFields {...form.fields} />
        <AddButton already={form.already(draft)} />
      </form>
      <p>
        <button type="button" onClick={save} disabled={!changed} data-testid="save-school-contacts">
          {t('schoolContacts.save')}
        </button>{' '}
        {msg && <span role="status">{msg}</span>}
      </p>
      <ProblemList problems={problems} />
    </section>
  );
}
