import { type EnrolmentCode, strayAgent } from '@kuzet/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { useOutcome } from '../hooks/outcome.ts';
import { useResource } from '../hooks/resource.ts';
import { formatTime } from '../lib/format.ts';
import { matching, SHOWN } from '../lib/search.ts';
import { Async } from './Async.tsx';
import { ConfirmAction } from './ConfirmAction.tsx';
import { FormMessage } from './FormMessage.tsx';
import { ListSearch, ShownOf } from './ListSearch.tsx';
import { SchoolLink } from './SchoolLink.tsx';

/**
 * The agents (admins): each one's school and link, revoked after a confirmation (its link closes at once on every
 * instance), and a one-time enrolment code for a new one. What each action came to is said under the panel's form.
 */
export function AgentsPanel() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const agents = useResource(() => api.agents(), []);
  const { msg, done, fail, clear } = useOutcome();
  // the code just made, with what the school's technician types
  const [code, setCode] = useState<EnrolmentCode>();
  // a country's agents are thousands: found by searching, or by what needs doing
  const [query, setQuery] = useState('');
  const [trouble, setTrouble] = useState(false);
  const enrol = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    clear();
    setCode(undefined);
    api.enrolmentCode(String(f.get('schoolId')), String(f.get('agentId'))).then(setCode, fail);
  };
  return (
    <section className="panel" data-testid="agents">
      <h2>{t('admin.agents')}</h2>
      <ListSearch query={query} onQuery={setQuery} name="agent-search">
        <label className="check">
          <input type="checkbox" checked={trouble} onChange={(e) => setTrouble(e.target.checked)} />{' '}
          {t('admin.troubleOnly')}
        </label>
      </ListSearch>
      <Async r={agents}>
        {(all) => {
          const found = matching(
            all.filter((a) => !trouble || (!a.revoked && a.linkDown) || strayAgent(a)),
            query,
            (a) => [a.agentId, a.hostname, a.schoolId, a.school?.nameKk, a.school?.nameRu],
          );
          const as = found.slice(0, SHOWN);
          return (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.agent')}</th>
                    <th scope="col">{t('admin.school')}</th>
                    <th scope="col">{t('admin.link')}</th>
                    <th scope="col" />
                  </tr>
                </thead>
                <tbody>
                  {as.map((a) => (
                    <tr key={a.agentId}>
                      <td>
                        <code>{a.agentId}</code> <span className="muted small">{a.hostname}</span>
                      </td>
                      <td>
                        {a.schoolId && <SchoolLink id={a.schoolId} school={a.school} />}
                        {strayAgent(a) && (
                          <div className="warn small" data-testid="agent-unlisted">
                            {t('admin.unlisted')}
                          </div>
                        )}
                      </td>
                      <td>
                        {a.revoked ? (
                          <span className="bad">{t('admin.revoked')}</span>
                        ) : a.linkDown ? (
                          <span className="bad">⌁ {t('school.linkDown')}</span>
                        ) : (
                          <span className="ok">✓ {t('school.linkUp')}</span>
                        )}{' '}
                        <span className="muted small">{formatTime(a.lastSeen, lang)}</span>
                      </td>
                      <td>
                        {!a.revoked && (
                          <ConfirmAction
                            name={`revoke-${a.agentId}`}
                            label={t('admin.revoke')}
                            question={t('admin.revokeConfirm', { agent: a.agentId })}
                            onConfirm={() =>
                              api.revoke(a.agentId).then(() => {
                                done(t('admin.agentRevoked', { agent: a.agentId }));
                                agents.reload();
                              }, fail)
                            }
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <ShownOf shown={as.length} found={found.length} />
            </>
          );
        }}
      </Async>
      <h3>{t('admin.enrol')}</h3>
      <form className="inline-form" onSubmit={enrol}>
        <label>
          {t('admin.school')} <input name="schoolId" required />
        </label>
        <label>
          {t('admin.agent')} <input name="agentId" required pattern="[a-z0-9][a-z0-9._\-]*" />
        </label>
        <button type="submit">{t('admin.createCode')}</button>
      </form>
      {code && (
        <div role="status" data-testid="enrolment-code">
          <p className="ok">
            {t('admin.code', { agent: code.agentId, code: code.code, until: formatTime(code.expiresAt, lang) })}
          </p>
          <p className="small">
            {t('admin.codeUse', { agent: code.agentId })} <code>sudo kuzet-agent enrol --code {code.code}</code>
          </p>
        </div>
      )}
      <FormMessage msg={msg} />
    </section>
  );
}
