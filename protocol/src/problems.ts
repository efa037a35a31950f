import { z } from 'zod';
import { Localized } from './alerts.ts';
import { fill, SCHEMA_TEXTS, type SchemaText } from './schema-texts.ts';

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
  operator_needs_region: {
    en: 'an operator is bound to at least one region',
    ru: 'оператор должен быть привязан хотя бы к одному региону',
    kk: 'оператор кемінде бір өңірге байланған болуы керек',
  },
  school_needed: {
    en: 'school staff need an existing schoolId',
    ru: 'сотруднику школы нужен код существующей школы',
    kk: 'мектеп қызметкеріне бар мектептің коды керек',
  },
  regions_unknown: {
    en: 'no such region: {regions}',
    ru: 'нет такого региона: {regions}',
    kk: 'мұндай өңір жоқ: {regions}',
  },
  user_unknown: {
    en: 'no such user: {name}',
    ru: 'нет такого пользователя: {name}',
    kk: 'мұндай пайдаланушы жоқ: {name}',
  },
  user_exists: {
    en: 'user {name} already exists',
    ru: 'пользователь {name} уже существует',
    kk: '{name} пайдаланушысы бұрыннан бар',
  },
  webhook_internal: {
    en: "{where}: {host} is an internal address ({address}): a school's webhook must be reachable on the internet",
    ru: '{where}: {host} — внутренний адрес ({address}): веб-хук школы должен быть доступен из интернета',
    kk: '{where}: {host} — ішкі мекенжай ({address}): мектептің веб-хугы интернеттен қолжетімді болуы керек',
  },
  school_unknown: {
    en: 'no such school: {school}',
    ru: 'нет такой школы: {school}',
    kk: 'мұндай мектеп жоқ: {school}',
  },
  agent_not_listed: {
    en: 'agent {agent} is not listed for school {school}',
    ru: 'агент {agent} не указан для школы {school} в реестре',
    kk: '{agent} агенті тізілімде {school} мектебі үшін көрсетілмеген',
  },
  alert_resolved: {
    en: 'the alert is resolved',
    ru: 'тревога уже закрыта',
    kk: 'дабыл жабылып қойған',
  },
  // planned works (maintenance windows)
  window_over: {
    en: 'the window is over already',
    ru: 'это время уже прошло',
    kk: 'бұл уақыт өтіп кеткен',
  },
  window_hours: { en: 'at most {n} hours', ru: 'не больше {n} ч', kk: 'ең көбі {n} сағат' },
  window_ahead: {
    en: 'starts at most {n} days ahead',
    ru: 'начало — не позже чем через {n} дн.',
    kk: 'басталуы {n} күннен кешікпеуі керек',
  },
  window_count: {
    en: 'at most {n} windows planned at a time for a school',
    ru: 'для школы одновременно можно запланировать не больше {n} работ',
    kk: 'бір мектепке бір мезгілде ең көбі {n} жұмыс жоспарлауға болады',
  },
  window_operators: {
    en: "an operator's maintenance window: ask the RRC to end it",
    ru: 'работы запланировал оператор: завершить их может только ЦОУ',
    kk: 'жұмыстарды оператор жоспарлаған: оларды тек ЖБО аяқтай алады',
  },
  camera_not_in_school: {
    en: 'no such camera in this school',
    ru: 'в этой школе нет такой камеры',
    kk: 'бұл мектепте мұндай камера жоқ',
  },
  own_role: {
    en: 'your own role is changed by another administrator',
    ru: 'свою роль может изменить только другой администратор',
    kk: 'өз рөліңізді басқа әкімші ғана өзгерте алады',
  },
} as const satisfies Record<string, Localized>;

export type ProblemCode = keyof typeof PROBLEM_TEXTS;
export type ProblemParams = Record<string, string | number>;

/** where a problem is in a file, before what it says */
const LINE: Localized = { en: 'line {line}: {text}', ru: 'строка {line}: {text}', kk: '{line}-жол: {text}' };

/** A text in the three languages with its parameters filled; a parameter may itself differ by language. */
function inAll(t: Localized, params: Record<string, string | number | Localized> = {}): Localized {
  const of = (l: keyof Localized) =>
    Object.fromEntries(Object.entries(params).map(([n, v]) => [n, typeof v === 'object' ? v[l] : v]));
  return { kk: fill(t.kk, of('kk')), ru: fill(t.ru, of('ru')), en: fill(t.en, of('en')) };
}

/** One problem in the three languages (a schema's own text too: what a route refuses that a schema would). */
export function problemText(code: ProblemCode | SchemaText, params: ProblemParams = {}): Localized {
  return inAll(code in PROBLEM_TEXTS ? PROBLEM_TEXTS[code as ProblemCode] : SCHEMA_TEXTS[code as SchemaText], params);
}

/** A problem on a file's line (1 is the header), the line in front: "line 3: …", "строка 3: …", "3-жол: …". */
export function atLine(line: number, p: Localized): Localized {
  return inAll(LINE, { line, text: p });
}

/** How a schema's refusal is said, by the kind of its issue (zod's words are English only). */
const ISSUE_TEXTS = {
  missing: { en: 'is missing', ru: 'нет значения', kk: 'мәні жоқ' },
  empty: { en: 'is empty', ru: 'пустое значение', kk: 'мәні бос' },
  short: { en: 'shorter than {n} characters', ru: 'короче {n} символов', kk: '{n} таңбадан қысқа' },
  long: { en: 'longer than {n} characters', ru: 'длиннее {n} символов', kk: '{n} таңбадан ұзын' },
  below: { en: 'must be at least {n}', ru: 'должно быть не меньше {n}', kk: 'кемінде {n} болуы керек' },
  above: { en: 'must be at most {n}', ru: 'должно быть не больше {n}', kk: 'ең көбі {n} болуы керек' },
  over: { en: 'must be more than {n}', ru: 'должно быть больше {n}', kk: '{n} санынан үлкен болуы керек' },
  under: { en: 'must be less than {n}', ru: 'должно быть меньше {n}', kk: '{n} санынан кіші болуы керек' },
  few: { en: 'needs at least {n}', ru: 'нужно не меньше {n}', kk: 'кемінде {n} керек' },
  many: { en: 'at most {n} allowed', ru: 'допускается не больше {n}', kk: 'ең көбі {n} болады' },
  format: { en: 'has a wrong format', ru: 'неверный формат', kk: 'пішімі қате' },
  formatOf: { en: '"{value}" has a wrong format', ru: '«{value}» — неверный формат', kk: '«{value}» пішімі қате' },
  type: { en: 'must be {type}', ru: 'должно быть: {type}', kk: '{type} болуы керек' },
  oneOf: { en: 'must be one of: {values}', ru: 'допустимые значения: {values}', kk: 'рұқсат етілген мәндер: {values}' },
} as const satisfies Record<string, Localized>;
const TYPE_NAMES: Record<string, Localized> = {
  string: { en: 'text', ru: 'текст', kk: 'мәтін' },
  number: { en: 'a number', ru: 'число', kk: 'сан' },
  int: { en: 'a whole number', ru: 'целое число', kk: 'бүтін сан' },
  boolean: { en: 'true or false', ru: 'true или false', kk: 'true не false' },
  array: { en: 'a list', ru: 'список', kk: 'тізім' },
  object: { en: 'an object', ru: 'объект', kk: 'объект' },
};
/** fields whose values a refusal never repeats */
const SECRET = /^code$|pass|secret|token/i;
const OWN = new Map<string, Localized>(Object.values(SCHEMA_TEXTS).map((t) => [t.en, t]));

/** What a schema's issue says of the value, in the three languages (the protocol's own messages from SCHEMA_TEXTS). */
export function issueText(issue: z.core.$ZodIssue): Localized {
  const own = OWN.get(issue.message);
  if (own) return own;
  // a refinement's own text with its values (schemaIssue)
  const p =
    issue.code === 'custom' ? (issue.params as { text?: SchemaText; args?: ProblemParams } | undefined) : undefined;
  if (p?.text && p.text in SCHEMA_TEXTS) return inAll(SCHEMA_TEXTS[p.text], p.args);
  // a parameter may differ by language (a type's name)
  const say = (k: keyof typeof ISSUE_TEXTS, p?: Record<string, string | number | Localized>) =>
    inAll(ISSUE_TEXTS[k], p);
  const many = (origin: string) => origin === 'array' || origin === 'set';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined && 'input' in issue) return say('missing');
      return say('type', { type: TYPE_NAMES[issue.expected] ?? issue.expected });
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'string') return n <= 1 ? say('empty') : say('short', { n });
      if (many(issue.origin)) return say('few', { n });
      return say(issue.inclusive === false ? 'over' : 'below', { n });
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'string') return say('long', { n });
      if (many(issue.origin)) return say('many', { n });
      return say(issue.inclusive === false ? 'under' : 'above', { n });
    }
    case 'invalid_format':
      // the value itself when it is short enough to read (parsed with `reportInput`), never a secret's
      return typeof issue.input === 'string' &&
        issue.input.length <= 64 &&
        !issue.path.some((k) => SECRET.test(String(k)))
        ? say('formatOf', { value: issue.input })
        : say('format');
    case 'invalid_value':
      return say('oneOf', { values: issue.values.map(String).join(', ') });
    default:
      return { kk: issue.message, ru: issue.message, en: issue.message };
  }
}

/**
 * A value a schema refused, after the field it is in: "lat: must be at most 56", "lat: должно быть не больше 56".
 * Parse with `reportInput: true` for a missing value to say so.
 */
export function fieldProblem(field: string, issue: z.core.$ZodIssue): Localized {
  const t = issueText(issue);
  return { kk: `${field}: ${t.kk}`, ru: `${field}: ${t.ru}`, en: `${field}: ${t.en}` };
}

/**
 * The body of a refusal for one problem from the table: its English as `error` and as the one line of `problems`,
 * and the three languages in `problemsLocalized` (the dashboard shows the page's).
 */
export function refusal(code: ProblemCode | SchemaText, params: ProblemParams = {}): ProblemsAnswer {
  const p = problemText(code, params);
  return { error: p.en, problems: [p.en], problemsLocalized: [p] };
}

/** The body of a refusal that lists several problems (each from the table, in the three languages). */
export function refusals(error: string, problems: Localized[]): ProblemsAnswer {
  return { error, problems: problems.map((p) => p.en), problemsLocalized: problems };
}

/** A refusal that lists its problems: in English (`problems`) and in the three languages, line for line. */
export const ProblemsAnswer = z.object({
  error: z.string(),
  problems: z.array(z.string()),
  problemsLocalized: z.array(Localized).optional(),
});
export type ProblemsAnswer = z.infer<typeof ProblemsAnswer>;
