import { z } from 'zod';
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

/** The columns of a schools CSV the registry import reads (an export of the national education database). */
export const REGISTRY_CSV_COLUMNS = [
  'school_id',
  'region_code',
  'district_id',
  'district_name_ru',
  'district_name_kk',
  'name_kk',
  'name_ru',
  'address',
  'lat',
  'lon',
  'agents',
  'profile',
] as const;
/** columns a file may have besides: the school's BIN and its district's KATO code */
export const REGISTRY_CSV_OPTIONAL = ['bin', 'district_kato'] as const;

/** schools named in an import's answer at most (the rest are counted) */
export const NOT_IN_FILE_LISTED = 200;

/**
 * What a registry import applied: counts, the schools it put in another district or region, and the schools
 * registered in the districts the file covers that it does not list — closed or merged since the last export (an
 * import never removes a school: each is removed on its own, see DELETE /schools/:id) or left out by mistake.
 */
export const RegistryImportResult = z.object({
  regions: z.int(),
  districts: z.int(),
  schools: z.int(),
  /** schools put in another district or region; their roll-ups followed them */
  moved: z.int(),
  notInFile: z.object({
    total: z.int(),
    /** the first of them by id */
    schools: z
      .array(z.object({ id: z.string(), nameRu: z.string(), nameKk: z.string(), districtId: z.string() }))
      .max(NOT_IN_FILE_LISTED),
  }),
  /**
   * enrolled agents of the file's schools that the file no longer lists for them (replaced): they still report until
   * an admin revokes them
   */
  agentsUnlisted: z.array(z.object({ agentId: z.string(), schoolId: z.string() })),
});
export type RegistryImportResult = z.infer<typeof RegistryImportResult>;
