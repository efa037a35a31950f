import { useEffect } from 'react';
import { onApiChange } from '../api/client.ts';

/**
 * Calls `reload` after this page changed something through the API (a save, a restore, a user added), once a burst of
 * changes is over: views of what the changes touch (the audit log, a document's versions) read it again.
 */
export function useReloadOnApiChange(reload: () => void, delayMs = 300): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = onApiChange(() => {
      clearTimeout(timer);
      timer = setTimeout(reload, delayMs);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [reload, delayMs]);
}
