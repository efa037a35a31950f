import { AuditAction } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { dateLocale, formatDay, formatDecimal, formatShare, formatTime, numberLocale } from '../lib/format.ts';
import { en } from './en.ts';
import { kk } from './kk.ts';
import { ru } from './ru.ts';

const keys = (o: object, p = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]));
const values = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === 'object' ? values(v) : [v]));

describe('languages', () => {
  it('Kazakh, Russian and English have the same keys, none empty, same placeholders', () => {
    expect(keys(kk)).toEqual(keys(en));
    expect(keys(ru)).toEqual(keys(en));
    for (const l of [en, ru, kk]) expect(values(l).every((v) => v.trim().length > 0)).toBe(true);
    const ph = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const flat = (o: object) =>
      Object.fromEntries(keys(o).map((k) => [k, k.split('.').reduce((a: any, x) => a[x], o)]));
    const [e, r, k] = [flat(en), flat(ru), flat(kk)];
    for (const key of Object.keys(e)) {
      expect(ph(r[key]), `ru ${key}`).toEqual(ph(e[key]));
      expect(ph(k[key]), `kk ${key}`).toEqual(ph(e[key]));
    }
  });

  it('names every action of the audit log in each language', () => {
    for (const l of [en, ru, kk]) expect(AuditAction.options.filter((a) => !(a in l.audit.actions))).toEqual([]);
  });

  it('shows times in Asia/Almaty (UTC+5) whatever the browser zone', () => {
    expect(formatTime('2026-11-23T10:00:00.000Z', 'en', false)).toBe('15:00:00');
    expect(formatTime('2026-11-23T20:30:00.000Z', 'ru')).toMatch(/24\.11\.2026.*01:30:00/);
    expect(formatTime(undefined, 'kk')).toBe('—');
  });

  it('writes Kazakh dates as 31.01.2026 even where the browser lacks Kazakh date patterns (never 2026-01-31)', () => {
    // Chromium's ICU has no Kazakh date patterns: root's ISO-like "2026-01-31" → ru-KZ, whose numeric dates are Kazakh's
    expect(dateLocale('kk', () => '2026-01-31')).toBe('ru-KZ');
    expect(dateLocale('kk', () => '31.01.2026')).toBe('kk-KZ');
    expect(dateLocale('ru', () => '2026-01-31')).toBe('ru-RU');
    expect(formatDay('2026-12-31', 'kk')).toBe('31.12.2026');
    expect(formatDay('2026-12-31', 'ru')).toBe('31.12.2026');
    expect(formatDay('2026-12-31', 'en')).toBe('31/12/2026');
    expect(formatDay('2026-12-31', 'kk', true)).toBe('31.12');
    expect(formatTime('2026-11-23T20:30:00.000Z', 'kk')).toMatch(/^24\.11\.2026.*01:30:00$/);
  });

  it("writes numbers with Kazakh separators even where the browser lacks Kazakh's (7 500, 30,5; never 7,500)", () => {
    // a browser without Kazakh number symbols (Chromium: root's "1,000.5") gets ru-KZ, whose separators are Kazakh's
    expect(numberLocale('kk', () => '1,000.5')).toBe('ru-KZ');
    expect(numberLocale('kk', () => '1 000,5')).toBe('kk-KZ');
    expect(numberLocale('ru', () => '1,000.5')).toBe('ru-RU');
    expect(formatDecimal(30.5, 'kk')).toMatch(/^30,5$/);
    expect(formatDecimal(30, 'ru')).toBe('30,0');
    expect(formatDecimal(30, 'en')).toBe('30.0');
    expect(formatShare(1, 3, 'en')).toBe('33.3%');
    expect(formatShare(1, 3, 'ru')).toMatch(/^33,3\s%$/);
    expect(formatShare(0, 0, 'kk')).toBe('—');
    expect(formatShare(3, 7500, 'en')).toBe('< 0.1%');
    expect(formatShare(7499, 7500, 'en')).toBe('> 99.9%');
    expect(formatShare(7500, 7500, 'en')).toBe('100%');
    expect(formatShare(0, 7500, 'en')).toBe('0%');
  });
});
