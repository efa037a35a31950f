import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink } from 'react-router';
import { useAuth, useUser } from '../hooks/auth.tsx';
import { CriticalCue } from './CriticalCue.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { LiveBanner } from './LiveBanner.tsx';

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const user = useUser();
  const { logout } = useAuth();
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <Link to="/" className="brand">
          <span aria-hidden="true">◉</span> {t('app.title')}
        </Link>
        <nav aria-label="main">
          <NavLink to="/" end>
            {t('nav.overview')}
          </NavLink>
          {user.role !== 'school' && <NavLink to="/schools">{t('nav.schools')}</NavLink>}
          {user.role === 'school' && user.schoolId && (
            <NavLink to={`/schools/${user.schoolId}`}>{t('nav.schools')}</NavLink>
          )}
          <NavLink to="/alerts">{t('nav.alerts')}</NavLink>
          {user.role !== 'school' && <NavLink to="/compliance">{t('nav.compliance')}</NavLink>}
          <NavLink to="/archive">{t('nav.archive')}</NavLink>
          {user.role === 'admin' && <NavLink to="/admin">{t('nav.admin')}</NavLink>}
        </nav>
        <div className="top-right">
          {/* their account: who they are, changing their password */}
          <NavLink to="/account" className="who" title={t('account.title')}>
            {t('nav.signedInAs', { user: user.username, role: t(`role.${user.role}`) })}
          </NavLink>
          <LanguageSwitch />
          <button type="button" onClick={() => void logout()}>
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <LiveBanner />
      <CriticalCue />
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
