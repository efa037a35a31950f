import { atLine, binValid } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, importRegistryCsv } from './registry-csv.ts';

/** a valid BIN from 11 digits (the check digit computed as the national rule says) */
function withCheckDigit(first11: string): string {
  for (let c = 0; c < 10; c++) if (binValid(`${first11}${c}`)) return `${first11}${c}`;
  throw new Error(`no check digit for ${first11}`);
}

const header = [...CSV_COLUMNS, 'bin', 'district_kato'].join(',');
const row = (id: string, bin: string, over: Partial<Record<string, string>> = {}) => {
  const v: Record<string, string> = {
    school_id: id,
    region_code: 'KZ-75',
    district_id: 'KZ-75-01',
    district_name_ru: 'Алмалинский район',
    district_name_kk: 'Алмалы ауданы',
    name_kk: `№${id} мектеп`,
    name_ru: `Школа №${id}`,
    address: '"ул. Абая, 1"',
    lat: '43.25',
    lon: '76.9',
    agents: `agent-${id}`,
    profile: 'national',
    bin,
    district_kato: '751110000',
    ...over,
  };
  return [...CSV_COLUMNS, 'bin', 'district_kato'].map((c) => v[c] ?? '').join(',');
};

describe('BIN', () => {
  it('checks the check digit, with the second weighting when the first gives 10', () => {
    const good = withCheckDigit('18024000000');
    expect(binValid(good)).toBe(true);
    const bad = `${good.slice(0, 11)}${(Number(good[11]) + 1) % 10}`;
    expect(binValid(bad)).toBe(false);
    expect(binValid('12345')).toBe(false);
    let second = 0;
    for (let i = 0; i < 2000 && !second; i++) {
      const b = String(10_000_000_000 + i * 7919).slice(0, 11);
      const d = [...b].map(Number);
      if (d.reduce((a, x, k) => a + x * (k + 1), 0) % 11 === 10 && binValid(withCheckDigit(b))) second++;
    }
    expect(second).toBe(1);
  });
});

describe('registry import from an education database export', () => {
  const b1 = withCheckDigit('18024000001');
  const b2 = withCheckDigit('18024000002');

  it('imports good rows with BIN and KATO', () => {
    const r = importRegistryCsv(`\uFEFF${header}\n${row('S1', b1)}\n${row('S2', b2)}\n`);
    expect(r.errors).toEqual([]);
    expect(r.registry!.schools.map((s) => s.bin)).toEqual([b1, b2]);
    expect(r.registry!.districts).toEqual([expect.objectContaining({ id: 'KZ-75-01', kato: '751110000' })]);
  });

  it('reports every bad row with its line and reason, and imports nothing', () => {
    const badBin = `${b1.slice(0, 11)}${(Number(b1[11]) + 1) % 10}`;
    const text = [
      header,
      row('S1', b1),
      row('S2', badBin),
      row('S3', b2, { lat: 'north' }),
      row('S1', withCheckDigit('18024000003')),
      row('S5', b1),
      row('S6', withCheckDigit('18024000004'), { region_code: 'KZ-99' }),
      row('S7', withCheckDigit('18024000005'), { district_kato: '12' }),
      'S8,KZ-75',
    ].join('\n');
    const r = importRegistryCsv(text);
    expect(r.registry).toBeUndefined();
    const at = (line: number) => r.errors.filter((e) => e.line === line).map((e) => e.reason);
    expect(at(2)).toEqual([]);
    expect(at(3)).toEqual(['bin: the BIN check digit is wrong']);
    expect(at(4)).toEqual(['lat: "north" is not a number (e.g. 43.2567 or 43,2567)']);
    expect(at(5)).toEqual(['school_id S1 is already on line 2']);
    expect(at(6)).toEqual([`BIN ${b1} is already on line 2`]);
    expect(at(7).join()).toMatch(/KZ-99/);
    expect(at(8)).toEqual(['district_kato 12: a KATO code has 9 digits']);
    expect(at(9)[0]).toMatch(/fields, the header has/);
  });

  it('refuses a file without the columns it needs', () => {
    expect(importRegistryCsv('school_id,name_ru\nS1,x').errors).toEqual([
      {
        line: 1,
        reason: expect.stringMatching(/missing columns: region_code, district_id/),
        localized: {
          en: expect.stringMatching(/^missing columns: region_code, district_id/),
          ru: expect.stringMatching(/^нет столбцов: region_code, district_id/),
          kk: expect.stringMatching(/^бағандар жоқ: region_code, district_id/),
        },
      },
    ]);
  });

  it('says every problem in kk, ru and en, from one table (the English is the API answer)', () => {
    const row: Record<string, string> = { school_id: 'S1', district_id: 'KZ-75-01', region_code: 'KZ-75' };
    Object.assign(row, { name_kk: 'a', name_ru: 'b', address: 'c', lat: 'north', lon: '76.9' });
    Object.assign(row, { district_name_ru: 'd', district_name_kk: 'd' });
    const r = importRegistryCsv(`${CSV_COLUMNS.join(',')}\n${CSV_COLUMNS.map((c) => row[c] ?? '').join(',')}`);
    expect(r.errors.map((e) => e.localized)).toEqual([
      {
        en: 'lat: "north" is not a number (e.g. 43.2567 or 43,2567)',
        ru: 'lat: «north» — не число (например, 43.2567 или 43,2567)',
        kk: 'lat: «north» сан емес (мысалы, 43.2567 немесе 43,2567)',
      },
    ]);
    expect(r.errors[0]!.reason).toBe(r.errors[0]!.localized.en);
    expect(atLine(2, r.errors[0]!.localized).kk).toBe('2-жол: lat: «north» сан емес (мысалы, 43.2567 немесе 43,2567)');
    expect(atLine(2, r.errors[0]!.localized).ru).toMatch(/^строка 2: lat: «north»/);
  });

  it("says in words what the school's schema refuses, under the file's column names (not the schema's)", () => {
    const bad = importRegistryCsv(`${header}\n${row('', b1, { region_code: 'KZ75', agents: 'a/b' })}\n`);
    expect(bad.errors.map((e) => e.localized.kk)).toEqual([
      'school_id: мәні бос',
      'region_code: «KZ75» пішімі қате',
      'agents: «a/b» пішімі қате',
    ]);
    expect(bad.errors.map((e) => e.reason)).toEqual([
      'school_id: is empty',
      'region_code: "KZ75" has a wrong format',
      'agents: "a/b" has a wrong format',
    ]);
  });
});
