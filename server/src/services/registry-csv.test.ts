import { Registry } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, importRegistryCsv, parseCsv, registryFromCsv } from './registry-csv.ts';

describe('registry CSV', () => {
  it('parses quoted fields, doubled quotes and CRLF', () => {
    expect(parseCsv('a,"b, c","say ""hi"""\r\n1,2,3\n')).toEqual([
      ['a', 'b, c', 'say "hi"'],
      ['1', '2', '3'],
    ]);
  });

  it("reads a file saved by Excel in Russian or Kazakh: ';' between fields, a decimal comma, a byte order mark", () => {
    expect(parseCsv('a;"b; c";d,e\r\n1;2;3,5\n')).toEqual([
      ['a', 'b; c', 'd,e'],
      ['1', '2', '3,5'],
    ]);
    const excel = [
      `\uFEFF${CSV_COLUMNS.join(';')}`,
      'KZ-75-01-0001;KZ-75;KZ-75-01;Алмалинский район;Алмалы ауданы;№1 мектеп;"Школа №1; гимназия";ул. Абая, 1;43,2567;76,9286;agent-a;',
    ].join('\r\n');
    const r = importRegistryCsv(excel);
    expect(r.errors).toEqual([]);
    expect(r.registry!.schools[0]).toMatchObject({
      nameRu: 'Школа №1; гимназия',
      address: 'ул. Абая, 1',
      lat: 43.2567,
      lon: 76.9286,
    });
    expect(registryFromCsv(excel).schools[0]).toMatchObject({ lat: 43.2567, lon: 76.9286 });
  });

  it('builds a valid registry with the 20 regions and the districts of the rows', () => {
    const csv = [
      CSV_COLUMNS.join(','),
      'KZ-75-01-0001,KZ-75,KZ-75-01,Алмалинский район,Алмалы ауданы,"№1 мектеп","Школа №1, гимназия",ул. Абая 1,43.25,76.92,agent-a agent-b,',
      'KZ-71-01-0001,KZ-71,KZ-71-01,район Есиль,Есіл ауданы,№2 мектеп,Школа №2,пр. Мангилик Ел 2,51.13,71.43,agent-c,national-default',
    ].join('\n');
    const reg = Registry.parse(registryFromCsv(`\uFEFF${csv}`));
    expect(reg.regions).toHaveLength(20);
    expect(reg.districts.map((d) => d.id)).toEqual(['KZ-75-01', 'KZ-71-01']);
    expect(reg.schools[0]).toMatchObject({
      nameRu: 'Школа №1, гимназия',
      agents: ['agent-a', 'agent-b'],
      profile: 'national-default',
      lat: 43.25,
    });
  });

  it('names a missing column', () => {
    expect(() => registryFromCsv('school_id,region_code\nx,KZ-75')).toThrow(/no column "district_id"/);
  });
});
