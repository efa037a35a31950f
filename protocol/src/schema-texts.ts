/**
 * What the protocol's own schemas say of a value they refuse, in the dashboard's three languages. The English is the
 * schema's message (zod's, so the API's); problems.ts shows the others for it. A leaf: common.ts takes its messages
 * from here.
 */
export const SCHEMA_TEXTS = {
  bin_digits: { en: 'a BIN has 12 digits', ru: 'в БИН 12 цифр', kk: 'БСН-де 12 цифр болады' },
  bin_check_digit: {
    en: 'the BIN check digit is wrong',
    ru: 'неверна контрольная цифра БИН',
    kk: 'БСН-нің бақылау цифры қате',
  },
  kato_digits: { en: 'a KATO code has 9 digits', ru: 'в коде КАТО 9 цифр', kk: 'ӘАОЖ кодында 9 цифр болады' },
  camera_id: {
    en: 'camera id is cam-<16 hex>',
    ru: 'идентификатор камеры: cam-<16 шестнадцатеричных цифр>',
    kk: 'камера идентификаторы: cam-<16 он алтылық цифр>',
  },
} as const satisfies Record<string, { kk: string; ru: string; en: string }>;
