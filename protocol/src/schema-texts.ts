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
  // the requirement document's own checks (compliance.ts), with the document's values in braces
  profile_twice: {
    en: 'profile {name} is defined twice',
    ru: 'профиль {name} задан дважды',
    kk: '{name} профилі екі рет берілген',
  },
  zone_twice: { en: 'zone {zone} twice', ru: 'зона {zone} указана дважды', kk: '{zone} аймағы екі рет көрсетілген' },
  zone_required_twice: {
    en: 'zone {zone} is required twice in profile {name} (one entry, with its minimum of cameras)',
    ru: 'зона {zone} требуется в профиле {name} дважды (нужна одна запись с минимумом камер)',
    kk: '{zone} аймағы {name} профилінде екі рет талап етілген (камералардың ең аз санымен бір жазба керек)',
  },
  zone_unknown: {
    en: 'no zone {zone} in the catalogue',
    ru: 'в каталоге нет зоны {zone}',
    kk: 'каталогта {zone} аймағы жоқ',
  },
  zone_forbidden: {
    en: 'zone {zone} is forbidden for cameras',
    ru: 'в зоне {zone} камеры запрещены',
    kk: '{zone} аймағында камераларға тыйым салынған',
  },
  // a maintenance window's end (its field named before it: "to: must be after from")
  window_order: { en: 'must be after from', ru: 'должно быть позже начала', kk: 'басталуынан кейін болуы керек' },
  // the alerting configuration's own checks (alerts.ts)
  rule_retired: {
    en: '{rule} is no longer raised per camera: a school failing its requirement profile raises one non_compliant alert (configure that rule)',
    ru: '{rule} больше не поднимается по каждой камере: школа, не выполняющая профиль требований, поднимает одну тревогу non_compliant (настройте это правило)',
    kk: '{rule} енді әр камера бойынша көтерілмейді: талаптар профилін орындамаған мектеп бір non_compliant дабылын көтереді (сол ережені баптаңыз)',
  },
  profile_unknown: { en: 'no profile named {name}', ru: 'нет профиля {name}', kk: '{name} деген профиль жоқ' },
} as const satisfies Record<string, { kk: string; ru: string; en: string }>;

export type SchemaText = keyof typeof SCHEMA_TEXTS;

/** A text with its parameters in braces filled. */
export const fill = (s: string, p: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => String(p[k] ?? ''));

/**
 * A schema's own refusal (for `ctx.addIssue` in a refinement): its English as the message, and which text with which
 * values in `params`, so problems.ts says it in kk and ru too.
 */
export function schemaIssue(text: SchemaText, args: Record<string, string | number>, path: (string | number)[]) {
  return { code: 'custom' as const, path, message: fill(SCHEMA_TEXTS[text].en, args), params: { text, args } };
}
