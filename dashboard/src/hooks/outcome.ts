import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorText } from '../api/client.ts';
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

/**
 * A refusal's problems, listed in the page's language whichever it is switched to: `take(e)` keeps the error when
 * the server listed problems and says how many (0: none, the caller says the error in a line), `clear` before the
 * next try.
 */
export function useRefusal() {
  const { i18n } = useTranslation();
  const [refusal, setRefusal] = useState<ApiError>();
  return {
    problems: refusal?.problemsIn(i18n.language) ?? [],
    take: (e: unknown): number => {
      if (!(e instanceof ApiError) || !e.problems.length) return 0;
      setRefusal(e);
      return e.problems.length;
    },
    clear: () => setRefusal(undefined),
  };
}
