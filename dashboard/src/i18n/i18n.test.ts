import { AuditAction } from '@kuzet/protocol';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { dateLocale, formatDay, formatDecimal, formatShare, formatTime, numberLocale } from '../lib/format.ts';
import { en } from './en.ts';
import { kk } from './kk.ts';
import { ru } from './ru.ts';

const keys = (o: object, p = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]));
/** a key's plural forms (i18next's `_one`, `_few`… for `count`) are that key: a language has the forms it needs */
const PLURAL = /_(zero|one|two|few|many|other)$/;
const bare = (o: object) => [...new Set(keys(o).map((k) => k.replace(PLURAL, '')))];
const values = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === 'object' ? values(v) : [v]));

describe('languages', () => {
  it('Kazakh, Russian and English have the same keys, none empty, same placeholders', () => {
    expect(bare(kk)).toEqual(bare(en));
    expect(bare(ru)).toEqual(bare(en));
    for (const l of [en, ru, kk]) expect(values(l).every((v) => v.trim().length > 0)).toBe(true);
    const ph = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const flat = (o: object) =>
      Object.fromEntries(keys(o).map((k) => [k, k.split('.').reduce((a: any, x) => a[x], o)]));
    // every form of a key has the same placeholders in every language
    const forms = (o: object) => {
      const m = new Map<string, string[]>();
      for (const [k, v] of Object.entries(flat(o)))
        m.set(k.replace(PLURAL, ''), [...(m.get(k.replace(PLURAL, '')) ?? []), v]);
      return m;
    };
    const [e, r, k] = [forms(en), forms(ru), forms(kk)];
    for (const [key, texts] of e) {
      const want = ph(texts[0]!);
      for (const [lang, m] of [
        ['en', e],
        ['ru', r],
        ['kk', k],
      ] as const)
        for (const text of m.get(key) ?? []) expect(ph(text), `${lang} ${key}`).toEqual(want);
    }
  });

  it('says English plurals by count, and the other languages their one form (a number after a colon)', async () => {
    const i = i18next.createInstance();
    await i.init({
      resources: { en: { translation: en }, ru: { translation: ru }, kk: { translation: kk } },
      lng: 'en',
      fallbackLng: 'kk',
      interpolation: { escapeValue: false },
    });
    const said = (lng: string, count: number) => i.t('registry.refused', { lng, count, n: String(count) });
    expect(said('en', 1)).toBe('Not imported: 1 problem. Nothing was changed.');
    expect(said('en', 3)).toBe('Not imported: 3 problems. Nothing was changed.');
    for (const n of [1, 3, 5]) {
      expect(said('ru', n)).toBe(`Не загружено: ошибок — ${n}. Ничего не изменено.`);
      expect(said('kk', n)).toBe(`Жүктелмеді: қателер — ${n}. Ештеңе өзгертілмеді.`);
    }
    const school = (lng: string, n: number) => i.t('registry.schoolsN', { lng, count: n, n: String(n) });
    expect([school('en', 1), school('en', 2), school('ru', 21)]).toEqual(['1 school', '2 schools', 'школ — 21']);
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
