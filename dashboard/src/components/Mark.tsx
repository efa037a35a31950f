import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { formatDecimal } from '../lib/format.ts';

/**
 * ✓ or ✕ before a figure of a verdict (colour is never the only signal), or only the figure, muted, when the centre
 * cannot tell yet. The school's camera table and the camera's own verdict use it alike.
 */
export function Mark({ state, children }: { state: 'ok' | 'bad' | 'unknown'; children: ReactNode }) {
  if (state === 'unknown')
    return (
      <span className="muted" data-mark="unknown">
        {children}
      </span>
    );
  return (
    <span className={state} data-mark={state}>
      {state === 'ok' ? '✓ ' : '✕ '}
      {children}
    </span>
  );
}

/** A verdict part's state as a mark: ok, unknown, or failing (short, low, gaps, drift, none, link_down). */
export const markOf = (s: string): 'ok' | 'bad' | 'unknown' =>
  s === 'ok' ? 'ok' : s === 'unknown' ? 'unknown' : 'bad';

/** Recording days kept, in hours below a day (one hour of recordings is not "0.0 days"), in the language's digits. */
export function retentionText(days: number, t: TFunction, lang: string): string {
  return days < 1
    ? t('compliance.hours', { n: formatDecimal(Math.round(days * 24 * 10) / 10, lang) })
    : t('compliance.days', { n: formatDecimal(days, lang), count: days });
}
