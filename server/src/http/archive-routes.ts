import {
  ArchiveSeries,
  ArchiveVerification,
  auditDetail,
  Day,
  type Region,
  RegionCode,
  zoneName,
} from '@kuzet/protocol';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { countryAllowed, regionAllowed, regionFilter, schoolAllowed } from '../services/access.ts';
import { csvExport, type ExportScope, pdfReport } from '../services/archive-export.ts';
import { text } from '../services/report-text.ts';
import type { AppContext } from './context.ts';
import { actor, requireRole, requireUser } from './session.ts';
import { HttpError, validate } from './validate.ts';

const READ = 'admin, operator (own regions), auditor (own regions or all), school (own school), API tokens';
const MAX_DAYS = 366;

type ExportQuery = Range & { lang: 'kk' | 'ru' | 'en' };

const Range = z.object({
  region: RegionCode.optional(),
  district: z.string().max(40).optional(),
  school: z.string().max(60).optional(),
  from: Day,
  to: Day,
});
/** what a query's schema (a plain object, for the OpenAPI document) cannot say */
const rangeProblem = (q: Range): string | undefined =>
  q.from > q.to
    ? 'from must not be after to'
    : Date.parse(q.to) - Date.parse(q.from) > MAX_DAYS * 86_400_000
      ? `at most ${MAX_DAYS} days`
      : undefined;
type Range = z.infer<typeof Range>;

/** The compliance archive: day-by-day figures, its verification, and exports (CSV; PDF in archive-pdf-routes). */
export function archiveRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(requireUser);

  /** the scope the query names, if the user may see it (404 otherwise, as for any unit they may not see) */
  const scopeOf = async (req: Request, q: Range): Promise<ExportScope | undefined> => {
    const u = req.user!;
    const bad = rangeProblem(q);
    if (bad) throw new HttpError(400, bad);
    const regions = await ctx.registry.regions();
    if (q.school) {
      const s = await ctx.registry.school(q.school);
      if (!s || !schoolAllowed(u, s)) return undefined;
      return { kind: 'school', id: s.id, regions: regions.filter((x) => x.code === s.regionCode) };
    }
    if (q.district) {
      const d = await ctx.registry.district(q.district);
      if (!d || !regionAllowed(u, d.regionCode)) return undefined;
      return { kind: 'district', id: d.id, regions: regions.filter((x) => x.code === d.regionCode) };
    }
    if (q.region) {
      if (!regionAllowed(u, q.region)) return undefined;
      return { kind: 'region', id: q.region, regions: regions.filter((x) => x.code === q.region) };
    }
    if (!countryAllowed(u)) return undefined;
    const allowed = regionFilter(u);
    return { kind: 'country', id: 'KZ', regions: regions.filter((x: Region) => !allowed || allowed.includes(x.code)) };
  };

  r.get(
    '/archive/days',
    validate({
      method: 'get',
      path: '/archive/days',
      summary:
        "a scope's compliance day by day from the archive (country without region/district/school): each day's " +
        'figures (coverage, compliance, failing requirements, availability minutes), or a school its verdict and ' +
        'availability; a day re-evaluated after late data is marked revised. With the latest verification.',
      roles: READ,
      query: Range,
      response: ArchiveSeries,
    }),
    async (req, res) => {
      const q = res.locals.query as Range;
      const scope = await scopeOf(req, q);
      if (!scope) return void res.status(404).json({ error: 'no such scope, or not yours' });
      const series = await ctx.archive.series(
        scope.kind === 'country' ? { kind: 'country' } : { kind: scope.kind, id: scope.id },
        q.from,
        q.to,
        scope.regions[0]?.code,
      );
      const verification = await ctx.archive.lastVerification();
      res.json({ ...series, ...(verification ? { verification } : {}) });
    },
  );

  r.post(
    '/archive/verify',
    requireRole('admin', 'auditor'),
    validate({
      method: 'post',
      path: '/archive/verify',
      summary:
        're-reads the archive: every link of the hash chain, no entry missing, every object of the days asked for ' +
        '(all without from/to) against its SHA-256; lists every problem, first the first',
      roles: 'admin, auditor',
      body: z.object({ from: Day.optional(), to: Day.optional() }),
      response: ArchiveVerification,
    }),
    async (req, res) => {
      const b = res.locals.body as { from?: string; to?: string };
      const v = await ctx.archive.verify(b.from, b.to);
      await ctx.audit.record({
        ...actor(req),
        action: 'archive_verified',
        ...(v.ok
          ? auditDetail('archive_ok', { entries: v.entries, objects: v.objects })
          : { detail: v.problems[0]!.problem.slice(0, 400) }),
      });
      res.json(v);
    },
  );

  r.post(
    '/archive/days/:day/rejudge',
    requireRole('admin'),
    validate({
      method: 'post',
      path: '/archive/days/:day/rejudge',
      summary:
        'judge an ended day again from what the centre holds now (after a registry correction, or a day archived ' +
        "before its data arrived): a new entry of the chain supersedes the day's current one; nothing is rewritten",
      roles: 'admin',
      params: z.object({ day: Day }),
      response: z.object({ n: z.int(), ms: z.int() }),
    }),
    async (req, res) => {
      const { day } = res.locals.params as { day: string };
      if (day >= ctx.archive.today()) return void res.status(400).json({ error: `${day} has not ended yet` });
      const t0 = Date.now();
      const n = await ctx.archive.rejudge(day);
      await ctx.audit.record({
        ...actor(req),
        action: 'archive_rejudged',
        ...auditDetail('archive_entry', { day, n }),
      });
      res.json({ n, ms: Date.now() - t0 });
    },
  );

  /**
   * One export route: the scope of the query (404 outside the user's), the audit record, then the file streamed as
   * an attachment named after scope and period.
   */
  const exportRoute = (
    format: 'csv' | 'pdf',
    summary: string,
    contentType: string,
    body: (req: Request, scope: ExportScope, q: ExportQuery) => Promise<AsyncIterable<string | Buffer>>,
  ) =>
    r.get(
      `/exports/compliance.${format}`,
      validate({
        method: 'get',
        path: `/exports/compliance.${format}`,
        summary,
        roles: READ,
        query: Range.extend({ lang: z.enum(['kk', 'ru', 'en']).default('ru') }),
      }),
      async (req, res) => {
        const q = res.locals.query as ExportQuery;
        const scope = await scopeOf(req, q);
        if (!scope) return void res.status(404).json({ error: 'no such scope, or not yours' });
        await record(req, format, scope, q);
        const chunks = await body(req, scope, q);
        res.setHeader('content-type', contentType);
        res.setHeader(
          'content-disposition',
          `attachment; filename="kuzet-compliance-${scope.id}-${q.from}-${q.to}.${format}"`,
        );
        await stream(res, chunks);
      },
    );

  exportRoute(
    'csv',
    'CSV (UTF-8 with BOM) of every school of the scope, one row per day from the archive: verdict, reasons, ' +
      'cameras, availability, zones not watched, archive entry. Streamed. Recorded in the audit log.',
    'text/csv; charset=utf-8',
    async (_req, scope, q) => {
      const districts = new Map((await ctx.registry.districts()).map((d) => [d.id, d]));
      const dname = (id: string) => {
        const d = districts.get(id);
        return !d ? id : q.lang === 'kk' ? d.nameKk : d.nameRu;
      };
      const { zones } = await ctx.compliance.current();
      return csvExport(ctx.archive, scope, q.from, q.to, q.lang, dname, (id) => zoneName(zones, id, q.lang));
    },
  );

  exportRoute(
    'pdf',
    'PDF report of the scope over the period from the archive (kk/ru/en): each day, and the regions (country) or ' +
      'schools (region, district) below it with their days not compliant, availability and main reasons; laid out ' +
      'in a worker thread and streamed. Recorded in the audit log.',
    'application/pdf',
    async (req, scope, q) => {
      const name = await scopeName(scope, q.lang);
      const verification = await ctx.archive.lastVerification();
      const report = await pdfReport(
        ctx.archive,
        { ...scope, name },
        q.from,
        q.to,
        q.lang,
        req.user!.username,
        verification,
      );
      return ctx.pdf.render(report);
    },
  );

  const scopeName = async (scope: ExportScope, lang: 'kk' | 'ru' | 'en'): Promise<string> => {
    const pick = (x: { nameRu: string; nameKk: string; nameEn?: string }) =>
      lang === 'kk' ? x.nameKk : lang === 'en' ? (x.nameEn ?? x.nameRu) : x.nameRu;
    if (scope.kind === 'country') return text(lang).country;
    if (scope.kind === 'region') return pick(scope.regions[0]!);
    if (scope.kind === 'district') {
      const d = await ctx.registry.district(scope.id);
      return d ? `${pick(d)}, ${pick(scope.regions[0]!)}` : scope.id;
    }
    const s = await ctx.registry.school(scope.id);
    return s ? `${lang === 'kk' ? s.nameKk : s.nameRu} (${s.id})` : scope.id;
  };

  const record = async (req: Request, format: string, scope: ExportScope, q: Range) =>
    ctx.audit.record({
      ...actor(req),
      action: 'export',
      ...(scope.kind === 'school' ? { schoolId: scope.id } : {}),
      ...auditDetail(`export_${scope.kind}`, { format, id: scope.id, from: q.from, to: q.to }),
    });

  return r;
}

/** Writes chunks as the client takes them (a slow client holds the generator, not the server's memory). */
export async function stream(res: Response, chunks: AsyncIterable<string | Buffer>): Promise<void> {
  try {
    for await (const c of chunks) {
      if (res.destroyed) return;
      if (!res.write(c))
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off('drain', go);
            res.off('close', go);
            resolve();
          };
          res.on('drain', go);
          res.on('close', go);
        });
    }
    res.end();
  } catch (err) {
    // headers are gone: the client sees a cut download, the log says why
    res.destroy(err as Error);
  }
}
