import type { User } from '@kuzet/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, errorText } from '../api/client.ts';
import { Async } from '../components/Async.tsx';
import { AuditLog } from '../components/AuditLog.tsx';
import { RegistryImport } from '../components/RegistryImport.tsx';
import { RequirementsEditor } from '../components/RequirementsEditor.tsx';
import { useResource } from '../hooks/resource.ts';
import { formatTime } from '../lib/format.ts';

/**
 * Requirements, the school registry, agents and their links, enrolment codes, users, the audit log (admin only; the
 * server enforces it too).
 */
export function AdminPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const agents = useResource(() => api.agents(), []);
  const users = useResource(() => api.users(), []);
  const [code, setCode] = useState<string>();
  const [msg, setMsg] = useState<string>();
  const fail = (e: Error) => setMsg(t('admin.failed', { message: errorText(e, lang) }));
  const enrol = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    api
      .enrolmentCode(String(f.get('schoolId')), String(f.get('agentId')))
      .then(
        (c) => setCode(t('admin.code', { agent: c.agentId, code: c.code, until: formatTime(c.expiresAt, lang) })),
        fail,
      );
  };
  const createUser = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    api
      .createUser({ username: String(f.get('username')), password: String(f.get('password')), ...scopeOf(f) })
      .then(() => users.reload(), fail);
  };
  return (
    <div className="page admin">
      <h1>{t('nav.admin')}</h1>
      {msg && (
        <p role="alert" className="error">
          {msg}
        </p>
      )}
      <p className="queues-link">
        {/* the jobs UI is the server's own page (bull-board), admins only */}
        <a href="/admin/queues" target="_blank" rel="noopener">
          {t('admin.queues')}
        </a>{' '}
        <span className="muted">{t('admin.queuesHint')}</span>
      </p>
      <RequirementsEditor />
      <RegistryImport />
      <section className="panel">
        <h2>{t('admin.agents')}</h2>
        <Async r={agents}>
          {(as) => (
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
                    <td>{a.schoolId && <Link to={`/schools/${a.schoolId}`}>{a.schoolId}</Link>}</td>
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
                        <button type="button" onClick={() => api.revoke(a.agentId).then(() => agents.reload(), fail)}>
                          {t('admin.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Async>
        <h3>{t('admin.enrol')}</h3>
        <form className="inline-form" onSubmit={enrol}>
          <label>
            {t('admin.school')} <input name="schoolId" required />
          </label>
          <label>
            {t('admin.agent')} <input name="agentId" required pattern="[a-z0-9][a-z0-9._-]*" />
          </label>
          <button type="submit">{t('admin.createCode')}</button>
        </form>
        {code && <p role="status">{code}</p>}
      </section>
      <section className="panel">
        <h2>{t('admin.users')}</h2>
        <Async r={users}>
          {(us) => (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('admin.username')}</th>
                  <th scope="col">{t('admin.role')}</th>
                  <th scope="col">{t('admin.scope')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {us.map((u) => (
                  <tr key={u.username}>
                    <td>{u.username}</td>
                    <td>{t(`role.${u.role}`)}</td>
                    <td data-scope={u.username}>
                      {u.schoolId ? (
                        <Link to={`/schools/${u.schoolId}`}>{u.schoolId}</Link>
                      ) : u.regions.length ? (
                        u.regions.join(', ')
                      ) : (
                        t('admin.wholeCountry')
                      )}
                    </td>
                    <td className="nowrap">
                      <EditUser user={u} onSaved={users.reload} onFailed={fail} />{' '}
                      <SetPassword username={u.username} onFailed={fail} />{' '}
                      <button type="button" onClick={() => api.deleteUser(u.username).then(() => users.reload(), fail)}>
                        {t('admin.delete')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Async>
        <form className="inline-form" onSubmit={createUser}>
          <label>
            {t('admin.username')} <input name="username" required />
          </label>
          <ScopeFields />
          <label>
            {t('admin.password')} <input name="password" type="password" minLength={10} required />
          </label>
          <button type="submit">{t('admin.createUser')}</button>
        </form>
      </section>
      <AuditLog />
    </div>
  );
}

/** Setting a user's forgotten password (their sessions end): a button that opens a field for the new one. */
function SetPassword({ username, onFailed }: { username: string; onFailed: (e: Error) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState(false);
  if (done) return <span className="ok small">{t('admin.passwordSet')}</span>;
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)} data-set-password={username}>
        {t('admin.setPassword')}
      </button>
    );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get('password') ?? '');
    api.setPassword(username, password).then(() => setDone(true), onFailed);
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label>
        {t('admin.newPassword')}{' '}
        <input name="password" type="password" autoComplete="new-password" minLength={10} maxLength={200} required />
      </label>
      <button type="submit">{t('admin.save')}</button>
    </form>
  );
}

const ROLES = ['operator', 'school', 'auditor', 'admin'] as const;

/** A user's role and scope as a form has them (regions comma-separated; a school for its staff). */
function scopeOf(f: FormData): { role: string; regions: string[]; schoolId?: string } {
  const schoolId = String(f.get('schoolId') ?? '').trim();
  return {
    role: String(f.get('role')),
    regions: String(f.get('regions') ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    ...(schoolId ? { schoolId } : {}),
  };
}

/** The fields of a user's role and scope, as a new user's (an operator by default) or as a user has them. */
function ScopeFields({ user }: { user?: User }) {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t('admin.role')}{' '}
        <select name="role" defaultValue={user?.role ?? 'operator'}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('admin.regions')} <input name="regions" defaultValue={user?.regions.join(', ') ?? ''} />
      </label>
      <label>
        {t('admin.schoolId')} <input name="schoolId" defaultValue={user?.schoolId ?? ''} />
      </label>
    </>
  );
}

/** Changing a user's role and scope (regions for operators and auditors, a school for its staff). */
function EditUser({ user, onSaved, onFailed }: { user: User; onSaved: () => void; onFailed: (e: Error) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)} data-edit-user={user.username}>
        {t('admin.edit')}
      </button>
    );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    api.updateUser(user.username, scopeOf(new FormData(e.currentTarget))).then(() => {
      setOpen(false);
      onSaved();
    }, onFailed);
  };
  return (
    <form className="inline-form" onSubmit={submit} data-editing={user.username}>
      <ScopeFields user={user} />
      <button type="submit">{t('admin.save')}</button>
    </form>
  );
}
