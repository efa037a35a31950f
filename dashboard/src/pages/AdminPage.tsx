import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AgentsPanel } from '../components/AgentsPanel.tsx';
import { AlertingEditor } from '../components/AlertingEditor.tsx';
import { AlertingHistory } from '../components/AlertingHistory.tsx';
import { ApiTokensPanel } from '../components/ApiTokensPanel.tsx';
import { AuditLog } from '../components/AuditLog.tsx';
import { RegistryImport } from '../components/RegistryImport.tsx';
import { RequirementHistory } from '../components/RequirementHistory.tsx';
import { RequirementsEditor } from '../components/RequirementsEditor.tsx';
import { UsersPanel } from '../components/UsersPanel.tsx';

/**
 * Requirements, alerting and notifications, the school registry, agents and their links, enrolment codes, users, API tokens, the audit log (admin only; the
 * server enforces it too). Each panel says what its actions came to under its own form.
 */
export function AdminPage() {
  const { t } = useTranslation();
  // a version brought back: the editor starts again from it
  const [restored, setRestored] = useState(0);
  const [alertingRestored, setAlertingRestored] = useState(0);
  return (
    <div className="page admin">
      <h1>{t('nav.admin')}</h1>
      <p className="queues-link">
        {/* the jobs UI is the server's own page (bull-board), admins only */}
        <a href="/admin/queues" target="_blank" rel="noopener">
          {t('admin.queues')}
        </a>{' '}
        <span className="muted">{t('admin.queuesHint')}</span>
      </p>
      <RequirementsEditor key={`requirements-${restored}`} />
      <RequirementHistory folded canRestore onRestored={() => setRestored((n) => n + 1)} />
      <AlertingEditor key={`alerting-${alertingRestored}`} />
      <AlertingHistory onRestored={() => setAlertingRestored((n) => n + 1)} />
      <RegistryImport />
      <AgentsPanel />
      <UsersPanel />
      <ApiTokensPanel />
      <AuditLog />
    </div>
  );
}
