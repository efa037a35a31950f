/** The words of the exports (CSV and PDF), in the three languages of the dashboard. */
export type Lang = 'kk' | 'ru' | 'en';

const T = {
  en: {
    title: 'Video surveillance compliance',
    generated: 'Generated',
    period: 'Period',
    scope: 'Scope',
    country: 'Kazakhstan',
    day: 'Day',
    days: 'Days',
    regions: 'Regions',
    districts: 'Districts',
    region: 'Region',
    district: 'District',
    schoolId: 'School ID',
    school: 'School',
    compliant: 'Compliant',
    covered: 'Covered',
    reasons: 'Reasons',
    cameras: 'Cameras',
    required: 'Required',
    camerasCompliant: 'Compliant cameras',
    availability: 'Availability, %',
    linkDown: 'Link down, min',
    offline: 'Cameras offline, min',
    zonesMissing: 'Zones not watched',
    yes: 'yes',
    no: 'no',
    schools: 'Schools',
    compliantPct: 'Compliant, %',
    coveredPct: 'Covered, %',
    daysNonCompliant: 'Days not compliant',
    revised: 'revised after late data',
    chain: 'Archive entry',
    requirements: 'Requirements',
    daysShort: 'days',
    verified: 'Archive verified',
    notVerified: 'Archive verification failed',
    page: 'Page',
  },
  ru: {
    title: 'Соответствие видеонаблюдения',
    generated: 'Сформировано',
    period: 'Период',
    scope: 'Охват',
    country: 'Казахстан',
    day: 'День',
    days: 'Дни',
    regions: 'Регионы',
    districts: 'Районы',
    region: 'Регион',
    district: 'Район',
    schoolId: 'ID школы',
    school: 'Школа',
    compliant: 'Соответствует',
    covered: 'Охвачена',
    reasons: 'Причины',
    cameras: 'Камеры',
    required: 'Требуется',
    camerasCompliant: 'Камеры в норме',
    availability: 'Доступность, %',
    linkDown: 'Нет связи, мин',
    offline: 'Камеры недоступны, мин',
    zonesMissing: 'Зоны без наблюдения',
    yes: 'да',
    no: 'нет',
    schools: 'Школы',
    compliantPct: 'Соответствуют, %',
    coveredPct: 'Охвачены, %',
    daysNonCompliant: 'Дней несоответствия',
    revised: 'пересмотрено по поздним данным',
    chain: 'Запись архива',
    requirements: 'Требования',
    daysShort: 'дн.',
    verified: 'Архив проверен',
    notVerified: 'Проверка архива не пройдена',
    page: 'Стр.',
  },
  kk: {
    title: 'Бейнебақылаудың талаптарға сәйкестігі',
    generated: 'Жасалған',
    period: 'Кезең',
    scope: 'Қамту',
    country: 'Қазақстан',
    day: 'Күн',
    days: 'Күндер',
    regions: 'Өңірлер',
    districts: 'Аудандар',
    region: 'Өңір',
    district: 'Аудан',
    schoolId: 'Мектеп ID',
    school: 'Мектеп',
    compliant: 'Сәйкес',
    covered: 'Қамтылған',
    reasons: 'Себептер',
    cameras: 'Камералар',
    required: 'Талап етіледі',
    camerasCompliant: 'Сәйкес камералар',
    availability: 'Қолжетімділік, %',
    linkDown: 'Байланыс жоқ, мин',
    offline: 'Камералар қолжетімсіз, мин',
    zonesMissing: 'Бақыланбайтын аймақтар',
    yes: 'иә',
    no: 'жоқ',
    schools: 'Мектептер',
    compliantPct: 'Сәйкес, %',
    coveredPct: 'Қамтылған, %',
    daysNonCompliant: 'Сәйкес емес күндер',
    revised: 'кешіккен деректер бойынша қайта қаралды',
    chain: 'Мұрағат жазбасы',
    requirements: 'Талаптар',
    daysShort: 'күн',
    verified: 'Мұрағат тексерілді',
    notVerified: 'Мұрағатты тексеру сәтсіз',
    page: 'Бет',
  },
} as const;

const REASONS: Record<string, Record<Lang, string>> = {
  no_agent: { en: 'no agent', ru: 'нет агента', kk: 'агент жоқ' },
  no_cameras: { en: 'no cameras', ru: 'нет камер', kk: 'камера жоқ' },
  too_few_cameras: { en: 'too few cameras', ru: 'мало камер', kk: 'камера аз' },
  zone_missing: { en: 'zone not watched', ru: 'зона без наблюдения', kk: 'аймақ бақыланбайды' },
  cameras_non_compliant: { en: 'cameras not compliant', ru: 'камеры не соответствуют', kk: 'камералар сәйкес емес' },
  retention_short: { en: 'recording days short', ru: 'мало дней записи', kk: 'жазба күндері аз' },
  retention_unknown: { en: 'recording unknown', ru: 'запись неизвестна', kk: 'жазба белгісіз' },
  recording_gaps: { en: 'recording gaps', ru: 'пропуски записи', kk: 'жазбада үзілістер' },
  resolution_below_required: { en: 'resolution too low', ru: 'низкое разрешение', kk: 'ажыратымдылық төмен' },
  resolution_unknown: { en: 'resolution unknown', ru: 'разрешение неизвестно', kk: 'ажыратымдылық белгісіз' },
  fps_below_required: { en: 'frame rate too low', ru: 'низкая частота кадров', kk: 'кадр жиілігі төмен' },
  clock_drift: { en: 'clock off', ru: 'часы сбиты', kk: 'сағат қате' },
  no_signal: { en: 'no signal', ru: 'нет сигнала', kk: 'сигнал жоқ' },
  link_down: { en: 'link down', ru: 'нет связи', kk: 'байланыс жоқ' },
  forbidden_zone: { en: 'forbidden zone', ru: 'запрещённая зона', kk: 'тыйым салынған аймақ' },
};

export function text(lang: Lang): Record<keyof (typeof T)['en'], string> {
  return T[lang];
}

const LOCALE: Record<Lang, string> = { kk: 'kk-KZ', ru: 'ru-RU', en: 'en-GB' };

/**
 * Figures, days and times of a printed report as the reader's language writes them (the server's ICU is full: Kazakh
 * has its own patterns here): 7 500 and 33,3 in kk and ru, 7,500 and 33.3 in en; days as 01.12.2026 (01/12/2026);
 * times in Kazakhstan's one zone, UTC+5, as every screen shows them. A percentage is never rounded to a whole that
 * is not so: 3 of 7,500 is "< 0,1", 7,499 of 7,500 "> 99,9" (the dashboard's rule, lib/format.ts).
 */
export function reportFormat(lang: Lang) {
  const locale = LOCALE[lang];
  const number = new Intl.NumberFormat(locale);
  const one = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const date = { timeZone: 'Asia/Almaty', year: 'numeric', month: '2-digit', day: '2-digit' } as const;
  const day = new Intl.DateTimeFormat(locale, date);
  const time = new Intl.DateTimeFormat(locale, { ...date, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const percent = (share: number) =>
    share > 0 && share < 0.0005
      ? `< ${one.format(0.1)}`
      : share < 1 && share >= 0.9995
        ? `> ${one.format(99.9)}`
        : one.format(share * 100);
  return {
    number: (n: number) => number.format(n),
    /** n of `of` as a percentage, without the sign (the column's title has it); '—' when `of` is 0 */
    share: (n: number, of: number) => (of ? percent(n / of) : '—'),
    /** a percentage already made (0–100) */
    pct: (v: number | undefined) => (v === undefined ? '—' : percent(v / 100)),
    /** a calendar day, "2026-12-01" */
    day: (d: string) => day.format(new Date(`${d}T12:00:00+05:00`)),
    /** an instant, in UTC+5 */
    time: (iso: string) => `${time.format(new Date(iso))} (UTC+5)`,
  };
}

export function reasonText(code: string, lang: Lang): string {
  return REASONS[code]?.[lang] ?? code;
}

/** A CSV field: quoted when it must be (RFC 4180), formula-looking text defused for spreadsheets. */
export function csvField(v: string | number | boolean | undefined): string {
  if (v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
