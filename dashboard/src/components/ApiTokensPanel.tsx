import type { CreatedApiToken } from '@kuzet/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { useOutcome } from '../hooks/outcome.ts';
import { useResource } from '../hooks/resource.ts';
import { formatTime } from '../lib/format.ts';
import { Async } from './Async.tsx';
import { ConfirmAction } from './ConfirmAction.tsx';
import { FormMessage } from './FormMessage.tsx';
import { RegionNames } from './RegionNames.tsx';

/**
 * Read-only API tokens for other state systems (admins): each one's name, regions, who made it and when it was last
 * used; a new one, shown once (the centre keeps only its hash); revoked after a confirmation, refused from the next
 * request on. Every change is in the audit log.
 */
export function ApiTokensPanel() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const tokens = useResource(() => api.apiTokens(), []);
  const { msg, done, fail, clear } = useOutcome();
  // the token just made: shown until the page is left (it cannot be read again)
  const [made, setMade] = useState<CreatedApiToken>();
  const create = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const regions = String(f.get('regions') ?? '')
      .split(',')
      .map((x) => x.trim().toUpperCase())
      .filter(Boolean);
    clear();
    setMade(undefined);
    api.createApiToken({ name: String(f.get('name') ?? ''), regions }).then((made) => {
      form.reset();
      setMade(made);
      tokens.reload();
    }, fail);
  };
  return (
    <section className="panel" data-testid="api-tokens">
      <h2>{t('tokens.title')}</h2>
      <p className="muted small">{t('tokens.hint')}</p>
      <Async r={tokens}>
        {(list) =>
          list.length ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('tokens.name')}</th>
                  <th scope="col">{t('admin.scope')}</th>
                  <th scope="col">{t('tokens.created')}</th>
                  <th scope="col">{t('tokens.lastUsed')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {list.map((k) => (
                  <tr key={k.id} data-token={k.id}>
                    <td>
                      {k.name} <code className="muted small">{k.id}</code>
                    </td>
                    <td>{k.regions.length ? <RegionNames codes={k.regions} /> : t('admin.wholeCountry')}</td>
                    <td>
                      {formatTime(k.createdAt, lang)} <span className="muted small">{k.createdBy}</span>
                    </td>
                    <td>{k.lastUsedAt ? formatTime(k.lastUsedAt, lang) : t('tokens.never')}</td>
                    <td>
                      <ConfirmAction
                        name={`revoke-token-${k.id}`}
                        label={t('admin.revoke')}
                        question={t('tokens.revokeConfirm', { name: k.name })}
                        onConfirm={() =>
                          api.revokeApiToken(k.id).then(() => {
                            done(t('tokens.revoked', { name: k.name }));
                            if (made?.id === k.id) setMade(undefined);
                            tokens.reload();
                          }, fail)
                        }
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">{t('tokens.none')}</p>
          )
        }
      </Async>
      <form className="inline-form" onSubmit={create}>
        <label>
          {t('tokens.name')} <input name="name" required minLength={2} maxLength={80} />
        </label>
        <label>
          {t('admin.regions')} <input name="regions" placeholder="KZ-75, KZ-71" />
        </label>
        <button type="submit">{t('tokens.create')}</button>
      </form>
      {made && (
        <div role="status" className="token-once" data-testid="token-once">
          <p>{t('tokens.made', { name: made.name })}</p>
          <input readOnly value={made.token} onFocus={(e) => e.currentTarget.select()} aria-label={t('tokens.token')} />
          <p className="muted small">{t('tokens.use')}</p>
        </div>
      )}
      <FormMessage msg={msg} />
    </section>
  );
}
