import {
  type LabelLang,
  type Localized,
  type Profile,
  type RequirementsDoc,
  type SchoolVerdict,
  zoneName,
} from '@kuzet/protocol';

type N = number | string;

/** The phrases of a compliance alert's text, in the dashboard's three languages. */
const P: Record<
  LabelLang,
  {
    profile: (name: string, v: number) => string;
    failing: string;
    noSignal: N;
    retentionShort: (d: N) => string;
    retentionUnknown: string;
    gaps: (m: N, w: N) => string;
    resolution: (w: N, h: N) => string;
    fps: (f: N) => string;
    resolutionUnknown: string;
    clock: (s: N) => string;
    forbidden: string;
    tooFew: (p: N, r: N) => string;
    zone: (name: string, c: N, r: N) => string;
    zones: string;
  }
> = {
  en: {
    profile: (name, v) => `profile ${name} v${v}`,
    failing: 'cameras failing',
    noSignal: 'no signal to the RRC',
    retentionShort: (d) => `recording days under ${d}`,
    retentionUnknown: 'recording days unknown',
    gaps: (m, w) => `gaps over ${m} min in ${w} days`,
    resolution: (w, h) => `resolution under ${w}×${h}`,
    fps: (f) => `frame rate under ${f} fps`,
    resolutionUnknown: 'resolution not measured yet',
    clock: (s) => `clock off by more than ${s} s`,
    forbidden: 'in a forbidden place',
    tooFew: (p, r) => `${p} of ${r} cameras`,
    zone: (name, c, r) => `${name} (${c} of ${r} compliant)`,
    zones: 'zones not watched',
  },
  ru: {
    profile: (name, v) => `профиль ${name} v${v}`,
    failing: 'камеры не соответствуют',
    noSignal: 'нет сигнала в ЦОУ',
    retentionShort: (d) => `дней записи меньше ${d}`,
    retentionUnknown: 'дни записи неизвестны',
    gaps: (m, w) => `разрывы дольше ${m} мин за ${w} дн.`,
    resolution: (w, h) => `разрешение ниже ${w}×${h}`,
    fps: (f) => `частота кадров ниже ${f} к/с`,
    resolutionUnknown: 'разрешение ещё не измерено',
    clock: (s) => `часы расходятся больше чем на ${s} с`,
    forbidden: 'в запрещённом месте',
    tooFew: (p, r) => `камер ${p}, нужно не менее ${r}`,
    zone: (name, c, r) => `${name} (соответствуют ${c} из ${r})`,
    zones: 'зоны без наблюдения',
  },
  kk: {
    profile: (name, v) => `${name} бейіні, ${v}-нұсқа`,
    failing: 'талапқа сай емес камералар',
    noSignal: 'ЖБО-ға сигнал жоқ',
    retentionShort: (d) => `жазба күндері ${d}-ден аз`,
    retentionUnknown: 'жазба күндері белгісіз',
    gaps: (m, w) => `${w} күнде ${m} минуттан ұзақ үзілістер`,
    resolution: (w, h) => `ажыратымдылық ${w}×${h}-ден төмен`,
    fps: (f) => `кадр жиілігі ${f} кадр/с-тан төмен`,
    resolutionUnknown: 'ажыратымдылық әлі өлшенбеген',
    clock: (s) => `сағат ${s} с-тан артық ауытқиды`,
    forbidden: 'тыйым салынған жерде',
    tooFew: (p, r) => `камера ${p}, кемінде ${r} қажет`,
    zone: (name, c, r) => `${name} (${r} ішінен ${c} сай)`,
    zones: 'бақыланбайтын аймақтар',
  },
};

/**
 * The compliance alert's text in kk, ru and en: what fails, with the profile's numbers and the zones by their names
 * (each at most 500 characters, as an alert's detail).
 */
export function complianceDetails(
  v: SchoolVerdict,
  p: Profile,
  doc: Pick<RequirementsDoc, 'version' | 'zones'>,
): Localized {
  const f = v.failing;
  const n = (k: keyof typeof f) => f[k] ?? 0;
  const one = (lang: LabelLang): string => {
    const t = P[lang];
    const parts: string[] = [];
    const add = (count: number, what: N) => {
      if (count) parts.push(`${what}: ${count}`);
    };
    add(n('no_signal') + n('link_down'), t.noSignal);
    add(n('retention_short'), t.retentionShort(p.minRetentionDays));
    add(n('retention_unknown'), t.retentionUnknown);
    add(n('recording_gaps'), t.gaps(p.maxGapMinutes, p.gapWindowDays));
    add(n('resolution_below_required'), t.resolution(p.minWidth, p.minHeight));
    add(n('fps_below_required'), t.fps(p.minFps));
    add(n('resolution_unknown'), t.resolutionUnknown);
    add(n('clock_drift'), t.clock(p.maxClockDriftSeconds));
    add(n('forbidden_zone'), t.forbidden);
    const cams = parts.length ? `${t.failing} — ${parts.join('; ')}` : '';
    const zones = v.zones
      .filter((z) => !z.ok)
      .map((z) => t.zone(zoneName(doc.zones, z.zone, lang), z.compliant, z.required));
    const school = [
      ...(v.reasons.includes('too_few_cameras') ? [t.tooFew(v.cameras.present, v.cameras.required)] : []),
      ...(zones.length ? [`${t.zones}: ${zones.join(', ')}`] : []),
    ];
    // sentences, each begun with a capital
    const sentences = [t.profile(p.name, doc.version), cams, ...school].filter(Boolean);
    return sentences
      .map((x) => x[0]!.toLocaleUpperCase(lang) + x.slice(1))
      .join('. ')
      .slice(0, 500);
  };
  return { kk: one('kk'), ru: one('ru'), en: one('en') };
}
