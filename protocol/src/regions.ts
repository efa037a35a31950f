import type { Region } from './api.ts';

/** The 20 first-level units of Kazakhstan since 2022 (17 regions + 3 cities of republican significance). */
export const KZ_REGIONS: Region[] = [
  { code: 'KZ-10', nameEn: 'Abai Region', nameRu: 'Абайская область', nameKk: 'Абай облысы' },
  { code: 'KZ-11', nameEn: 'Akmola Region', nameRu: 'Акмолинская область', nameKk: 'Ақмола облысы' },
  { code: 'KZ-15', nameEn: 'Aktobe Region', nameRu: 'Актюбинская область', nameKk: 'Ақтөбе облысы' },
  { code: 'KZ-19', nameEn: 'Almaty Region', nameRu: 'Алматинская область', nameKk: 'Алматы облысы' },
  { code: 'KZ-23', nameEn: 'Atyrau Region', nameRu: 'Атырауская область', nameKk: 'Атырау облысы' },
  {
    code: 'KZ-27',
    nameEn: 'West Kazakhstan Region',
    nameRu: 'Западно-Казахстанская область',
    nameKk: 'Батыс Қазақстан облысы',
  },
  { code: 'KZ-31', nameEn: 'Jambyl Region', nameRu: 'Жамбылская область', nameKk: 'Жамбыл облысы' },
  { code: 'KZ-33', nameEn: 'Jetisu Region', nameRu: 'Жетысуская область', nameKk: 'Жетісу облысы' },
  { code: 'KZ-35', nameEn: 'Karaganda Region', nameRu: 'Карагандинская область', nameKk: 'Қарағанды облысы' },
  { code: 'KZ-39', nameEn: 'Kostanay Region', nameRu: 'Костанайская область', nameKk: 'Қостанай облысы' },
  { code: 'KZ-43', nameEn: 'Kyzylorda Region', nameRu: 'Кызылординская область', nameKk: 'Қызылорда облысы' },
  { code: 'KZ-47', nameEn: 'Mangystau Region', nameRu: 'Мангистауская область', nameKk: 'Маңғыстау облысы' },
  { code: 'KZ-55', nameEn: 'Pavlodar Region', nameRu: 'Павлодарская область', nameKk: 'Павлодар облысы' },
  {
    code: 'KZ-59',
    nameEn: 'North Kazakhstan Region',
    nameRu: 'Северо-Казахстанская область',
    nameKk: 'Солтүстік Қазақстан облысы',
  },
  { code: 'KZ-61', nameEn: 'Turkistan Region', nameRu: 'Туркестанская область', nameKk: 'Түркістан облысы' },
  { code: 'KZ-62', nameEn: 'Ulytau Region', nameRu: 'Улытауская область', nameKk: 'Ұлытау облысы' },
  {
    code: 'KZ-63',
    nameEn: 'East Kazakhstan Region',
    nameRu: 'Восточно-Казахстанская область',
    nameKk: 'Шығыс Қазақстан облысы',
  },
  { code: 'KZ-71', nameEn: 'Astana (city)', nameRu: 'Астана', nameKk: 'Астана' },
  { code: 'KZ-75', nameEn: 'Almaty (city)', nameRu: 'Алматы', nameKk: 'Алматы' },
  { code: 'KZ-79', nameEn: 'Shymkent (city)', nameRu: 'Шымкент', nameKk: 'Шымкент' },
];

export const NATIONAL_DEFAULT_PROFILE = {
  name: 'national-default',
  minRetentionDays: 30,
  minWidth: 1920,
  minHeight: 1080,
  minFps: 12,
  maxClockDriftSeconds: 30,
  maxGapMinutes: 10,
};
