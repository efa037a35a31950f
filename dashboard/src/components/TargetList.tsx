import { type NotifyLang, type NotifyTarget, targetAddress } from '@kuzet/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';

/** sends one target a test message now: delivered, or why not */
export type TestTarget = (t: NotifyTarget) => Promise<{ delivered: boolean; reason?: string }>;

/*
 * A list of notification targets (webhooks, e-mails, Telegram chats) as chips, and the fields that add one: the
 * region's contacts and people's own in the alerting editor, a school's own on its page.
 */

type Channel = NotifyTarget['channel'];
const CHANNELS: Channel[] = ['webhook', 'email', 'telegram'];

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
function Target({ t: target, onRemove, onTest }: { t: NotifyTarget; onRemove: () => void; onTest?: TestTarget }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<{ ok?: boolean; text: string }>();
  const test = () => {
    setResult({ text: t('alerting.testing') });
    onTest!(target).then(
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
    <li className="target" data-target={targetAddress(target)}>
      <span className="muted small">{t(`alerting.channel.${target.channel}`)}</span>{' '}
      <code>{targetAddress(target)}</code>
      {target.lang && <span className="muted small"> · {target.lang}</span>}{' '}
      {onTest && (
        <button
          type="button"
          className="secondary small-button"
          data-action="test-target"
          title={t('alerting.testTitle', { address: targetAddress(target) })}
          onClick={test}
        >
          {t('alerting.test')}
        </button>
      )}{' '}
      <button
        type="button"
        className="secondary small-button"
        aria-label={t('alerting.removeTarget', { address: targetAddress(target) })}
        title={t('alerting.removeTarget', { address: targetAddress(target) })}
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

export function Targets({
  list,
  onChange,
  alone,
  testable,
  canTest,
}: {
  list: NotifyTarget[];
  onChange: (l: NotifyTarget[]) => void;
  /** nobody else stands in for this list when it is empty (a region's own contacts replace "everywhere") */
  alone?: boolean;
  /**
   * each target can be sent a test message: `true` any address (administrators: the server sends to any address they
   * give), or how a target is tested (a school's saved contacts, through the school's own test)
   */
  testable?: boolean | TestTarget;
  /** which targets may be tested (a school's: only the saved ones) */
  canTest?: (t: NotifyTarget) => boolean;
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
        <Target
          key={`${x.channel}:${targetAddress(x)}`}
          t={x}
          onTest={
            testable && (!canTest || canTest(x)) ? (testable === true ? api.testNotification : testable) : undefined
          }
          onRemove={() => onChange(list.filter((_, j) => j !== i))}
        />
      ))}
    </ul>
  );
}

/** Channel, address (its kind checked by the browser: a URL, an e-mail) and the notifications' language. */
export function TargetFields({
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

export function useTargetForm() {
  const [channel, setChannel] = useState<Channel>('email');
  const [address, setAddress] = useState('');
  const [lang, setLang] = useState('ru');
  return {
    fields: { channel, setChannel, address, setAddress, lang, setLang },
    /** the address is already in the list it would go to (told once is enough) */
    already: (list: NotifyTarget[] | undefined) =>
      !!list?.some((x) => x.channel === channel && targetAddress(x) === address.trim()),
    take: () => {
      const target = targetOf(channel, address.trim(), lang);
      setAddress('');
      return target;
    },
  };
}

export function AddButton({ already }: { already: boolean }) {
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
