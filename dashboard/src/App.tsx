import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Layout } from './components/Layout.tsx';
import { AuthProvider, useAuth } from './hooks/auth.tsx';
import { LiveProvider } from './hooks/live.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { OverviewPage } from './pages/OverviewPage.tsx';

// The overview is in the first bundle; every other page (and recharts, which only the camera page uses) is its own
// chunk, fetched when first needed and prefetched once the first view is up, so that a full load of the overview
// parses only what it shows.
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

function usePrefetchPages() {
  useEffect(() => {
    const id = setTimeout(() => {
      for (const load of Object.values(pages)) load().catch(() => undefined);
    }, 2000);
    return () => clearTimeout(id);
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
