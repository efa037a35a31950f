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
