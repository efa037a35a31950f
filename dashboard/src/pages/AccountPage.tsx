import { KZ_REGIONS } from '@kuzet/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.ts';
import { FormMessage, type Outcome } from '../components/FormMessage.tsx';
import { useUser } from '../hooks/auth.tsx';
import { placeName } from '../lib/names.ts';

/**
 * The signed-in user's account: who they are and what they see, and changing their password (the current one with
 * it). The server ends every other session of theirs; this one goes on.
 */
export function AccountPage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const [msg, setMsg] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const [current, password, repeat] = ['current', 'password', 'repeat'].map((k) => String(f.get(k) ?? ''));
    if (password !== repeat) return setMsg({ ok: false, text: t('account.mismatch') });
    setBusy(true);
    setMsg(undefined);
    api.changePassword(current!, password!).then(
      () => {
        setBusy(false);
        form.reset();
        setMsg({ ok: true, text: t('account.changed') });
      },
      (err: Error) => {
        setBusy(false);
        const status = err instanceof ApiError ? err.status : 0;
        setMsg({
          ok: false,
          text:
            status === 403
              ? t('account.wrongCurrent')
              : status === 400
                ? t('account.rules')
                : t('admin.failed', { message: err.message }),
        });
      },
    );
  };
  return (
    <div className="page account">
      <h1>{t('account.title')}</h1>
      <p>
        {t('nav.signedInAs', { user: user.username, role: t(`role.${user.role}`) })}
        {' · '}
        {user.schoolId ??
          (user.regions.length
            ? user.regions
                .map((code) => {
                  const r = KZ_REGIONS.find((x) => x.code === code);
                  return r ? placeName(r, i18n.language) : code;
                })
                .join(', ')
            : t('admin.wholeCountry'))}
      </p>
      <section className="panel" data-testid="password-change">
        <h2>{t('account.password')}</h2>
        <p className="muted small">{t('account.hint')}</p>
        <form className="inline-form" onSubmit={submit}>
          <label>
            {t('account.current')} <input name="current" type="password" autoComplete="current-password" required />
          </label>
          <label>
            {t('account.new')}{' '}
            <input
              name="password"
              type="password"
              autoComplete="new-password"
              minLength={10}
              maxLength={200}
              required
            />
          </label>
          <label>
            {t('account.repeat')}{' '}
            <input name="repeat" type="password" autoComplete="new-password" minLength={10} maxLength={200} required />
          </label>
          <button type="submit" disabled={busy}>
            {t('account.save')}
          </button>
        </form>
        <FormMessage msg={msg} />
      </section>
    </div>
  );
}
