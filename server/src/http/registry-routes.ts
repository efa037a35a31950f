import {
  CameraView,
  CentreStatus,
  District,
  HistoryEntry,
  MeasurementEntry,
  Page,
  ReasonCounts,
  RegionCode,
  RegionSummary,
  SchoolSummary,
  StatusCounts,
} from '@kuzet/protocol';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { countryAllowed, regionAllowed, regionFilter, schoolAllowed } from '../services/access.ts';
import type { AppContext } from './context.ts';
import { requireUser } from './session.ts';
import { validate } from './validate.ts';

const Paging = {
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
};
const READ = 'admin, operator (own regions), auditor (own regions or all), school (own school)';

export function registryRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(requireUser);

  /** the school, if it exists and this user may see it (else undefined → 404, never 403: no existence leak) */
  const visibleSchool = async (req: Request, id: string) => {
    const s = await ctx.registry.school(id);
    return s && schoolAllowed(req.user!, s) ? s : undefined;
  };

  r.get(
    '/regions',
    validate({
      method: 'get',
      path: '/regions',
      summary: 'regions with camera counts by status',
      roles: READ,
      response: z.array(RegionSummary),
    }),
    async (req, res) => {
      const allowed = regionFilter(req.user!);
      const regions = (await ctx.registry.regions()).filter((x) => !allowed || allowed.includes(x.code));
      const sums = await ctx.state.summaries(regions.map((x) => `region:${x.code}`));
      const schools = await Promise.all(regions.map((x) => ctx.registry.schoolIds({ regionCode: x.code })));
      res.json(regions.map((x, i) => ({ ...x, ...sums[i]!, schools: schools[i]!.length })));
    },
  );

  r.get(
    '/districts',
    validate({
      method: 'get',
      path: '/districts',
      summary: 'districts of a region',
      roles: READ,
      query: z.object({ region: RegionCode }),
      response: z.array(District.extend({ counts: StatusCounts, reasons: ReasonCounts })),
    }),
    async (req, res) => {
      const { region } = res.locals.query as { region: string };
      if (!regionAllowed(req.user!, region)) return void res.status(404).json({ error: 'no such region' });
      const ds = await ctx.registry.districts(region);
      const sums = await ctx.state.summaries(ds.map((d) => `district:${d.id}`));
      res.json(ds.map((d, i) => ({ ...d, ...sums[i]! })));
    },
  );

  r.get(
    '/schools',
    validate({
      method: 'get',
      path: '/schools',
      summary: 'schools, filtered and paged',
      roles: READ,
      query: z.object({ region: RegionCode.optional(), district: z.string().optional(), ...Paging }),
      response: Page(SchoolSummary),
    }),
    async (req, res) => {
      const q = res.locals.query as { region?: string; district?: string; offset: number; limit: number };
      const u = req.user!;
      let ids: string[];
      if (u.role === 'school') {
        // their own school, and only where the filter would find it
        const own = u.schoolId ? await ctx.registry.school(u.schoolId) : undefined;
        if ((q.region && own?.regionCode !== q.region) || (q.district && own?.districtId !== q.district))
          return void res.status(404).json({ error: 'no such region or district' });
        ids = own ? [own.id] : [];
      } else {
        if (q.region && !regionAllowed(u, q.region)) return void res.status(404).json({ error: 'no such region' });
        let district: District | undefined;
        if (q.district) {
          district = await ctx.registry.district(q.district);
          if (!district || !regionAllowed(u, district.regionCode))
            return void res.status(404).json({ error: 'no such district' });
        }
        if (q.region || q.district)
          ids = await ctx.registry.schoolIds({ regionCode: q.region, districtId: q.district });
        else {
          const allowed = regionFilter(u);
          ids = allowed
            ? (await Promise.all(allowed.map((code) => ctx.registry.schoolIds({ regionCode: code })))).flat().sort()
            : await ctx.registry.schoolIds({});
        }
      }
      const page = ids.slice(q.offset, q.offset + q.limit);
      const schools = await ctx.registry.schools(page);
      const [sums, verdicts] = await Promise.all([
        ctx.state.summaries(schools.map((s) => `school:${s.id}`)),
        ctx.compliance.summaries(schools.map((s) => s.id)),
      ]);
      const items = schools.map((s, i) => ({ ...s, ...sums[i]!, ...(verdicts[i] ? { compliance: verdicts[i] } : {}) }));
      res.json({ total: ids.length, offset: q.offset, items });
    },
  );

  const SchoolId = z.object({ id: z.string().min(1).max(64) });
  r.get(
    '/schools/:id',
    validate({
      method: 'get',
      path: '/schools/:id',
      summary: "one school with counts and its agents' links",
      roles: READ,
      params: SchoolId,
    }),
    async (req, res) => {
      const s = await visibleSchool(req, (res.locals.params as { id: string }).id);
      if (!s) return void res.status(404).json({ error: 'no such school' });
      const agents = await Promise.all(
        s.agents.map(async (a) => {
          const rec = await ctx.agents.get(a);
          return {
            agentId: a,
            linkDown: rec?.linkDown ?? true,
            lastSeen: rec?.lastSeen ?? null,
            enrolled: Boolean(rec?.enrolledAt),
          };
        }),
      );
      res.json({
        ...s,
        ...(await ctx.state.summaries([`school:${s.id}`]))[0]!,
        agentLinks: agents,
        // where it is, by name (the page says "Алматы › Алмалы ауданы", not codes)
        region: await ctx.registry.region(s.regionCode),
        district: await ctx.registry.district(s.districtId),
        // the profile that applies (requirement document: most specific assignment), with its numbers
        requirements: await ctx.compliance.profileOf(s),
      });
    },
  );

  r.get(
    '/schools/:id/cameras',
    validate({
      method: 'get',
      path: '/schools/:id/cameras',
      summary: 'cameras of a school with live status',
      roles: READ,
      params: SchoolId,
      query: z.object({ status: CentreStatus.optional() }),
      response: z.array(CameraView),
    }),
    async (req, res) => {
      const s = await visibleSchool(req, (res.locals.params as { id: string }).id);
      if (!s) return void res.status(404).json({ error: 'no such school' });
      const { status } = res.locals.query as { status?: string };
      const cams = await ctx.state.cameras(await ctx.state.schoolCameraIds(s.id));
      res.json(status ? cams.filter((c) => c.status === status) : cams);
    },
  );

  const History = {
    params: SchoolId,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    response: z.array(HistoryEntry),
  };
  r.get(
    '/schools/:id/history',
    validate({
      method: 'get',
      path: '/schools/:id/history',
      summary: "status changes of the school's cameras, newest first",
      roles: READ,
      ...History,
    }),
    async (req, res) => {
      const s = await visibleSchool(req, (res.locals.params as { id: string }).id);
      if (!s) return void res.status(404).json({ error: 'no such school' });
      res.json(await ctx.state.history(ctx.keys.histSchool(s.id), (res.locals.query as { limit: number }).limit));
    },
  );

  const camera = async (req: Request, id: string) => {
    const [c] = await ctx.state.cameras([id]);
    if (!c) return undefined;
    return (await visibleSchool(req, c.schoolId)) ? c : undefined;
  };
  r.get(
    '/cameras/:id',
    validate({
      method: 'get',
      path: '/cameras/:id',
      summary: 'one camera: status, identity, last measurements',
      roles: READ,
      params: SchoolId,
    }),
    async (req, res) => {
      const id = (res.locals.params as { id: string }).id;
      const c = await camera(req, id);
      if (!c) return void res.status(404).json({ error: 'no such camera' });
      const docs = await ctx.state.docs(id);
      const ident = (docs.identity ?? null) as { media?: { streamUri?: string }[] } | null;
      // camera credentials never reach the centre; stream URIs are the school's business
      if (ident) for (const m of ident.media ?? []) delete m.streamUri;
      const school = await ctx.registry.school(c.schoolId);
      // the verdict with its facts (not `compliance`: that is the view's list of reasons, which the page reads)
      const complianceNow = school ? await ctx.compliance.cameraNow(id, school) : undefined;
      res.json({
        ...c,
        identity: ident,
        stream: docs.stream ?? null,
        retention: docs.retention ?? null,
        complianceNow,
      });
    },
  );
  r.get(
    '/cameras/:id/history',
    validate({
      method: 'get',
      path: '/cameras/:id/history',
      summary: 'status changes of a camera, newest first',
      roles: READ,
      ...History,
    }),
    async (req, res) => {
      const id = (res.locals.params as { id: string }).id;
      if (!(await camera(req, id))) return void res.status(404).json({ error: 'no such camera' });
      res.json(await ctx.state.history(ctx.keys.histCam(id), (res.locals.query as { limit: number }).limit));
    },
  );

  r.get(
    '/cameras/:id/measurements',
    validate({
      method: 'get',
      path: '/cameras/:id/measurements',
      summary: 'measurements of a camera over time (stream, retention, clock), oldest first',
      roles: READ,
      params: SchoolId,
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(500) }),
      response: z.array(MeasurementEntry),
    }),
    async (req, res) => {
      const id = (res.locals.params as { id: string }).id;
      if (!(await camera(req, id))) return void res.status(404).json({ error: 'no such camera' });
      res.json(await ctx.measurements.series(id, (res.locals.query as { limit: number }).limit));
    },
  );

  r.get(
    '/summary',
    validate({
      method: 'get',
      path: '/summary',
      summary: 'camera counts by status for the country, a region or a school',
      roles: READ,
      query: z.object({ region: RegionCode.optional(), school: z.string().optional() }),
      response: StatusCounts,
    }),
    async (req, res) => {
      const q = res.locals.query as { region?: string; school?: string };
      const u = req.user!;
      if (q.school) {
        const s = await visibleSchool(req, q.school);
        if (!s) return void res.status(404).json({ error: 'no such school' });
        return void res.json(await ctx.state.counts(`school:${s.id}`));
      }
      if (q.region) {
        if (!regionAllowed(u, q.region)) return void res.status(404).json({ error: 'no such region' });
        return void res.json(await ctx.state.counts(`region:${q.region}`));
      }
      if (countryAllowed(u)) return void res.json(await ctx.state.counts('country'));
      if (u.role === 'school') return void res.json(u.schoolId ? await ctx.state.counts(`school:${u.schoolId}`) : {});
      // operators: the sum of their regions
      const sum: Record<string, number> = {};
      for (const code of u.regions)
        for (const [k, v] of Object.entries(await ctx.state.counts(`region:${code}`))) sum[k] = (sum[k] ?? 0) + v;
      res.json(sum);
    },
  );
  return r;
}
