import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Layout } from './components/Layout.tsx';
import { AuthProvider, useAuth } from './hooks/auth.tsx';
import { LiveProvider } from './hooks/live.tsx';
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
};
const SchoolsPage = lazy(() => pages.schools().then((m) => ({ default: m.SchoolsPage })));
const SchoolPage = lazy(() => pages.school().then((m) => ({ default: m.SchoolPage })));
const CameraPage = lazy(() => pages.camera().then((m) => ({ default: m.CameraPage })));
const AlertsPage = lazy(() => pages.alerts().then((m) => ({ default: m.AlertsPage })));
const AlertPage = lazy(() => pages.alerts().then((m) => ({ default: m.AlertPage })));
const AdminPage = lazy(() => pages.admin().then((m) => ({ default: m.AdminPage })));

/**
 * Fetches the small page chunks ahead, one per idle moment once the first view is up (so that a scroll or a first
 * draw never waits behind one). The camera page (recharts: most of the code) is left to load when it is opened.
 */
function usePrefetchPages() {
  useEffect(() => {
    const queue = [pages.schools, pages.school, pages.alerts, pages.admin];
    let handle: number | undefined;
    const hasIdle = typeof window.requestIdleCallback === 'function';
    const idle = (f: () => void): number =>
      hasIdle ? window.requestIdleCallback(f, { timeout: 10_000 }) : (setTimeout(f, 200) as unknown as number);
    const next = () => {
      const load = queue.shift();
      if (!load) return;
      load().catch(() => undefined);
      handle = idle(next);
    };
    const start = setTimeout(() => {
      handle = idle(next);
    }, 2000);
    return () => {
      clearTimeout(start);
      if (handle === undefined) return;
      if (hasIdle) window.cancelIdleCallback(handle);
      else clearTimeout(handle);
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
      <Layout>
        <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
          <Routes>
            <Route path="/" element={<OverviewPage />} />
            <Route path="/schools" element={<SchoolsPage />} />
            <Route path="/regions/:code" element={<SchoolsPage />} />
            <Route path="/schools/:id" element={<SchoolPage />} />
            <Route path="/cameras/:id" element={<CameraPage />} />
            <Route path="/alerts" element={<AlertsPage />} />
            <Route path="/alerts/:id" element={<AlertPage />} />
            {user.role === 'admin' && <Route path="/admin" element={<AdminPage />} />}
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </Suspense>
      </Layout>
    </LiveProvider>
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
