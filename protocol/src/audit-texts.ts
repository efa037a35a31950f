import { z } from 'zod';
import { fill } from './schema-texts.ts';

/**
 * What an audit entry says beyond its action, in the dashboard's three languages. An entry keeps its English `detail`
 * (the API, scripts and exports read it) and `say`: which text with which values, so the audit log shows it in the
 * reader's language — both written from this one table, so they cannot say different things. Values in braces are
 * the entry's own (names, ids, counts, ISO instants: the page shows instants in the reader's time).
 */
export const AUDIT_TEXTS = {
  live_session: { en: 'session {session}', ru: 'сеанс {session}', kk: 'сеанс {session}' },
  // a live view's end, by why it ended (the English keeps the server's code: scripts read it)
  live_end_agent_offline: {
    en: 'session {session}, {seconds} s, agent_offline',
    ru: 'сеанс {session}, {seconds} с, агент школы не на связи',
    kk: 'сеанс {session}, {seconds} с, мектеп агенті байланыста емес',
  },
  live_end_no_answer: {
    en: 'session {session}, {seconds} s, no_answer',
    ru: 'сеанс {session}, {seconds} с, агент не запустил поток вовремя',
    kk: 'сеанс {session}, {seconds} с, агент ағынды уақытында бастамады',
  },
  live_end_camera_refused: {
    en: 'session {session}, {seconds} s, camera_refused',
    ru: 'сеанс {session}, {seconds} с, камера не отдала поток',
    kk: 'сеанс {session}, {seconds} с, камера ағынды бермеді',
  },
  live_end_codec_unplayable: {
    en: 'session {session}, {seconds} s, codec_unplayable',
    ru: 'сеанс {session}, {seconds} с, кодек не воспроизводится',
    kk: 'сеанс {session}, {seconds} с, кодек ойнатылмайды',
  },
  live_end_limit_camera: {
    en: 'session {session}, {seconds} s, limit_camera',
    ru: 'сеанс {session}, {seconds} с, предел зрителей камеры',
    kk: 'сеанс {session}, {seconds} с, камера көрермендерінің шегі',
  },
  live_end_limit_school: {
    en: 'session {session}, {seconds} s, limit_school',
    ru: 'сеанс {session}, {seconds} с, предел просмотров школы',
    kk: 'сеанс {session}, {seconds} с, мектеп көрулерінің шегі',
  },
  live_end_expired: {
    en: 'session {session}, {seconds} s, expired',
    ru: 'сеанс {session}, {seconds} с, время истекло',
    kk: 'сеанс {session}, {seconds} с, уақыты бітті',
  },
  live_end_not_allowed: {
    en: 'session {session}, {seconds} s, not_allowed',
    ru: 'сеанс {session}, {seconds} с, роли видео не положено',
    kk: 'сеанс {session}, {seconds} с, рөлге бейне рұқсат етілмеген',
  },
  live_end_ended: {
    en: 'session {session}, {seconds} s, ended',
    ru: 'сеанс {session}, {seconds} с, завершён',
    kk: 'сеанс {session}, {seconds} с, аяқталды',
  },
  live_end_failed: {
    en: 'session {session}, {seconds} s, failed',
    ru: 'сеанс {session}, {seconds} с, сбой',
    kk: 'сеанс {session}, {seconds} с, ақау',
  },
  picture_of: { en: 'picture of {at}', ru: 'кадр от {at}', kk: '{at} кадры' },
  window_by: { en: '{from} – {to} by {by}', ru: '{from} – {to}, задал {by}', kk: '{from} – {to}, белгілеген {by}' },
  school_removed: {
    en: '{name}, {cameras} cameras',
    ru: '{name}, камер: {cameras}',
    kk: '{name}, камералар: {cameras}',
  },
  registry_imported: {
    en: '{schools} schools, {districts} districts, {moved} moved, {notInFile} not in the file, {unlisted} enrolled agent(s) no longer listed',
    ru: 'школ: {schools}, районов: {districts}, перенесено: {moved}, нет в файле: {notInFile}, подключённых агентов больше нет в реестре: {unlisted}',
    kk: 'мектептер: {schools}, аудандар: {districts}, көшірілді: {moved}, файлда жоқ: {notInFile}, тізілімде енді жоқ қосылған агенттер: {unlisted}',
  },
  audit_gap: {
    en: '{lost} entries dropped from the log before they were copied to the object store',
    ru: 'записей удалено из журнала до копирования в хранилище: {lost}',
    kk: 'қоймаға көшірілмей тұрып журналдан жойылған жазбалар: {lost}',
  },
  agent_host: { en: 'host {host}', ru: 'хост {host}', kk: 'хост {host}' },
  agent_host_replaced: {
    en: 'host {host}; previous token revoked',
    ru: 'хост {host}; прежний токен отозван',
    kk: 'хост {host}; бұрынғы токен кері қайтарылды',
  },
  login_throttled: {
    en: '{failures} failures; retry after {retry} s',
    ru: 'неудачных попыток: {failures}; повтор через {retry} с',
    kk: 'сәтсіз әрекеттер: {failures}; {retry} с кейін қайталау',
  },
  wrong_current_password: {
    en: 'password change: wrong current password',
    ru: 'смена пароля: неверный текущий пароль',
    kk: 'құпиясөзді ауыстыру: ағымдағы құпиясөз қате',
  },
  test_delivered: { en: '{target}: delivered', ru: '{target}: доставлено', kk: '{target}: жеткізілді' },
  test_failed: {
    en: '{target}: {reason}',
    ru: '{target}: не доставлено ({reason})',
    kk: '{target}: жеткізілмеді ({reason})',
  },
  school_test_delivered: {
    en: 'school {school} {target}: delivered',
    ru: 'школа {school}, {target}: доставлено',
    kk: '{school} мектебі, {target}: жеткізілді',
  },
  school_test_failed: {
    en: 'school {school} {target}: {reason}',
    ru: 'школа {school}, {target}: не доставлено ({reason})',
    kk: '{school} мектебі, {target}: жеткізілмеді ({reason})',
  },
  archive_ok: {
    en: 'ok: {entries} entries, {objects} objects',
    ru: 'в порядке: записей {entries}, объектов {objects}',
    kk: 'дұрыс: жазбалар {entries}, нысандар {objects}',
  },
  archive_entry: { en: '{day}: entry {n}', ru: '{day}: запись {n}', kk: '{day}: {n}-жазба' },
  export_country: {
    en: '{format} country {id} {from}..{to}',
    ru: '{format}, Казахстан, {from}..{to}',
    kk: '{format}, Қазақстан, {from}..{to}',
  },
  export_region: {
    en: '{format} region {id} {from}..{to}',
    ru: '{format}, регион {id}, {from}..{to}',
    kk: '{format}, {id} өңірі, {from}..{to}',
  },
  export_district: {
    en: '{format} district {id} {from}..{to}',
    ru: '{format}, район {id}, {from}..{to}',
    kk: '{format}, {id} ауданы, {from}..{to}',
  },
  export_school: {
    en: '{format} school {id} {from}..{to}',
    ru: '{format}, школа {id}, {from}..{to}',
    kk: '{format}, {id} мектебі, {from}..{to}',
  },
  placed_name: { en: 'name "{name}"', ru: 'название «{name}»', kk: 'атауы «{name}»' },
  placed_zone: { en: 'zone {zone}', ru: 'зона {zone}', kk: 'аймақ {zone}' },
  placed_name_zone: {
    en: 'name "{name}", zone {zone}',
    ru: 'название «{name}», зона {zone}',
    kk: 'атауы «{name}», аймақ {zone}',
  },
  placed_no_zone: { en: 'zone none', ru: 'без зоны', kk: 'аймақсыз' },
  placed_name_no_zone: {
    en: 'name "{name}", zone none',
    ru: 'название «{name}», без зоны',
    kk: 'атауы «{name}», аймақсыз',
  },
  token_country: {
    en: '{id} "{name}" country',
    ru: '{id} «{name}», весь Казахстан',
    kk: '{id} «{name}», бүкіл Қазақстан',
  },
  token_regions: {
    en: '{id} "{name}" {regions}',
    ru: '{id} «{name}», регионы {regions}',
    kk: '{id} «{name}», өңірлер {regions}',
  },
  token: { en: '{id} "{name}"', ru: '{id} «{name}»', kk: '{id} «{name}»' },
} as const satisfies Record<string, { en: string; ru: string; kk: string }>;

export type AuditText = keyof typeof AUDIT_TEXTS;

/** Which text an audit entry says, with which values. */
export const AuditSay = z.object({
  text: z.enum(Object.keys(AUDIT_TEXTS) as [AuditText, ...AuditText[]]),
  args: z.record(z.string().max(40), z.union([z.string().max(500), z.number()])),
});
export type AuditSay = z.infer<typeof AuditSay>;

/** An entry's detail and what it says, from one text and its values. */
export function auditDetail(
  text: AuditText,
  args: Record<string, string | number> = {},
): { detail: string; say: AuditSay } {
  // values as long as the entry's schema keeps them (a device's or a person's text can be longer)
  const kept = Object.fromEntries(
    Object.entries(args).map(([k, v]) => [k, typeof v === 'string' ? v.slice(0, 500) : v]),
  );
  return { detail: fill(AUDIT_TEXTS[text].en, args).slice(0, 500), say: { text, args: kept } };
}

/** What an entry says in a language (kk, ru or en). */
export function auditSaid(say: AuditSay, lang: string): string {
  const t = AUDIT_TEXTS[say.text];
  return fill(lang === 'kk' || lang === 'ru' ? t[lang] : t.en, say.args);
}
