import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Layout } from './components/Layout.tsx';
import { AuthProvider, useAuth } from './hooks/auth.tsx';
import { LiveProvider } from './hooks/live.tsx';
import { AccountPage } from './pages/AccountPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { OverviewPage } from './pages/OverviewPage.tsx';

// The overview is in the first bundle; every other page (and recharts, which only the camera page uses) is its own
// chunk, fetched when first needed (the small ones ahead, when idle), so that a full load of the overview parses
// only what it shows.
const pages = {
  schools: () => import('./pages/SchoolsPage.tsx'),
  school: () => import('./pages/SchoolPage.tsx'),
  camera: () => import('./pages/CameraPage.tsx'),
  alerts: () => import('./pages/AlertsPage.tsx'),
  admin: () => import('./pages/AdminPage.tsx'),
  compliance: () => import('./pages/CompliancePage.tsx'),
  archive: () => import('./pages/ArchivePage.tsx'),
  wall: () => import('./pages/WallPage.tsx'),
};
const SchoolsPage = lazy(() => pages.schools().then((m) => ({ default: m.SchoolsPage })));
const SchoolPage = lazy(() => pages.school().then((m) => ({ default: m.SchoolPage })));
const CameraPage = lazy(() => pages.camera().then((m) => ({ default: m.CameraPage })));
const AlertsPage = lazy(() => pages.alerts().then((m) => ({ default: m.AlertsPage })));
const AlertPage = lazy(() => pages.alerts().then((m) => ({ default: m.AlertPage })));
const AdminPage = lazy(() => pages.admin().then((m) => ({ default: m.AdminPage })));
const CompliancePage = lazy(() => pages.compliance().then((m) => ({ default: m.CompliancePage })));
const ArchivePage = lazy(() => pages.archive().then((m) => ({ default: m.ArchivePage })));
const WallPage = lazy(() => pages.wall().then((m) => ({ default: m.WallPage })));

/** a prefetch waits until the user has not scrolled, clicked or typed for this long */
const PREFETCH_QUIET_MS = 1500;
const INPUT_EVENTS = ['scroll', 'wheel', 'pointerdown', 'keydown', 'touchstart'] as const;

/**
 * Fetches the small page chunks ahead, one per idle moment once the first view is up, and never while the user is
 * scrolling or typing: evaluating a chunk is one task of tens of milliseconds, enough to break a fast scroll (the
 * schools table scrolled right after a page load would meet it). The camera page (recharts: most of the code) is
 * left to load when it is opened.
 */
function usePrefetchPages() {
  useEffect(() => {
    const queue = [pages.schools, pages.school, pages.alerts, pages.compliance, pages.admin];
    let stopped = false;
    let lastInput = performance.now();
    const mark = () => {
      lastInput = performance.now();
    };
    // capture: scroll events of inner elements do not bubble, but do pass the window on the way down
    for (const e of INPUT_EVENTS) window.addEventListener(e, mark, { capture: true, passive: true });
    const idle = (f: () => void): void => {
      if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(f, { timeout: 10_000 });
      else setTimeout(f, 200);
    };
    const next = () => {
      if (stopped) return;
      const wait = PREFETCH_QUIET_MS - (performance.now() - lastInput);
      if (wait > 0) {
        setTimeout(() => idle(next), wait);
        return;
      }
      const load = queue.shift();
      if (!load) return;
      load().catch(() => undefined);
      idle(next);
    };
    const start = setTimeout(() => idle(next), 2000);
    return () => {
      stopped = true;
      clearTimeout(start);
      for (const e of INPUT_EVENTS) window.removeEventListener(e, mark, { capture: true });
    };
  }, []);
}

function Routed() {
  const { t } = useTranslation();
  const { user } = useAuth();
  usePrefetchPages();
  if (user === undefined) return <p className="muted">{t('common.loading')}</p>;
  if (user === null) return <LoginPage />;
  return (
    <LiveProvider key={user.username}>
      <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
        <Routes>
          {/* the wall screen: no navigation, nothing to click */}
          <Route path="/wall" element={<WallPage />} />
          <Route path="*" element={<Pages />} />
        </Routes>
      </Suspense>
    </LiveProvider>
  );
}

/** Every page but the wall screen, inside the navigation. */
function Pages() {
  const { t } = useTranslation();
  const { user } = useAuth();
  if (!user) return null;
  return (
    <Layout>
      <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
        <Routes>
          <Route path="/" element={<OverviewPage />} />
          <Route path="/schools" element={<SchoolsPage />} />
          <Route path="/regions/:code" element={<SchoolsPage />} />
          <Route path="/schools/:id" element={<SchoolPage />} />
          <Route path="/cameras/:id" element={<CameraPage />} />
          <Route path="/alerts" element={<AlertsPage />} />
          <Route path="/compliance" element={<CompliancePage />} />
          <Route path="/archive" element={<ArchivePage />} />
          <Route path="/alerts/:id" element={<AlertPage />} />
          <Route path="/account" element={<AccountPage />} />
          {user.role === 'admin' && <Route path="/admin" element={<AdminPage />} />}
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Routed />
      </AuthProvider>
    </BrowserRouter>
  );
}
