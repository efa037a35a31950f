import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/client.ts';
import type { Outcome } from '../components/FormMessage.tsx';

/**
 * What a panel's actions came to, said under its form (FormMessage): `done` with a text, `fail` with the error (the
 * server's problems in the page's language), `clear` before the next try.
 */
export function useOutcome() {
  const { t, i18n } = useTranslation();
  const [msg, setMsg] = useState<Outcome>();
  return {
    msg,
    done: (text: string) => setMsg({ ok: true, text }),
    fail: (e: Error) => setMsg({ ok: false, text: t('admin.failed', { message: errorText(e, i18n.language) }) }),
    clear: () => setMsg(undefined),
  };
}
