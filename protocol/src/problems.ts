import { z } from 'zod';
import { Localized } from './alerts.ts';

/**
 * The problems the centre lists when it refuses what an administrator sent (a registry file, a school's removal), in
 * the dashboard's three languages. A refusal's `problems` stay the English lines (the API, scripts and logs read
 * them); `problemsLocalized` carries the same lines in kk, ru and en, written from this one table, so the two cannot
 * say different things. Parameters in braces are the file's own values (ids, numbers, a field's name).
 */
export const PROBLEM_TEXTS = {
  file_empty: { en: 'the file is empty', ru: 'файл пуст', kk: 'файл бос' },
  missing_columns: {
    en: 'missing columns: {columns}',
    ru: 'нет столбцов: {columns}',
    kk: 'бағандар жоқ: {columns}',
  },
  field_count: {
    en: '{fields} fields, the header has {header}',
    ru: 'полей {fields}, а в заголовке {header}',
    kk: 'өрістер саны {fields}, ал тақырып жолында {header}',
  },
  not_a_number: {
    en: '{field}: "{value}" is not a number (e.g. 43.2567 or 43,2567)',
    ru: '{field}: «{value}» — не число (например, 43.2567 или 43,2567)',
    kk: '{field}: «{value}» сан емес (мысалы, 43.2567 немесе 43,2567)',
  },
  /** a value the schema refuses: its own words (English) after the field */
  field_invalid: {
    en: '{field}: {message}',
    ru: '{field}: недопустимое значение ({message})',
    kk: '{field}: жарамсыз мән ({message})',
  },
  region_unknown: {
    en: 'region_code {region} is not a region of Kazakhstan',
    ru: 'region_code {region} — не область Казахстана',
    kk: 'region_code {region} — Қазақстанның облысы емес',
  },
  district_not_in_region: {
    en: 'district_id {district} is not in region {region}',
    ru: 'district_id {district} не входит в область {region}',
    kk: 'district_id {district} {region} облысына кірмейді',
  },
  school_twice: {
    en: 'school_id {school} is already on line {line}',
    ru: 'school_id {school} уже есть в строке {line}',
    kk: 'school_id {school} {line}-жолда бар',
  },
  bin_twice: {
    en: 'BIN {bin} is already on line {line}',
    ru: 'БИН {bin} уже есть в строке {line}',
    kk: 'БСН {bin} {line}-жолда бар',
  },
  kato_digits: {
    en: 'district_kato {kato}: a KATO code has 9 digits',
    ru: 'district_kato {kato}: в коде КАТО 9 цифр',
    kk: 'district_kato {kato}: ӘАОЖ кодында 9 цифр болады',
  },
  district_region_conflict: {
    en: 'district {district} is in {region} on line {line}',
    ru: 'район {district} в строке {line} относится к {region}',
    kk: '{line}-жолда {district} ауданы {region} облысында',
  },
  district_kato_conflict: {
    en: 'district {district} has KATO {kato} on line {line}',
    ru: 'у района {district} в строке {line} КАТО {kato}',
    kk: '{line}-жолда {district} ауданының ӘАОЖ коды {kato}',
  },
  no_school: { en: 'no school in the file', ru: 'в файле нет ни одной школы', kk: 'файлда бірде-бір мектеп жоқ' },
  agent_enrolled: {
    en: 'agent {agent} is enrolled for this school: revoke it first',
    ru: 'агент {agent} зарегистрирован для этой школы: сначала отзовите его',
    kk: '{agent} агенті осы мектепке тіркелген: алдымен оны кері қайтарыңыз',
  },
  user_belongs: {
    en: 'user {user} belongs to this school: delete it first',
    ru: 'пользователь {user} относится к этой школе: сначала удалите его',
    kk: '{user} пайдаланушысы осы мектепке тиесілі: алдымен оны жойыңыз',
  },
} as const satisfies Record<string, Localized>;

export type ProblemCode = keyof typeof PROBLEM_TEXTS;
export type ProblemParams = Record<string, string | number>;

/** where a problem is in a file, before what it says */
const LINE: Localized = { en: 'line {line}: {text}', ru: 'строка {line}: {text}', kk: '{line}-жол: {text}' };

const fill = (s: string, p: ProblemParams) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(p[k] ?? ''));

/** One problem in the three languages. */
export function problemText(code: ProblemCode, params: ProblemParams = {}): Localized {
  const t = PROBLEM_TEXTS[code];
  return { kk: fill(t.kk, params), ru: fill(t.ru, params), en: fill(t.en, params) };
}

/** A problem on a file's line (1 is the header), the line in front: "line 3: …", "строка 3: …", "3-жол: …". */
export function atLine(line: number, p: Localized): Localized {
  return {
    kk: fill(LINE.kk, { line, text: p.kk }),
    ru: fill(LINE.ru, { line, text: p.ru }),
    en: fill(LINE.en, { line, text: p.en }),
  };
}

/** A refusal that lists its problems: in English (`problems`) and in the three languages, line for line. */
export const ProblemsAnswer = z.object({
  error: z.string(),
  problems: z.array(z.string()),
  problemsLocalized: z.array(Localized).optional(),
});
export type ProblemsAnswer = z.infer<typeof ProblemsAnswer>;
