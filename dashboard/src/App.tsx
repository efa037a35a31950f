import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Layout } from './components/Layout.tsx';
import { AuthProvider, useAuth } from './hooks/auth.tsx';
import { LiveProvider } from './hooks/live.tsx';
import { AdminPage } from './pages/AdminPage.tsx';
import { AlertPage, AlertsPage } from './pages/AlertsPage.tsx';
import { CameraPage } from './pages/CameraPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { OverviewPage } from './pages/OverviewPage.tsx';
import { SchoolPage } from './pages/SchoolPage.tsx';
import { SchoolsPage } from './pages/SchoolsPage.tsx';

function Routed() {
  const { t } = useTranslation();
  const { user } = useAuth();
  if (user === undefined) return <p className="muted">{t('common.loading')}</p>;
  if (user === null) return <LoginPage />;
  return (
    <LiveProvider key={user.username}>
      <Layout>
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
