import type { ArchiveSchool, Region } from '@kuzet/protocol';
import { type ArchiveService, unitFigures } from './archive.ts';
import { type PdfReport, type RequirementRun, requirementRuns } from './archive-pdf.ts';
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
  /** the requirement document's version the day was judged by */
  requirementsVersion: number;
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
        yield {
          day: m.day,
          n: m.n,
          revised: m.kind === 'late',
          requirementsVersion: m.requirementsVersion,
          region,
          school,
        };
      }
    }
  }
}

const regionName = (r: Region, lang: Lang) =>
  lang === 'kk' ? r.nameKk : lang === 'en' ? (r.nameEn ?? r.nameRu) : r.nameRu;

/**
 * The CSV export: UTF-8 with a byte order mark (Excel then reads Kazakh and Russian right), a header row in the
 * user's language, one row per school per day. Yields chunks of text; the caller streams them.
 * In kk and ru the fields are separated by ';' and decimals written with a comma, as Excel reads and writes them
 * where Windows is set to Kazakh or Russian (its list separator is ';' there: a comma-separated file opens with each
 * row in one cell); in en by ',' with a decimal point. Days stay ISO (2026-12-05), which Excel reads as dates in both.
 */
export async function* csvExport(
  archive: ArchiveService,
  scope: ExportScope,
  from: string,
  to: string,
  lang: Lang,
  districtName: (id: string) => string,
  /** a zone's name in `lang` (the zones not watched are written by name, not by id) */
  zoneName: (id: string) => string,
): AsyncGenerator<string> {
  const t = text(lang);
  const sep = lang === 'en' ? ',' : ';';
  const decimal = (n: number | undefined) => (n === undefined || lang === 'en' ? n : String(n).replace('.', ','));
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
    t.requirements,
  ];
  yield `\ufeff${header.map(csvField).join(sep)}\r\n`;
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
      decimal(s.availablePct),
      v.zones
        .filter((z) => !z.ok)
        .map((z) => zoneName(z.zone))
        .join('; '),
      row.revised ? `${row.n} (${t.revised})` : row.n,
      `v${row.requirementsVersion}`,
    ]
      .map(csvField)
      .join(sep)}\r\n`;
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * The requirement versions a report's days were judged by (runs of consecutive days), each with the numbers of the
 * profiles the scope's schools were judged by on its first day (read from that day's archived regions: what applied
 * then, not today's document).
 */
async function requirementsOf(
  archive: ArchiveService,
  scope: ExportScope,
  days: { day: string; requirementsVersion: number }[],
): Promise<RequirementRun[]> {
  const out: RequirementRun[] = [];
  for (const run of requirementRuns(days)) {
    const profiles = new Map<string, RequirementRun['profiles'][number]>();
    const m = (await archive.entries(run.from, run.from))[0];
    for (const region of m ? scope.regions : []) {
      if (!m!.objects.some((o) => o.regionCode === region.code)) continue;
      const r = await archive.region(m!, region.code);
      for (const s of r?.schools ?? []) {
        if (scope.kind === 'district' && s.districtId !== scope.id) continue;
        if (scope.kind === 'school' && s.id !== scope.id) continue;
        const p = r!.profiles[s.profile];
        if (p && !profiles.has(p.name)) {
          const { name, minRetentionDays, minWidth, minHeight, minFps } = p;
          profiles.set(name, { name, minRetentionDays, minWidth, minHeight, minFps });
        }
      }
    }
    out.push({ ...run, profiles: [...profiles.values()].sort((a, b) => a.name.localeCompare(b.name)) });
  }
  return out;
}

const mean = (sum: number, n: number) => (n ? Math.round((10 * sum) / n) / 10 : undefined);
const topReasons = (counts: Map<string, number>, lang: Lang) =>
  [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([r, n]) => `${reasonText(r, lang)} (${n})`)
    .join('; ');

/**
 * The data of a PDF report (read from the archive here; laid out in the PDF thread): the scope's days and, below
 * it, the regions (of the country) or the schools (of a region or district) over the period.
 */
export async function pdfReport(
  archive: ArchiveService,
  scope: ExportScope & { name: string },
  from: string,
  to: string,
  lang: Lang,
  generatedBy: string,
  verification?: { ok: boolean; checkedAt: string },
): Promise<PdfReport> {
  const days: PdfReport['days'] = [];
  const units = new Map<
    string,
    PdfReport['units'][number] & { availSum: number; availN: number; counts: Map<string, number> }
  >();
  const unit = (label: string, name: string) => {
    let u = units.get(label);
    if (!u) {
      u = { label, name, days: 0, daysNonCompliant: 0, reasons: '', availSum: 0, availN: 0, counts: new Map() };
      units.set(label, u);
    }
    return u;
  };
  const count = (m: Map<string, number>, keys: string[]) => {
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  };
  if (scope.kind !== 'school') {
    for (const m of await archive.entries(from, to)) {
      const f = unitFigures(m, scope);
      if (!f) continue;
      const reasons = new Map(Object.entries({ ...f.schoolReasons, ...f.failing }) as [string, number][]);
      days.push({
        day: m.day,
        n: m.n,
        revised: m.kind === 'late',
        requirementsVersion: m.requirementsVersion,
        ...f,
        ...(f.observedMin ? { availablePct: Math.round((1000 * f.availableMin) / f.observedMin) / 10 } : {}),
        reasons: topReasons(reasons, lang),
      });
      if (scope.kind === 'country')
        for (const r of scope.regions) {
          const rf = m.figures.regions[r.code];
          if (!rf) continue;
          const u = unit(r.code, regionName(r, lang));
          u.days++;
          if (rf.compliant < rf.schools) u.daysNonCompliant++;
          if (rf.observedMin) {
            u.availSum += (100 * rf.availableMin) / rf.observedMin;
            u.availN++;
          }
          for (const [k, n] of Object.entries({ ...rf.schoolReasons, ...rf.failing }))
            u.counts.set(k, (u.counts.get(k) ?? 0) + (n ?? 0));
        }
    }
  }
  if (scope.kind !== 'country')
    for await (const row of schoolDays(archive, scope, from, to)) {
      const s = row.school;
      const v = s.verdict;
      const reasons = [...v.reasons, ...Object.keys(v.failing)];
      if (scope.kind === 'school')
        days.push({
          day: row.day,
          n: row.n,
          revised: row.revised,
          requirementsVersion: row.requirementsVersion,
          schools: 1,
          covered: v.covered ? 1 : 0,
          compliant: v.compliant ? 1 : 0,
          cameras: v.cameras.present,
          camerasCompliant: v.cameras.compliant,
          ...(s.availablePct !== undefined ? { availablePct: s.availablePct } : {}),
          reasons: reasons.map((r) => reasonText(r, lang)).join('; '),
        });
      else {
        const u = unit(s.id, lang === 'kk' ? s.nameKk : s.nameRu);
        u.days++;
        if (!v.compliant) u.daysNonCompliant++;
        if (s.availablePct !== undefined) {
          u.availSum += s.availablePct;
          u.availN++;
        }
        count(u.counts, reasons);
      }
    }
  return {
    lang,
    scopeName: scope.name,
    from,
    to,
    requirements: await requirementsOf(archive, scope, days),
    generatedAt: new Date().toISOString(),
    generatedBy,
    ...(verification ? { verification } : {}),
    days,
    units: [...units.values()].map(({ availSum, availN, counts, ...u }) => ({
      ...u,
      ...(availN ? { availablePct: mean(availSum, availN) } : {}),
      reasons: topReasons(counts, lang),
    })),
    unitKind: scope.kind === 'country' ? 'region' : scope.kind === 'school' ? 'none' : 'school',
  };
}
