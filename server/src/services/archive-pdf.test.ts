import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { columnWidths, type PdfReport, renderPdf, requirementRuns } from './archive-pdf.ts';
import { type Lang, text } from './report-text.ts';

describe('columnWidths', () => {
  it('keeps the weights when every column is wide enough', () => {
    expect(columnWidths([1, 3], [10, 10], 100, [false, true])).toEqual([25, 75]);
  });
  it('widens a narrow column to its minimum, taking the width from the flexible ones by what they can spare', () => {
    const ws = columnWidths([1, 1, 2, 1], [40, 10, 10, 10], 125, [false, true, true, false]);
    expect(ws[0]).toBe(40);
    expect(ws[3]).toBe(25); // not flexible: untouched
    expect(ws.reduce((a, w) => a + w, 0)).toBeCloseTo(125, 9);
    expect(ws[1]).toBeGreaterThanOrEqual(10);
    // each gave in proportion to what it could spare (15 and 40): what is left keeps that ratio
    expect((ws[2]! - 10) / (ws[1]! - 10)).toBeCloseTo(40 / 15, 9);
  });
  it('keeps the weights when the flexible ones cannot spare enough', () => {
    expect(columnWidths([1, 1], [80, 40], 100, [false, true])).toEqual([50, 50]);
    expect(columnWidths([1, 1], [60, 10], 100, [false, false])).toEqual([50, 50]);
  });
});

const report = (lang: Lang): PdfReport => ({
  lang,
  scopeName: 'KZ-75',
  from: '2026-12-01',
  to: '2026-12-02',
  generatedAt: '2026-12-03T00:00:00.000Z',
  generatedBy: 'auditor',
  verification: { ok: true, checkedAt: '2026-12-03T00:00:00.000Z' },
  days: [
    {
      day: '2026-12-01',
      n: 1,
      revised: false,
      requirementsVersion: 4,
      schools: 310,
      covered: 3,
      compliant: 0,
      cameras: 18,
      camerasCompliant: 0,
    },
  ],
  units: [{ label: 'KZ-75-01-0001', name: 'School 1', days: 2, daysNonCompliant: 2, reasons: 'no agent (2)' }],
  unitKind: 'school',
  requirements: [],
});

describe('the PDF report', () => {
  it.each(['kk', 'ru', 'en'] as Lang[])('breaks no header word across lines (%s)', async (lang) => {
    const chunks: Buffer[] = [];
    await renderPdf(report(lang), '/usr/share/fonts/truetype/dejavu', (b) => chunks.push(b));
    const txt = execFileSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.concat(chunks) }).toString();
    const t = text(lang);
    const titles = [t.day, t.schools, t.coveredPct, t.compliantPct, t.camerasCompliant, t.availability, t.reasons];
    const words = [...titles, t.schoolId, t.school, t.daysNonCompliant].flatMap((x) => x.split(/\s+/));
    const missing = words.filter((w) => !txt.includes(w));
    expect(missing).toEqual([]);
  });

  it.each([
    ['kk', /01\.12\.2026 — 02\.12\.2026/, /03\.12\.2026,? 05:00 \(UTC\+5\)/, /7\s500/, /< 0,1/, /99,9/],
    ['ru', /01\.12\.2026 — 02\.12\.2026/, /03\.12\.2026,? 05:00 \(UTC\+5\)/, /7\s500/, /< 0,1/, /99,9/],
    ['en', /01\/12\/2026 — 02\/12\/2026/, /03\/12\/2026,? 05:00 \(UTC\+5\)/, /7,500/, /< 0\.1/, /99\.9/],
  ] as [Lang, ...RegExp[]][])(
    "writes days, times and figures as the reader's language does, in UTC+5 (%s)",
    async (lang, ...want) => {
      const r = report(lang);
      r.days[0] = { ...r.days[0]!, schools: 7500, covered: 3, availablePct: 99.94 };
      const chunks: Buffer[] = [];
      await renderPdf(r, '/usr/share/fonts/truetype/dejavu', (b) => chunks.push(b));
      const txt = execFileSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.concat(chunks) }).toString();
      for (const w of want) expect(txt).toMatch(w);
      // 99.94 % available is not "100"; 3 of 7,500 covered is not "0"
      expect(txt).not.toMatch(/(^|\s)100(\s|$)/m);
      expect(txt).not.toMatch(/2026-12-0/);
    },
  );
});

describe('the requirement versions a report names', () => {
  it('are runs of consecutive days, a version back again a run of its own', () => {
    const day = (d: string, v: number) => ({ day: `2026-11-${d}`, requirementsVersion: v });
    expect(requirementRuns([])).toEqual([]);
    expect(requirementRuns([day('01', 4), day('02', 4), day('03', 5), day('04', 4)])).toEqual([
      { version: 4, from: '2026-11-01', to: '2026-11-02' },
      { version: 5, from: '2026-11-03', to: '2026-11-03' },
      { version: 4, from: '2026-11-04', to: '2026-11-04' },
    ]);
  });

  it.each([
    [
      'kk',
      /Талаптар v4 \(01\.12\.2026 — 02\.12\.2026\): national: 30 күн, 1920×1080, 12 fps; strict: 60 күн, 1920×1080, 12,5 fps Талаптар v5 \(03\.12\.2026\)/,
    ],
    [
      'ru',
      /Требования v4 \(01\.12\.2026 — 02\.12\.2026\): national: 30 дн\., 1920×1080, 12 fps; strict: 60 дн\., 1920×1080, 12,5 fps Требования v5 \(03\.12\.2026\)/,
    ],
    [
      'en',
      /Requirements v4 \(01\/12\/2026 — 02\/12\/2026\): national: 30 days, 1920×1080, 12 fps; strict: 60 days, 1920×1080, 12\.5 fps Requirements v5 \(03\/12\/2026\)/,
    ],
  ] as [Lang, RegExp][])('are said under the period with what they required (%s)', async (lang, want) => {
    const r = report(lang);
    const p = { minWidth: 1920, minHeight: 1080 };
    r.requirements = [
      {
        version: 4,
        from: '2026-12-01',
        to: '2026-12-02',
        profiles: [
          { name: 'national', minRetentionDays: 30, minFps: 12, ...p },
          { name: 'strict', minRetentionDays: 60, minFps: 12.5, ...p },
        ],
      },
      { version: 5, from: '2026-12-03', to: '2026-12-03', profiles: [] },
    ];
    const chunks: Buffer[] = [];
    await renderPdf(r, '/usr/share/fonts/truetype/dejavu', (b) => chunks.push(b));
    const txt = execFileSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.concat(chunks) }).toString();
    expect(txt.replace(/\s+/g, ' ')).toMatch(want);
  });
});
