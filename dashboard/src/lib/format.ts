import { localeOf } from '../i18n/index.ts';

/** Kazakhstan keeps one time zone (UTC+5); every time on screen is shown in it, whatever the browser's zone. */
export const TIME_ZONE = 'Asia/Almaty';

/** Kazakhstan's offset from UTC (one zone, no summer time, since 1 March 2024) */
const OFFSET_MS = 5 * 3_600_000;

/** A moment as a datetime-local field holds it, in Almaty time ("2026-12-06T14:30"), whatever the browser's zone. */
export function toAlmatyInput(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 16);
}

/** A datetime-local field's value read as Almaty time, as an ISO time (undefined when it is not a time). */
export function fromAlmatyInput(value: string): string | undefined {
  const ms = Date.parse(`${value}:00+05:00`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(lang: string, withDate: boolean) {
  const key = `${lang}|${withDate}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(dateLocale(lang), {
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

/**
 * The locale dates are written in. Kazakh writes 24.11.2026 (CLDR), but a browser whose ICU data lacks Kazakh date
 * patterns (Chromium's, seen on the wall screen: "2026-12-06 05:21:30") falls back to the root's ISO-like form. Such a
 * browser gets Russian as written in Kazakhstan (ru-KZ), whose numeric dates and 24-hour times are Kazakh's.
 */
export function dateLocale(
  lang: string,
  probe = (l: string) =>
    new Intl.DateTimeFormat(l, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(2026, 0, 31)),
): string {
  const locale = localeOf(lang);
  if (!locale.startsWith('kk')) return locale;
  return probe(locale).includes('31.01.2026') ? locale : 'ru-KZ';
}

const days = new Map<string, Intl.DateTimeFormat>();
/**
 * A calendar day ("2026-12-31", a day in Asia/Almaty) as the language writes it: 31.12.2026 (kk, ru), 31/12/2026
 * (en); `short` without the year (31.12, 31/12: a chart's axis). One formatter per language and form, reused.
 */
export function formatDay(day: string, lang: string, short = false): string {
  const d = new Date(`${day}T12:00:00+05:00`);
  if (Number.isNaN(d.getTime())) return day;
  const key = `${lang}|${short}`;
  let f = days.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(dateLocale(lang), {
      timeZone: TIME_ZONE,
      ...(short ? {} : { year: 'numeric' }),
      month: '2-digit',
      day: '2-digit',
    });
    days.set(key, f);
  }
  return f.format(d);
}

export function formatTime(iso: string | undefined | null, lang: string, withDate = true): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : fmt(lang, withDate).format(d);
}

/**
 * The locale numbers are written in. Kazakh writes 7 500 and 2,5 (CLDR), but a browser whose ICU data lacks Kazakh
 * number symbols (Chromium's, measured: `new Intl.NumberFormat('kk-KZ').format(7500)` gives "7,500") falls back to
 * the root's "7,500" and "2.5" — which a Kazakh reader takes for seven and a half. Such a browser gets Russian as
 * written in Kazakhstan (ru-KZ), whose separators are Kazakh's.
 */
export function numberLocale(lang: string, probe = (l: string) => new Intl.NumberFormat(l).format(1000.5)): string {
  const locale = localeOf(lang);
  if (!locale.startsWith('kk')) return locale;
  return probe(locale).includes('.') ? 'ru-KZ' : locale;
}

// building an Intl formatter costs far more than using one: one per language and kind, reused
const numbers = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: string, kind: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${lang}|${kind}`;
  let f = numbers.get(key);
  if (!f) {
    f = new Intl.NumberFormat(numberLocale(lang), options);
    numbers.set(key, f);
  }
  return f;
}

/**
 * A share (0–1) as a percentage in the language's form (66,7 % in kk and ru, 66.7% in en), never rounded to a whole
 * that is not so: 3 of 7,500 is "< 0,1 %", not "0 %", and 7,499 of 7,500 "> 99,9 %", not the "100 %" the programme
 * asks of every akimat.
 */
export function formatPercent(share: number, lang: string): string {
  const f = numberFormat(lang, 'percent', { style: 'percent', maximumFractionDigits: 1 });
  if (share > 0 && share < 0.0005) return `< ${f.format(0.001)}`;
  if (share < 1 && share >= 0.9995) return `> ${f.format(0.999)}`;
  return f.format(share);
}

/** n of total as a percentage (see formatPercent); '—' when total is 0. */
export function formatShare(n: number, total: number, lang: string): string {
  return total ? formatPercent(n / total, lang) : '—';
}

export function formatNumber(n: number, lang: string): string {
  return numberFormat(lang, 'number', {}).format(n);
}

/** A figure with a fixed number of decimals, in the language's separators (30,0 in kk and ru; 30.0 in en). */
export function formatDecimal(n: number, lang: string, digits = 1): string {
  return numberFormat(lang, `decimal${digits}`, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(n);
}
