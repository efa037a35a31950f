import { type AlertingConfig, CONTACT_LEVELS, type Contacts, type NotifyTarget, type Region } from '@kuzet/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { placeName } from '../lib/names.ts';
import { SchoolLink } from './SchoolLink.tsx';
import { AddButton, TargetFields, Targets, useTargetForm } from './TargetList.tsx';

type Level = (typeof CONTACT_LEVELS)[number];
/** every region without contacts of its own */
export const EVERYWHERE = '*';

const regionLabel = (code: string, regions: Region[], lang: string, everywhere: string) => {
  if (code === EVERYWHERE) return everywhere;
  const r = regions.find((x) => x.code === code);
  return r ? `${placeName(r, lang)} (${code})` : code;
};

/**
 * Who is paged, per region: its operators when an alert opens, its duty officer and then the akimat's contact as a
 * critical alert stays unacknowledged. "Everywhere" serves every region without contacts of its own.
 */
export function ContactsEditor({
  draft,
  setDraft,
  regions,
}: {
  draft: AlertingConfig;
  setDraft: (f: (d: AlertingConfig) => AlertingConfig) => void;
  regions: Region[];
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const form = useTargetForm();
  const [region, setRegion] = useState(EVERYWHERE);
  const [level, setLevel] = useState<Level>('operators');
  const codes = Object.keys(draft.contacts).sort((a, b) =>
    a === EVERYWHERE ? -1 : b === EVERYWHERE ? 1 : a < b ? -1 : 1,
  );
  const setList = (code: string, lv: Level, list: NotifyTarget[]) =>
    setDraft((d) => {
      const c: Contacts = { ...(d.contacts[code] ?? { operators: [], duty: [], akimat: [] }), [lv]: list };
      const contacts = { ...d.contacts, [code]: c };
      // a region left with nobody at any level falls back to "everywhere" again
      if (code !== EVERYWHERE && CONTACT_LEVELS.every((l) => !c[l].length)) delete contacts[code];
      return { ...d, contacts };
    });
  const after = draft.escalation.afterMinutes;
  const levelTitle = (lv: Level) =>
    lv === 'operators'
      ? t('alerting.level.operators')
      : t(`alerting.level.${lv}`, { n: after[lv === 'duty' ? 0 : 1] ?? '—' });
  const everywhere = t('alerting.everywhere');
  return (
    <div data-testid="alerting-contacts">
      <h3>{t('alerting.contacts')}</h3>
      <p className="muted small">{t('alerting.contactsHint')}</p>
      <div className="table-scroll">
        <table className="cams">
          <thead>
            <tr>
              <th scope="col">{t('alerting.region')}</th>
              {CONTACT_LEVELS.map((lv) => (
                <th key={lv} scope="col">
                  {levelTitle(lv)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {codes.map((code) => (
              <tr key={code} data-contacts={code}>
                <th scope="row">{regionLabel(code, regions, lang, everywhere)}</th>
                {CONTACT_LEVELS.map((lv) => (
                  <td key={lv} data-level={lv}>
                    <Targets
                      list={draft.contacts[code]?.[lv] ?? []}
                      onChange={(l) => setList(code, lv, l)}
                      alone={code !== EVERYWHERE && !!draft.contacts[EVERYWHERE]?.[lv].length}
                      testable
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <SchoolsWithContacts draft={draft} />
      <form
        className="inline-form"
        data-testid="add-contact"
        onSubmit={(e) => {
          e.preventDefault();
          const target = form.take();
          setList(region, level, [...(draft.contacts[region]?.[level] ?? []), target]);
        }}
      >
        <label>
          {t('alerting.region')}
          <select name="region" value={region} onChange={(e) => setRegion(e.target.value)}>
            <option value={EVERYWHERE}>{everywhere}</option>
            {regions.map((r) => (
              <option key={r.code} value={r.code}>
                {regionLabel(r.code, regions, lang, everywhere)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alerting.levelLabel')}
          <select name="level" value={level} onChange={(e) => setLevel(e.target.value as Level)}>
            {CONTACT_LEVELS.map((lv) => (
              <option key={lv} value={lv}>
                {levelTitle(lv)}
              </option>
            ))}
          </select>
        </label>
        <TargetFields {...form.fields} />
        <AddButton already={form.already(draft.contacts[region]?.[level])} />
      </form>
    </div>
  );
}

/** The schools whose own people are told of their alerts (kept on each school's page). */
function SchoolsWithContacts({ draft }: { draft: AlertingConfig }) {
  const { t } = useTranslation();
  const ids = Object.keys(draft.schools)
    .filter((id) => draft.schools[id]!.contacts.length)
    .sort();
  if (!ids.length) return null;
  return (
    <p className="small" data-testid="schools-with-contacts">
      {t('alerting.schoolsOwn', { count: ids.length })}{' '}
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 && ', '}
          <SchoolLink id={id} />
        </span>
      ))}
    </p>
  );
}

/** People's own contacts: told when an alert is assigned to them. */
export function PeopleEditor({
  draft,
  setDraft,
  usernames,
}: {
  draft: AlertingConfig;
  setDraft: (f: (d: AlertingConfig) => AlertingConfig) => void;
  /** the operators and administrators (alerts are assigned to them) */
  usernames: string[];
}) {
  const { t } = useTranslation();
  const form = useTargetForm();
  const [user, setUser] = useState('');
  const setList = (name: string, list: NotifyTarget[]) =>
    setDraft((d) => {
      const people = { ...d.people, [name]: list };
      if (!list.length) delete people[name];
      return { ...d, people };
    });
  const names = Object.keys(draft.people).sort();
  return (
    <div data-testid="alerting-people">
      <h3>{t('alerting.people')}</h3>
      <p className="muted small">{t('alerting.peopleHint')}</p>
      {names.length > 0 && (
        <table className="cams">
          <tbody>
            {names.map((name) => (
              <tr key={name} data-person={name}>
                <th scope="row">
                  {name}
                  {!usernames.includes(name) && <span className="error small"> {t('alerting.noSuchUser')}</span>}
                </th>
                <td>
                  <Targets list={draft.people[name] ?? []} onChange={(l) => setList(name, l)} testable />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="inline-form"
        data-testid="add-person"
        onSubmit={(e) => {
          e.preventDefault();
          const target = form.take();
          setList(user, [...(draft.people[user] ?? []), target]);
        }}
      >
        <label>
          {t('admin.username')}
          <select name="person" value={user} onChange={(e) => setUser(e.target.value)} required>
            <option value="" />
            {usernames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <TargetFields {...form.fields} />
        <AddButton already={form.already(draft.people[user])} />
      </form>
    </div>
  );
}
