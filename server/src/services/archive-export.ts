import type { ArchiveSchool, Region } from '@kuzet/protocol';
import type { ArchiveService } from './archive.ts';
import { csvField, type Lang, reasonText, text } from './report-text.ts';

/** What an export covers: a region, a district or one school (with the region it is in), and the regions allowed. */
export interface ExportScope {
  kind: 'country' | 'region' | 'district' | 'school';
  id: string;
  /** the regions whose objects are read */
  regions: Region[];
}

export interface SchoolDayRow {
  day: string;
  n: number;
  revised: boolean;
  region: Region;
  school: ArchiveSchool;
}

/** Every school's day of the scope in [from, to], a day and a region at a time (memory: one region's object). */
export async function* schoolDays(
  archive: ArchiveService,
  scope: ExportScope,
  from: string,
  to: string,
): AsyncGenerator<SchoolDayRow> {
  for (const m of await archive.entries(from, to)) {
    for (const region of scope.regions) {
      if (!m.objects.some((o) => o.regionCode === region.code)) continue;
      const r = await archive.region(m, region.code);
      if (!r) continue;
      for (const school of r.schools) {
        if (scope.kind === 'district' && school.districtId !== scope.id) continue;
        if (scope.kind === 'school' && school.id !== scope.id) continue;
        yield { day: m.day, n: m.n, revised: m.kind === 'late', region, school };
      }
    }
  }
}

const regionName = (r: Region, lang: Lang) =>
  lang === 'kk' ? r.nameKk : lang === 'en' ? (r.nameEn ?? r.nameRu) : r.nameRu;

/**
 * The CSV export: UTF-8 with a byte order mark (Excel then reads Kazakh and Russian right), a header row in the
 * user's language, one row per school per day. Yields chunks of text; the caller streams them.
 */
export async function* csvExport(
  archive: ArchiveService,
  scope: ExportScope,
  from: string,
  to: string,
  lang: Lang,
  districtName: (id: string) => string,
): AsyncGenerator<string> {
  const t = text(lang);
  const header = [
    t.day,
    t.region,
    t.district,
    t.schoolId,
    t.school,
    t.compliant,
    t.covered,
    t.reasons,
    t.cameras,
    t.required,
    t.camerasCompliant,
    t.availability,
    t.zonesMissing,
    t.chain,
  ];
  yield `\ufeff${header.map(csvField).join(',')}\r\n`;
  let chunk = '';
  for await (const row of schoolDays(archive, scope, from, to)) {
    const s = row.school;
    const v = s.verdict;
    const reasons = [...v.reasons, ...Object.keys(v.failing)].map((r) => reasonText(r, lang)).join('; ');
    chunk += `${[
      row.day,
      regionName(row.region, lang),
      districtName(s.districtId),
      s.id,
      lang === 'kk' ? s.nameKk : s.nameRu,
      v.compliant ? t.yes : t.no,
      v.covered ? t.yes : t.no,
      reasons,
      v.cameras.present,
      v.cameras.required,
      v.cameras.compliant,
      s.availablePct,
      v.zones
        .filter((z) => !z.ok)
        .map((z) => z.zone)
        .join('; '),
      row.revised ? `${row.n} (${t.revised})` : row.n,
    ]
      .map(csvField)
      .join(',')}\r\n`;
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
