import type { AlertingConfig, Contacts, NotifyLang, NotifyTarget, Region } from '@kuzet/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { placeName } from '../lib/names.ts';

export const LEVELS = ['operators', 'duty', 'akimat'] as const satisfies readonly (keyof Contacts)[];
type Level = (typeof LEVELS)[number];
type Channel = NotifyTarget['channel'];
const CHANNELS: Channel[] = ['webhook', 'email', 'telegram'];
/** every region without contacts of its own */
export const EVERYWHERE = '*';

/** Where a target sends: its URL, address or chat. */
export const addressOf = (t: NotifyTarget) =>
  t.channel === 'webhook' ? t.url : t.channel === 'email' ? t.to : t.chatId;

function targetOf(channel: Channel, address: string, lang: string): NotifyTarget {
  const l = lang === 'kk' || lang === 'en' ? { lang: lang as NotifyLang } : {}; // Russian is the notifications' default
  if (channel === 'webhook') return { channel, url: address, ...l };
  if (channel === 'email') return { channel, to: address, ...l };
  return { channel, chatId: address, ...l };
}

/**
 * One target as a chip: channel, address, language; "Test" sends it a test message now (what came of it is said under
 * it); × takes it out of the draft.
 */
function Target({ t: target, onRemove }: { t: NotifyTarget; onRemove: () => void }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<{ ok?: boolean; text: string }>();
  const test = () => {
    setResult({ text: t('alerting.testing') });
    api.testNotification(target).then(
      (r) =>
        setResult(
          r.delivered
            ? { ok: true, text: t('alerting.testDelivered') }
            : { ok: false, text: t('alerting.testFailed', { reason: r.reason }) },
        ),
      (e: Error) => setResult({ ok: false, text: t('admin.failed', { message: e.message }) }),
    );
  };
  return (
    <li className="target" data-target={addressOf(target)}>
      <span className="muted small">{t(`alerting.channel.${target.channel}`)}</span> <code>{addressOf(target)}</code>
      {target.lang && <span className="muted small"> · {target.lang}</span>}{' '}
      <button
        type="button"
        className="secondary small-button"
        data-action="test-target"
        title={t('alerting.testTitle', { address: addressOf(target) })}
        onClick={test}
      >
        {t('alerting.test')}
      </button>{' '}
      <button
        type="button"
        className="secondary small-button"
        aria-label={t('alerting.removeTarget', { address: addressOf(target) })}
        title={t('alerting.removeTarget', { address: addressOf(target) })}
        onClick={onRemove}
      >
        ×
      </button>
      {result && (
        <div role="status" className={`small ${result.ok === false ? 'error' : result.ok ? 'ok' : 'muted'}`}>
          {result.text}
        </div>
      )}
    </li>
  );
}

function Targets({
  list,
  onChange,
  alone,
}: {
  list: NotifyTarget[];
  onChange: (l: NotifyTarget[]) => void;
  /** nobody else stands in for this list when it is empty (a region's own contacts replace "everywhere") */
  alone?: boolean;
}) {
  const { t } = useTranslation();
  if (!list.length)
    return alone ? (
      <span className="error small">{t('alerting.nobodyHere')}</span>
    ) : (
      <span className="muted">{t('alerting.nobody')}</span>
    );
  return (
    <ul className="targets">
      {list.map((x, i) => (
        <Target key={`${x.channel}:${addressOf(x)}`} t={x} onRemove={() => onChange(list.filter((_, j) => j !== i))} />
      ))}
    </ul>
  );
}

/** Channel, address (its kind checked by the browser: a URL, an e-mail) and the notifications' language. */
function TargetFields({
  channel,
  setChannel,
  address,
  setAddress,
  lang,
  setLang,
}: {
  channel: Channel;
  setChannel: (c: Channel) => void;
  address: string;
  setAddress: (a: string) => void;
  lang: string;
  setLang: (l: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t('alerting.channelLabel')}
        <select name="channel" value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`alerting.channel.${c}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t(`alerting.address.${channel}`)}
        <input
          name="address"
          className="wide"
          type={channel === 'webhook' ? 'url' : channel === 'email' ? 'email' : 'text'}
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          required
        />
      </label>
      <label>
        {t('alerting.lang')}
        <select name="lang" value={lang} onChange={(e) => setLang(e.target.value)}>
          <option value="ru">Русский</option>
          <option value="kk">Қазақша</option>
          <option value="en">English</option>
        </select>
      </label>
    </>
  );
}

function useTargetForm() {
  const [channel, setChannel] = useState<Channel>('email');
  const [address, setAddress] = useState('');
  const [lang, setLang] = useState('ru');
  return {
    fields: { channel, setChannel, address, setAddress, lang, setLang },
    /** the address is already in the list it would go to (told once is enough) */
    already: (list: NotifyTarget[] | undefined) =>
      !!list?.some((x) => x.channel === channel && addressOf(x) === address.trim()),
    take: () => {
      const target = targetOf(channel, address.trim(), lang);
      setAddress('');
      return target;
    },
  };
}

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
      if (code !== EVERYWHERE && LEVELS.every((l) => !c[l].length)) delete contacts[code];
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
              {LEVELS.map((lv) => (
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
                {LEVELS.map((lv) => (
                  <td key={lv} data-level={lv}>
                    <Targets
                      list={draft.contacts[code]?.[lv] ?? []}
                      onChange={(l) => setList(code, lv, l)}
                      alone={code !== EVERYWHERE && !!draft.contacts[EVERYWHERE]?.[lv].length}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
            {LEVELS.map((lv) => (
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

function AddButton({ already }: { already: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <button type="submit" className="secondary" disabled={already}>
        {t('alerting.addContact')}
      </button>
      {already && <span className="muted small">{t('alerting.already')}</span>}
    </>
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
                  <Targets list={draft.people[name] ?? []} onChange={(l) => setList(name, l)} />
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
