import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { School } from './api.ts';
import { fieldProblem } from './problems.ts';

const said = (schema: z.ZodType, value: unknown) =>
  schema.safeParse(value, { reportInput: true }).error!.issues.map((i) => fieldProblem(i.path.join('.') || 'x', i));

describe('a value a schema refused, in kk, ru and en', () => {
  it("says a school's refused fields in words, none of zod's English left", () => {
    const got = said(School, {
      id: '',
      districtId: 'KZ-75-01',
      regionCode: 'KZ-7',
      nameKk: 5,
      address: 'a',
      lat: 99,
      lon: 70,
      agents: ['a b'],
      profile: 'p',
      bin: '123',
    });
    expect(got).toEqual([
      { en: 'id: is empty', ru: 'id: пустое значение', kk: 'id: мәні бос' },
      {
        en: 'regionCode: "KZ-7" has a wrong format',
        ru: 'regionCode: «KZ-7» — неверный формат',
        kk: 'regionCode: «KZ-7» пішімі қате',
      },
      { en: 'nameKk: must be text', ru: 'nameKk: должно быть: текст', kk: 'nameKk: мәтін болуы керек' },
      { en: 'nameRu: is missing', ru: 'nameRu: нет значения', kk: 'nameRu: мәні жоқ' },
      { en: 'lat: must be at most 56', ru: 'lat: должно быть не больше 56', kk: 'lat: ең көбі 56 болуы керек' },
      {
        en: 'agents.0: "a b" has a wrong format',
        ru: 'agents.0: «a b» — неверный формат',
        kk: 'agents.0: «a b» пішімі қате',
      },
      // the protocol's own messages: the English is the schema's, word for word
      { en: 'bin: a BIN has 12 digits', ru: 'bin: в БИН 12 цифр', kk: 'bin: БСН-де 12 цифр болады' },
      {
        en: 'bin: the BIN check digit is wrong',
        ru: 'bin: неверна контрольная цифра БИН',
        kk: 'bin: БСН-нің бақылау цифры қате',
      },
    ]);
    expect(got.flatMap((p) => [p.kk, p.ru]).join()).not.toMatch(/expected|Invalid|Too (small|big)/);
  });

  it('tells bounds that include their limit from those that do not, lists and allowed values', () => {
    expect(said(z.number().positive(), 0)[0]!.en).toBe('x: must be more than 0');
    expect(said(z.number().lt(5), 7)[0]!.ru).toBe('x: должно быть меньше 5');
    expect(said(z.number().min(3), 1)[0]!.kk).toBe('x: кемінде 3 болуы керек');
    expect(said(z.string().max(3), 'abcd')[0]!.en).toBe('x: longer than 3 characters');
    expect(said(z.array(z.string()).min(2), [])[0]!.ru).toBe('x: нужно не меньше 2');
    expect(said(z.enum(['kk', 'ru']), 'de')[0]!.en).toBe('x: must be one of: kk, ru');
    expect(said(z.int(), 1.5)[0]!.en).toBe('x: must be a whole number');
    // a secret's value is never repeated
    const form = z.object({ password: z.string().regex(/^\S+$/), code: z.string().regex(/^\d+$/) });
    expect(said(form, { password: 'my secret', code: 'AB-12' }).map((p) => p.en)).toEqual([
      'password: has a wrong format',
      'code: has a wrong format',
    ]);
  });
});
