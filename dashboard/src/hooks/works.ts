import { useMemo } from 'react';
import { api } from '../api/client.ts';
import { underWay } from '../lib/works.ts';
import { useResource } from './resource.ts';

/**
 * The schools with planned works under way (nobody is paged for what they cover), to mark them where schools are
 * listed. Read with the page: works are planned rarely.
 */
export function useWorksUnderWay(): Set<string> {
  const windows = useResource(() => api.maintenance(), []);
  return useMemo(() => new Set((windows.data ?? []).filter((w) => underWay(w)).map((w) => w.schoolId)), [windows.data]);
}
