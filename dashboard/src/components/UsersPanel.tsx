import type { User } from '@kuzet/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { useOutcome } from '../hooks/outcome.ts';
import { useResource } from '../hooks/resource.ts';
import { matching, SHOWN } from '../lib/search.ts';
import { Async } from './Async.tsx';
import { ConfirmAction } from './ConfirmAction.tsx';
import { FormMessage } from './FormMessage.tsx';
import { ListSearch, ShownOf } from './ListSearch.tsx';
import { RegionNames } from './RegionNames.tsx';
import { SchoolLink } from './SchoolLink.tsx';

/**
 * The users (admins): their role and scope, changed, a forgotten password set, deleted (after a confirmation), and a
 * new one created. What each action came to is said under the panel's form, in the page's language (a refusal's
 * problems as the server listed them), where the administrator is looking.
 */
export function UsersPanel() {
  const { t } = useTranslation();
  const users = useResource(() => api.users(), []);
  // a country's school staff are thousands: found by searching (name, school, region) and by role
  const [query, setQuery] = useState('');
  const [role, setRole] = useState('');
  const { msg, done, fail, clear } = useOutcome();
  const createUser = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const username = String(f.get('username'));
    clear();
    api.createUser({ username, password: String(f.get('password')), ...scopeOf(f) }).then(() => {
      form.reset();
      done(t('admin.userCreated', { name: username }));
      users.reload();
    }, fail);
  };
  return (
    <section className="panel" data-testid="users">
      <h2>{t('admin.users')}</h2>
      <ListSearch query={query} onQuery={setQuery} name="user-search">
        <label>
          {t('admin.role')}{' '}
          <select name="role-filter" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="">{t('admin.anyRole')}</option>
            <RoleOptions />
          </select>
        </label>
      </ListSearch>
      <Async r={users}>
        {(all) => {
          const found = matching(
            all.filter((u) => !role || u.role === role),
            query,
            (u) => [u.username, u.schoolId, u.school?.nameKk, u.school?.nameRu, ...u.regions],
          );
          const us = found.slice(0, SHOWN);
          return (
            <>
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
                          <SchoolLink id={u.schoolId} school={u.school} />
                        ) : u.regions.length ? (
                          <RegionNames codes={u.regions} />
                        ) : (
                          t('admin.wholeCountry')
                        )}
                      </td>
                      <td className="nowrap">
                        <EditUser user={u} onSaved={users.reload} onFailed={fail} />{' '}
                        <SetPassword username={u.username} onFailed={fail} />{' '}
                        <ConfirmAction
                          name={`delete-user-${u.username}`}
                          label={t('admin.delete')}
                          question={t('admin.deleteConfirm', { name: u.username })}
                          onConfirm={() =>
                            api.deleteUser(u.username).then(() => {
                              done(t('admin.userDeleted', { name: u.username }));
                              users.reload();
                            }, fail)
                          }
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <ShownOf shown={us.length} found={found.length} />
            </>
          );
        }}
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
      <FormMessage msg={msg} />
    </section>
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

/** The roles, by name in the page's language, as a select's options. */
function RoleOptions() {
  const { t } = useTranslation();
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {t(`role.${r}`)}
    </option>
  ));
}

/** The fields of a user's role and scope, as a new user's (an operator by default) or as a user has them. */
function ScopeFields({ user }: { user?: User }) {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t('admin.role')}{' '}
        <select name="role" defaultValue={user?.role ?? 'operator'}>
          <RoleOptions />
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
