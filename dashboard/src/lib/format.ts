import { localeOf } from '../i18n/index.ts';

/** Kazakhstan keeps one time zone (UTC+5); every time on screen is shown in it, whatever the browser's zone. */
export const TIME_ZONE = 'Asia/Almaty';

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(lang: string, withDate: boolean) {
  const key = `${lang}|${withDate}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(localeOf(lang), {
      timeZone: TIME_ZONE,
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    cache.set(key, f);
  }
  return f;
}

export function formatTime(iso: string | undefined | null, lang: string, withDate = true): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : fmt(lang, withDate).format(d);
}

// building an Intl formatter costs far more than using one: one per language and kind, reused
const numbers = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: string, percent: boolean): Intl.NumberFormat {
  const key = `${lang}|${percent}`;
  let f = numbers.get(key);
  if (!f) {
    f = new Intl.NumberFormat(localeOf(lang), percent ? { style: 'percent', maximumFractionDigits: 1 } : {});
    numbers.set(key, f);
  }
  return f;
}

export function formatPercent(share: number, lang: string): string {
  return numberFormat(lang, true).format(share);
}

export function formatNumber(n: number, lang: string): string {
  return numberFormat(lang, false).format(n);
}
