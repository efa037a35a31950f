import { join } from 'node:path';
import type { Profile } from '@kuzet/protocol';
import PDFDocument from 'pdfkit';
import { type Lang, reportFormat, text } from './report-text.ts';

/** What a PDF report shows: prepared from the archive on the event loop (I/O), laid out in a thread (CPU). */
export interface PdfReport {
  lang: Lang;
  scopeName: string;
  from: string;
  to: string;
  generatedAt: string;
  generatedBy: string;
  verification?: { ok: boolean; checkedAt: string };
  /** each archived day of the scope */
  days: {
    day: string;
    n: number;
    revised: boolean;
    /** the requirement document's version the day was judged by */
    requirementsVersion: number;
    schools: number;
    covered: number;
    compliant: number;
    cameras: number;
    camerasCompliant: number;
    availablePct?: number;
    reasons?: string;
  }[];
  /** the units below the scope (regions, districts or schools) over the period */
  units: {
    label: string;
    name: string;
    days: number;
    daysNonCompliant: number;
    availablePct?: number;
    reasons: string;
  }[];
  unitKind: 'region' | 'district' | 'school' | 'none';
  /**
   * the requirement versions the days were judged by, as runs of consecutive days, each with the numbers of the
   * profiles the scope's schools were judged by
   */
  requirements: RequirementRun[];
}

export interface RequirementRun {
  version: number;
  from: string;
  to: string;
  profiles: Pick<Profile, 'name' | 'minRetentionDays' | 'minWidth' | 'minHeight' | 'minFps'>[];
}

/**
 * Lays a report out as a PDF: the Kuzet header (no state emblem), the period and scope, the archive's verification,
 * a table of days and a table of the units below, with Cyrillic (DejaVu, from Debian's fonts-dejavu-core).
 * Calls `onChunk` with the bytes as they are produced.
 */
export function renderPdf(r: PdfReport, fontDir: string, onChunk: (b: Buffer) => void): Promise<void> {
  const t = text(r.lang);
  const f = reportFormat(r.lang);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 48, bottom: 48, left: 40, right: 40 },
    bufferPages: false,
    info: { Title: `${t.title} — ${r.scopeName}`, Author: 'Kuzet', Subject: `${r.from} … ${r.to}` },
  });
  const done = new Promise<void>((resolve, reject) => {
    doc.on('data', onChunk);
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('body', join(fontDir, 'DejaVuSans.ttf'));
  doc.registerFont('bold', join(fontDir, 'DejaVuSans-Bold.ttf'));
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  const header = () => {
    doc.save().rect(0, 0, doc.page.width, 34).fill('#10243f').restore();
    doc.font('bold').fontSize(13).fillColor('#ffffff').text('◉ Kuzet', left, 11, { lineBreak: false });
    doc
      .font('body')
      .fontSize(8)
      .fillColor('#ffffff')
      .text(t.title, left, 14, { width, align: 'right', lineBreak: false });
    doc.fillColor('#000000');
    doc.y = 48;
  };
  doc.on('pageAdded', header);
  header();

  doc.font('bold').fontSize(16).text(`${t.title}: ${r.scopeName}`, left, doc.y, { width });
  doc.moveDown(0.3);
  doc.font('body').fontSize(9).fillColor('#333333');
  doc.text(`${t.period}: ${f.day(r.from)} — ${f.day(r.to)}`);
  // the requirement versions the days were judged by, each with its days and what it required (a stricter profile
  // explains a drop)
  for (const x of r.requirements) {
    const days = x.from === x.to ? f.day(x.from) : `${f.day(x.from)} — ${f.day(x.to)}`;
    const profiles = x.profiles.map(
      (p) =>
        `${p.name}: ${f.number(p.minRetentionDays)} ${t.daysShort}, ${p.minWidth}×${p.minHeight}, ${f.number(p.minFps)} fps`,
    );
    doc.text(`${t.requirements} v${x.version} (${days})${profiles.length ? `: ${profiles.join('; ')}` : ''}`);
  }
  doc.text(`${t.generated}: ${f.time(r.generatedAt)} · ${r.generatedBy}`);
  if (r.verification)
    doc
      .fillColor(r.verification.ok ? '#1b6e2a' : '#b3261e')
      .text(`${r.verification.ok ? t.verified : t.notVerified}: ${f.time(r.verification.checkedAt)}`);
  doc.fillColor('#000000').moveDown(0.8);

  const table = (cols: { title: string; w: number; align?: 'left' | 'right'; flex?: boolean }[], rows: string[][]) => {
    // a header may wrap between its words, never inside one ("Соответств-уют"): each column at least as wide as
    // the longest word of its title
    doc.font('bold').fontSize(7);
    const longest = cols.map((c) => Math.max(...c.title.split(/\s+/).map((w) => doc.widthOfString(w))) + 7);
    const ws = columnWidths(
      cols.map((c) => c.w),
      longest,
      width,
      cols.map((c) => !!c.flex),
    );
    const line = (cells: string[], bold: boolean, shade: boolean) => {
      doc.font(bold ? 'bold' : 'body').fontSize(bold ? 7 : 8);
      const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: ws[i]! - 6 }))) + 6;
      if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
        doc.addPage();
        if (!bold)
          line(
            cols.map((c) => c.title),
            true,
            true,
          );
        doc.font(bold ? 'bold' : 'body').fontSize(bold ? 7 : 8);
      }
      const y = doc.y;
      if (shade)
        doc
          .save()
          .rect(left, y, width, h)
          .fill(bold ? '#dfe6ef' : '#f4f6f9')
          .restore();
      let x = left;
      cells.forEach((c, i) => {
        doc.fillColor('#000000').text(c, x + 3, y + 3, { width: ws[i]! - 6, align: cols[i]!.align ?? 'left' });
        x += ws[i]!;
      });
      doc.y = y + h;
      doc.x = left;
    };
    line(
      cols.map((c) => c.title),
      true,
      true,
    );
    for (const [i, row] of rows.entries()) line(row, false, i % 2 === 1);
    doc.moveDown(1);
  };

  doc.font('bold').fontSize(11).text(t.days);
  doc.moveDown(0.3);
  table(
    [
      { title: t.day, w: 11 },
      { title: t.schools, w: 9, align: 'right' },
      { title: t.coveredPct, w: 10, align: 'right' },
      { title: t.compliantPct, w: 10, align: 'right' },
      { title: t.camerasCompliant, w: 11, align: 'right' },
      { title: t.availability, w: 13, align: 'right' },
      { title: t.reasons, w: 30, flex: true },
    ],
    r.days.map((d) => [
      d.revised ? `${f.day(d.day)} *` : f.day(d.day),
      f.number(d.schools),
      f.share(d.covered, d.schools),
      f.share(d.compliant, d.schools),
      `${f.number(d.camerasCompliant)} / ${f.number(d.cameras)}`,
      f.pct(d.availablePct),
      d.reasons ?? '',
    ]),
  );
  if (r.days.some((d) => d.revised)) {
    doc.font('body').fontSize(8).fillColor('#555555').text(`* ${t.revised}`, left);
    doc.fillColor('#000000').moveDown(0.8);
  }
  if (r.unitKind !== 'none' && r.units.length) {
    const unitTitle = r.unitKind === 'region' ? t.region : r.unitKind === 'district' ? t.district : t.school;
    const unitsTitle = r.unitKind === 'region' ? t.regions : r.unitKind === 'district' ? t.districts : t.schools;
    doc.font('bold').fontSize(11).text(unitsTitle, left);
    doc.moveDown(0.3);
    table(
      [
        { title: r.unitKind === 'school' ? t.schoolId : unitTitle, w: r.unitKind === 'school' ? 14 : 8 },
        { title: unitTitle, w: 30, flex: true },
        { title: t.daysNonCompliant, w: 12, align: 'right' },
        { title: t.availability, w: 13, align: 'right' },
        { title: t.reasons, w: 29, flex: true },
      ],
      r.units.map((u) => [
        u.label,
        u.name,
        `${f.number(u.daysNonCompliant)} / ${f.number(u.days)}`,
        f.pct(u.availablePct),
        u.reasons,
      ]),
    );
  }
  doc.end();
  return done;
}

/**
 * Column widths from their weights, filling `width`; a column under its minimum is widened to it, and the width it
 * takes comes from the flexible columns (free text, which wraps anyway) above theirs, in proportion to what each has
 * to spare. When they have too little to spare, the weights stand.
 */
export function columnWidths(weights: number[], minimum: number[], width: number, flexible: boolean[]): number[] {
  const total = weights.reduce((a, w) => a + w, 0);
  const ws = weights.map((w) => (w / total) * width);
  const spareOf = (w: number, i: number) => (flexible[i] ? Math.max(0, w - minimum[i]!) : 0);
  const need = ws.reduce((a, w, i) => a + Math.max(0, minimum[i]! - w), 0);
  const spare = ws.reduce((a, w, i) => a + spareOf(w, i), 0);
  if (need <= 0 || spare <= need) return ws;
  return ws.map((w, i) => (w < minimum[i]! ? minimum[i]! : w - (spareOf(w, i) / spare) * need));
}

/** The days' requirement versions as runs of consecutive days judged by one version, in the days' order. */
export function requirementRuns(days: { day: string; requirementsVersion: number }[]) {
  const runs: { version: number; from: string; to: string }[] = [];
  for (const d of days) {
    const last = runs.at(-1);
    if (last?.version === d.requirementsVersion) last.to = d.day;
    else runs.push({ version: d.requirementsVersion, from: d.day, to: d.day });
  }
  return runs;
}
