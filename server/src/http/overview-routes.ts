import {
  CameraGrid,
  CameraGridIds,
  RegionCode,
  SchoolMap,
  type SchoolSummary,
  SchoolSummary as SchoolSummarySchema,
} from '@kuzet/protocol';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { countryAllowed, regionAllowed, regionFilter } from '../services/access.ts';
import type { AppContext } from './context.ts';
import { requireUser } from './session.ts';
import { validate } from './validate.ts';

const READ = 'admin, operator (own regions), auditor (own regions or all), school (own school)';

/** How bad a school looks: cameras without a picture first (offline, link down), then degraded, then unknown. */
export function troubleScore(s: Pick<SchoolSummary, 'counts'>): number {
  const c = s.counts;
  return ((c.offline ?? 0) + (c.link_down ?? 0)) * 1_000_000 + (c.degraded ?? 0) * 1000 + (c.unknown ?? 0);
}

/** The overview's bulk reads: every camera by status (the grid) and the worst schools. */
export function overviewRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(requireUser);

  /** region codes the request covers, or undefined when it asks for one the user may not see */
  const regionsOf = async (user: NonNullable<Express.Request['user']>, region?: string) => {
    if (region) return regionAllowed(user, region) ? [region] : undefined;
    if (user.role === 'school') {
      const s = user.schoolId ? await ctx.registry.school(user.schoolId) : undefined;
      return s ? [s.regionCode] : [];
    }
    return regionFilter(user) ?? (await ctx.registry.regions()).map((x) => x.code);
  };

  const gridOf = async (req: Request, res: Response) => {
    const u = req.user!;
    const regions = await regionsOf(u, (res.locals.query as { region?: string }).region);
    if (!regions) return void res.status(404).json({ error: 'no such region' });
    return ctx.grid.get(regions.sort(), u.role === 'school' ? (u.schoolId ?? '') : undefined);
  };
  r.get(
    '/grid',
    validate({
      method: 'get',
      path: '/grid',
      summary: 'every camera the user may see by status, compactly (ordered by region, school and camera id)',
      roles: READ,
      query: z.object({ region: RegionCode.optional() }),
      response: CameraGrid,
    }),
    async (req, res) => {
      const g = await gridOf(req, res);
      if (g) res.json({ at: g.at, version: g.version, regions: g.regions, status: g.status });
    },
  );
  r.get(
    '/grid/ids',
    validate({
      method: 'get',
      path: '/grid/ids',
      summary: "the ids of the grid's cameras, in its order (compare the version with the grid's)",
      roles: READ,
      query: z.object({ region: RegionCode.optional() }),
      response: CameraGridIds,
    }),
    async (req, res) => {
      const g = await gridOf(req, res);
      if (g) res.json({ version: g.version, ids: g.ids });
    },
  );

  r.get(
    '/map',
    validate({
      method: 'get',
      path: '/map',
      summary: "the schools the user may see, where they are (the registry's coordinates), with their names",
      roles: READ,
      query: z.object({ region: RegionCode.optional() }),
      response: SchoolMap,
    }),
    async (req, res) => {
      const u = req.user!;
      const regions = await regionsOf(u, (res.locals.query as { region?: string }).region);
      if (!regions) return void res.status(404).json({ error: 'no such region' });
      const ids =
        u.role === 'school'
          ? u.schoolId
            ? [u.schoolId]
            : []
          : (await Promise.all(regions.sort().map((code) => ctx.registry.schoolIds({ regionCode: code })))).flat();
      const schools = await ctx.registry.schools(ids);
      const inScope = new Set(regions);
      const districts = (await ctx.registry.districts()).filter((d) => inScope.has(d.regionCode));
      res.json({
        schools: schools.map((s) => [s.id, s.lat, s.lon, s.regionCode, s.districtId, s.nameRu, s.nameKk]),
        districts: districts.map((d) => [d.id, d.nameRu, d.nameKk]),
      });
    },
  );

  r.get(
    '/worst-schools',
    validate({
      method: 'get',
      path: '/worst-schools',
      summary: 'the schools in most trouble (offline and link-down cameras first)',
      roles: READ,
      query: z.object({ region: RegionCode.optional(), limit: z.coerce.number().int().min(1).max(100).default(10) }),
      response: z.array(SchoolSummarySchema),
    }),
    async (req, res) => {
      const u = req.user!;
      const q = res.locals.query as { region?: string; limit: number };
      const regions = await regionsOf(u, q.region);
      if (!regions) return void res.status(404).json({ error: 'no such region' });
      // the transition script keeps schools ranked: a few ZREVRANGEs, not a scan of every school
      let ranked: { id: string; score: number }[];
      if (u.role === 'school') {
        const own = u.schoolId ? await ctx.state.summaries([`school:${u.schoolId}`]) : [];
        ranked = own[0] && troubleScore(own[0]) > 0 ? [{ id: u.schoolId!, score: troubleScore(own[0]) }] : [];
      } else if (!q.region && countryAllowed(u)) ranked = await ctx.state.worstSchools('country', q.limit);
      else
        ranked = (await Promise.all(regions.map((code) => ctx.state.worstSchools(`region:${code}`, q.limit))))
          .flat()
          .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
          .slice(0, q.limit);
      const sums = await ctx.state.summaries(ranked.map((x) => `school:${x.id}`));
      const byId = new Map(ranked.map((x, i) => [x.id, sums[i]!]));
      const schools = await ctx.registry.schools(ranked.map((x) => x.id));
      res.json(schools.map((s) => ({ ...s, ...byId.get(s.id)! })));
    },
  );
  return r;
}
