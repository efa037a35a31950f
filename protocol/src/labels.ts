import type { AlertRule, Severity } from './alerts.ts';
import type { Reason } from './common.ts';

/**
 * What people read for an alert's rule and severity and for a camera's reasons, in the three languages of the
 * product: one table for the dashboard (its i18n resources are made from it) and for the centre's notifications.
 */
export type LabelLang = 'kk' | 'ru' | 'en';
export type Labels = Record<LabelLang, string>;

/** One language's column of a table of labels. */
export function labelsIn<K extends string>(table: Record<K, Labels>, lang: LabelLang): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const k of Object.keys(table) as K[]) out[k] = table[k][lang];
  return out;
}

export const RULE_LABELS: Record<AlertRule, Labels> = {
  camera_offline: {
    kk: 'Камера желіде емес',
    ru: 'Камера не в сети',
    en: 'Camera offline',
  },
  stream_down: {
    kk: 'Бейне ағыны жоқ',
    ru: 'Нет видеопотока',
    en: 'Stream down',
  },
  resolution_low: {
    kk: 'Ажыратымдылық немесе кадр жиілігі талаптан төмен',
    ru: 'Разрешение или частота кадров ниже требования',
    en: 'Resolution or frame rate below requirement',
  },
  retention_short: {
    kk: 'Жазба күндері аз',
    ru: 'Мало дней записи',
    en: 'Too few recording days',
  },
  recording_gap: {
    kk: 'Жазбада үзілістер',
    ru: 'Пропуски в записи',
    en: 'Recording gaps',
  },
  clock_drift: {
    kk: 'Сағат ауытқуы',
    ru: 'Расхождение часов',
    en: 'Clock drift',
  },
  picture_bad: {
    kk: 'Сурет жарамсыз (қара, қатып қалған, бұлыңғыр, жабылған немесе камера бұрылған)',
    ru: 'Изображение непригодно (чёрное, застывшее, размытое, закрытое или камера повёрнута)',
    en: 'Picture unusable (black, frozen, blurred, covered or turned away)',
  },
  link_down: {
    kk: 'Мектеппен байланыс жоқ',
    ru: 'Нет связи со школой',
    en: 'School link down',
  },
  camera_gone: {
    kk: 'Камера жоғалды',
    ru: 'Камера пропала',
    en: 'Camera disappeared',
  },
  camera_new: {
    kk: 'Жаңа белгісіз камера',
    ru: 'Новая неизвестная камера',
    en: 'New unknown camera',
  },
  camera_conflict: {
    kk: 'Бұл камера туралы басқа мектептің агенті хабарлайды',
    ru: 'Об этой камере сообщает агент другой школы',
    en: "Another school's agent reports this camera",
  },
  non_compliant: {
    kk: 'Мектеп талаптарға сай емес',
    ru: 'Школа не соответствует требованиям',
    en: 'School does not meet its requirements',
  },
};

export const SEVERITY_LABELS: Record<Severity, Labels> = {
  critical: {
    kk: 'Шұғыл',
    ru: 'Критическая',
    en: 'Critical',
  },
  major: {
    kk: 'Жоғары',
    ru: 'Высокая',
    en: 'Major',
  },
  minor: {
    kk: 'Төмен',
    ru: 'Низкая',
    en: 'Minor',
  },
  info: {
    kk: 'Ақпарат',
    ru: 'Информация',
    en: 'Info',
  },
};

export const REASON_LABELS: Record<Reason, Labels> = {
  unreachable: {
    kk: 'қолжетімсіз',
    ru: 'недоступна',
    en: 'unreachable',
  },
  onvif_timeout: {
    kk: 'ONVIF күту уақыты өтті',
    ru: 'тайм-аут ONVIF',
    en: 'ONVIF timeout',
  },
  onvif_error: {
    kk: 'ONVIF қатесі',
    ru: 'ошибка ONVIF',
    en: 'ONVIF error',
  },
  auth_failed: {
    kk: 'құпиясөз қабылданбады',
    ru: 'пароль отклонён',
    en: 'password refused',
  },
  slow_response: {
    kk: 'баяу жауап',
    ru: 'медленный ответ',
    en: 'slow response',
  },
  rtsp_down: {
    kk: 'ағын қолжетімсіз',
    ru: 'поток недоступен',
    en: 'stream down',
  },
  no_video: {
    kk: 'бейне жоқ',
    ru: 'нет видео',
    en: 'no video',
  },
  black_picture: {
    kk: 'қара сурет',
    ru: 'чёрное изображение',
    en: 'black picture',
  },
  frozen_picture: {
    kk: 'қатып қалған сурет',
    ru: 'застывшее изображение',
    en: 'frozen picture',
  },
  blurred_picture: {
    kk: 'бұлыңғыр сурет',
    ru: 'размытое изображение',
    en: 'blurred picture',
  },
  covered_picture: {
    kk: 'жабылған сурет',
    ru: 'закрытое изображение',
    en: 'covered picture',
  },
  scene_changed: {
    kk: 'бұрылған немесе жылжытылған',
    ru: 'повёрнута или сдвинута',
    en: 'turned away or moved',
  },
  resolution_below_configured: {
    kk: 'ажыратымдылық баптаудан төмен',
    ru: 'разрешение ниже настройки',
    en: 'resolution below its setting',
  },
  fps_below_configured: {
    kk: 'кадр жиілігі баптаудан төмен',
    ru: 'частота кадров ниже настройки',
    en: 'frame rate below its setting',
  },
  resolution_below_required: {
    kk: 'ажыратымдылық талаптан төмен',
    ru: 'разрешение ниже требования',
    en: 'resolution below requirement',
  },
  fps_below_required: {
    kk: 'кадр жиілігі талаптан төмен',
    ru: 'частота кадров ниже требования',
    en: 'frame rate below requirement',
  },
  clock_drift: {
    kk: 'сағат ауытқуы',
    ru: 'расхождение часов',
    en: 'clock drift',
  },
  retention_short: {
    kk: 'жазба күндері аз',
    ru: 'мало дней записи',
    en: 'too few recording days',
  },
  recording_gaps: {
    kk: 'жазбада үзілістер',
    ru: 'пропуски в записи',
    en: 'recording gaps',
  },
  retention_unknown: {
    kk: 'жазба күндері белгісіз',
    ru: 'дни записи неизвестны',
    en: 'recording days unknown',
  },
};

/**
 * What the centre writes itself on an alert's timeline (why it resolved it, that it opened during maintenance), in
 * the three languages: the centre stores the English (the API's words), the dashboard shows the page's language.
 */
export const EVENT_TEXTS = {
  cleared: { kk: 'жағдай жойылды', ru: 'условие устранено', en: 'condition cleared' },
  schoolBack: { kk: 'мектеп қайта байланыста', ru: 'школа снова на связи', en: 'the school is back online' },
  cameraReports: { kk: 'камера қайта хабар береді', ru: 'камера снова на связи', en: 'the camera reports again' },
  cameraAnnounced: {
    kk: 'камера желіде қайта жарияланды',
    ru: 'камера снова объявилась в сети',
    en: 'the camera was announced again',
  },
  schoolRemoved: {
    kk: 'мектеп тізілімнен алынды',
    ru: 'школа удалена из реестра',
    en: 'school removed from the registry',
  },
  compliant: {
    kk: 'мектеп талаптарға сай',
    ru: 'школа соответствует требованиям',
    en: 'the school meets its requirements',
  },
  notCovered: {
    kk: 'мектеп енді қамтылмаған',
    ru: 'школа больше не охвачена',
    en: 'the school is not covered any more',
  },
  maintenance: {
    kk: 'техникалық қызмет көрсету кезінде',
    ru: 'во время техобслуживания',
    en: 'during maintenance',
  },
} as const satisfies Record<string, Labels>;

/** what the centre writes as who did it when nobody did (a condition cleared) */
export const BY_CENTRE = 'auto';

/**
 * An event's text in a language, when the centre wrote it (its English is in EVENT_TEXTS, or an escalation's
 * "level 2" / "level 2, reminder 1"); undefined for people's own words (comments, reasons given by hand).
 */
export function eventTextIn(text: string, lang: LabelLang): string | undefined {
  for (const l of Object.values(EVENT_TEXTS) as Labels[]) if (l.en === text) return l[lang];
  const m = /^level (\d+)(?:, reminder (\d+))?$/.exec(text);
  if (!m) return undefined;
  const words = { kk: ['деңгей', 'еске салу'], ru: ['уровень', 'напоминание'], en: ['level', 'reminder'] }[lang];
  return `${words[0]} ${m[1]}${m[2] ? `, ${words[1]} ${m[2]}` : ''}`;
}
