import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import type { Resource } from '../hooks/resource.ts';

/** Loading / error / not-found handling for a resource; renders children once there is data. */
export function Async<T>({ r, children }: { r: Resource<T>; children: (d: T) => ReactNode }) {
  const { t } = useTranslation();
  if (r.data !== undefined) return <>{children(r.data)}</>;
  if (r.error)
    return (
      <p role="alert" className="error">
        {r.error instanceof ApiError && r.error.status === 404
          ? t('common.notFound')
          : t('common.error', { message: r.error.message })}
      </p>
    );
  return (
    <p className="muted" aria-busy="true">
      {t('common.loading')}
    </p>
  );
}
