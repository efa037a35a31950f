import { describe, expect, it } from 'vitest';
import { AuditEntry } from './api.ts';
import { AUDIT_TEXTS, auditDetail, auditSaid } from './audit-texts.ts';

describe('what an audit entry says, in kk, ru and en', () => {
  it("every text names only values its English names, and every one of them but the country's id", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, t] of Object.entries(AUDIT_TEXTS)) {
      // "csv country KZ" is "Казахстан" in Russian: the id says nothing more there
      const en = names(t.en).filter((n) => key !== 'export_country' || n !== 'id');
      expect(names(t.ru), key).toEqual(en);
      expect(names(t.kk), key).toEqual(en);
    }
  });

  it('writes the English detail and what it says from one text; reads it in the reader’s language', () => {
    const d = auditDetail('window_by', {
      from: '2026-12-06T20:35:00.000Z',
      to: '2026-12-06T22:35:00.000Z',
      by: 'op75',
    });
    expect(d.detail).toBe('2026-12-06T20:35:00.000Z – 2026-12-06T22:35:00.000Z by op75');
    expect(auditSaid(d.say, 'ru')).toBe('2026-12-06T20:35:00.000Z – 2026-12-06T22:35:00.000Z, задал op75');
    expect(auditSaid(d.say, 'kk')).toBe('2026-12-06T20:35:00.000Z – 2026-12-06T22:35:00.000Z, белгілеген op75');
    expect(auditSaid(d.say, 'en')).toBe(d.detail);
    // the English is what the API and exports read, as before
    expect(
      auditDetail('export_region', { format: 'csv', id: 'KZ-75', from: '2026-11-01', to: '2026-11-30' }).detail,
    ).toBe('csv region KZ-75 2026-11-01..2026-11-30');
    expect(auditDetail('school_test_delivered', { school: 'KZ-75-01-0001', target: 'webhook http://x' }).detail).toBe(
      'school KZ-75-01-0001 webhook http://x: delivered',
    );
    // an entry keeps both, and an unknown text is not an entry's
    const entry = { at: '2026-12-06T20:35:00.000Z', username: 'op75', role: 'operator', action: 'export', ...d };
    expect(AuditEntry.parse(entry).say).toEqual(d.say);
    expect(AuditEntry.safeParse({ ...entry, say: { text: 'nope', args: {} } }).success).toBe(false);
  });
});
