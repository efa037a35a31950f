import {
  auditDetail,
  CameraId,
  ComplianceOverview,
  type ComplianceSchoolRow,
  deadlineFor,
  figuresOf,
  RegionCode,
  type RequirementsDoc,
  refusal,
  SchoolCompliance,
  VerdictState,
  verdictState,
} from '@kuzet/protocol';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { countryAllowed, regionAllowed, regionFilter, schoolAllowed } from '../services/access.ts';
import { cameraSchool } from './camera-scope.ts';
import type { AppContext } from './context.ts';
import { actor, requireRole, requireUser } from './session.ts';
import { validate } from './validate.ts';

const READ = 'admin, operator (own regions), auditor (own regions or all), school (own school)';

const Overview = ComplianceOverview;
type Row = z.infer<typeof ComplianceSchoolRow>;

const Placement = z
  .object({
    name: z.string().trim().min(1).max(80).optional(),
    /** a zone of the catalogue, or null to clear it */
    zone: z.string().max(40).nullable().optional(),
  })
  .refine((p) => p.name !== undefined || p.zone !== undefined, { message: 'name or zone' });

/** Compliance: the verdicts and figures, cameras' placement. */
export function complianceRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(requireUser);

  const overview = async (req: Request, res: import('express').Response) => {
    const q = res.locals.query as { region?: string; district?: string; state?: string; limit: number };
    const u = req.user!;
    const doc = await ctx.compliance.current();
    const lang = (s: { nameRu: string; nameKk: string; nameEn?: string }) => s;
    const named = ({ nameRu, nameKk, nameEn }: { nameRu: string; nameKk: string; nameEn?: string }) => ({
      nameRu,
      nameKk,
      ...(nameEn ? { nameEn } : {}),
    });
    const regionOf = async (code: string) => {
      const r = await ctx.registry.region(code);
      return r ? { code, ...named(r) } : undefined;
    };
    if (q.district) {
      const d = await ctx.registry.district(q.district);
      if (!d || !regionAllowed(u, d.regionCode)) return void res.status(404).json({ error: 'no such district' });
      const ids = await ctx.registry.schoolIds({ districtId: d.id });
      const schools = await rows(ids, doc, q.state, q.limit);
      return void res.json({
        scope: { kind: 'district', id: d.id, name: named(d), region: await regionOf(d.regionCode) },
        version: doc.version,
        figures: figuresOf(await ctx.compliance.figures(`district:${d.id}`)),
        deadline: deadlineFor(doc, { districtId: d.id, regionCode: d.regionCode }),
        units: [],
        schools,
      });
    }
    if (q.region) {
      if (!regionAllowed(u, q.region)) return void res.status(404).json({ error: 'no such region' });
      const ds = await ctx.registry.districts(q.region);
      const figs = await Promise.all(ds.map((d) => ctx.compliance.figures(`district:${d.id}`)));
      return void res.json({
        scope: { kind: 'region', id: q.region, name: await regionOf(q.region).then((r) => r && named(r)) },
        version: doc.version,
        figures: figuresOf(await ctx.compliance.figures(`region:${q.region}`)),
        deadline: deadlineFor(doc, { regionCode: q.region }),
        units: ds.map((d, i) => ({
          id: d.id,
          ...lang(d),
          figures: figuresOf(figs[i]!),
          deadline: deadlineFor(doc, { districtId: d.id, regionCode: d.regionCode }),
        })),
        schools: q.state
          ? await rows(await ctx.registry.schoolIds({ regionCode: q.region }), doc, q.state, q.limit)
          : [],
      });
    }
    if (u.role === 'school') {
      const s = u.schoolId ? await ctx.registry.school(u.schoolId) : undefined;
      return void res.json({
        scope: { kind: 'district', id: s?.districtId ?? '' },
        version: doc.version,
        figures: figuresOf({}),
        units: [],
        schools: s ? await rows([s.id], doc, undefined, 1) : [],
      });
    }
    const allowed = regionFilter(u);
    const regions = (await ctx.registry.regions()).filter((x) => !allowed || allowed.includes(x.code));
    const figs = await Promise.all(regions.map((x) => ctx.compliance.figures(`region:${x.code}`)));
    const national = countryAllowed(u);
    const sum: Record<string, number> = {};
    if (!national) for (const f of figs) for (const [k, v] of Object.entries(f)) sum[k] = (sum[k] ?? 0) + v;
    const units = regions.map((x, i) => ({
      id: x.code,
      ...lang(x),
      figures: figuresOf(figs[i]!),
      deadline: deadlineFor(doc, { regionCode: x.code }),
    }));
    res.json({
      scope: { kind: 'country', id: 'KZ' },
      version: doc.version,
      figures: figuresOf(national ? await ctx.compliance.figures('country') : sum),
      // someone who sees only some regions is held to theirs: the earliest of their akimats' deadlines
      deadline: national ? deadlineFor(doc, {}) : earliest(units.map((x) => x.deadline)),
      units,
      schools: q.state
        ? await rows(
            (await Promise.all(regions.map((x) => ctx.registry.schoolIds({ regionCode: x.code })))).flat(),
            doc,
            q.state,
            q.limit,
          )
        : [],
    });
  };

  /** schools with their verdict summaries; `state` keeps only the non-compliant, uncovered or compliant ones */
  const rows = async (ids: string[], doc: RequirementsDoc, state: string | undefined, limit: number) => {
    const out: Row[] = [];
    for (let i = 0; i < ids.length && out.length < limit; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const [schools, verdicts] = await Promise.all([ctx.registry.schools(chunk), ctx.compliance.summaries(chunk)]);
      schools.forEach((s, k) => {
        const v = verdicts[k];
        const keep = !state || verdictState(v) === state;
        if (keep && out.length < limit)
          out.push({
            id: s.id,
            nameRu: s.nameRu,
            nameKk: s.nameKk,
            districtId: s.districtId,
            regionCode: s.regionCode,
            ...(v ? { compliance: v } : {}),
            ...(deadlineFor(doc, s) ? { deadline: deadlineFor(doc, s) } : {}),
          });
      });
    }
    return out;
  };

  r.get(
    '/compliance',
    validate({
      method: 'get',
      path: '/compliance',
      summary:
        'compliance of the country, a region or a district: figures (schools covered, compliant, cameras failing each ' +
        "requirement), the akimat's deadline, the units below, and the schools (of a district, or in `state`)",
      roles: READ,
      query: z.object({
        region: RegionCode.optional(),
        district: z.string().max(64).optional(),
        state: VerdictState.optional(),
        limit: z.coerce.number().int().min(1).max(10_000).default(1000),
      }),
      response: Overview,
    }),
    overview,
  );

  r.get(
    '/schools/:id/compliance',
    validate({
      method: 'get',
      path: '/schools/:id/compliance',
      summary: "a school's verdict (every reason, zones, cameras required vs present) and each camera's verdict",
      roles: READ,
      params: z.object({ id: z.string().min(1).max(64) }),
      response: SchoolCompliance,
    }),
    async (req, res) => {
      const s = await ctx.registry.school((res.locals.params as { id: string }).id);
      if (!s || !schoolAllowed(req.user!, s)) return void res.status(404).json({ error: 'no such school' });
      const { verdict, cameras } = await ctx.compliance.schoolNow(s);
      res.json({
        verdict,
        cameras: cameras.map((c) => ({
          cameraId: c.cameraId,
          name: c.name,
          zone: c.zone,
          suggestedZone: c.suggestedZone,
          status: c.facts.status,
          verdict: c.verdict,
        })),
      });
    },
  );

  r.put(
    '/cameras/:id/placement',
    requireRole('admin', 'operator', 'school'),
    validate({
      method: 'put',
      path: '/cameras/:id/placement',
      summary: "name a camera and say which zone it watches (the school's staff, operators of its region, admins)",
      roles: 'admin, operator (own regions), school staff (own school)',
      params: z.object({ id: CameraId }),
      body: Placement,
      response: z.object({ name: z.string().optional(), zone: z.string().nullable().optional() }),
    }),
    async (req, res) => {
      const id = (res.locals.params as { id: string }).id;
      const b = res.locals.body as z.infer<typeof Placement>;
      const s = await cameraSchool(ctx, req.user!, id);
      if (!s) return void res.status(404).json({ error: 'no such camera' });
      const doc = await ctx.compliance.current();
      if (b.zone && !doc.zones.some((z) => z.id === b.zone))
        return void res.status(400).json(refusal('zone_unknown', { zone: b.zone }));
      const p = ctx.redis.multi();
      if (b.name !== undefined) p.hset(ctx.keys.cam(id), 'name', b.name);
      if (b.zone) p.hset(ctx.keys.cam(id), 'zone', b.zone);
      if (b.zone === null) p.hdel(ctx.keys.cam(id), 'zone');
      await p.exec();
      await ctx.audit.record({
        ...actor(req),
        action: 'camera_placed',
        cameraId: id,
        schoolId: s.id,
        ...placedDetail(b),
      });
      await ctx.compliance.evaluate([s.id]);
      res.json({
        ...(b.name !== undefined ? { name: b.name } : {}),
        ...(b.zone !== undefined ? { zone: b.zone } : {}),
      });
    },
  );
  return r;
}

/** The earliest of these days (ISO dates order as text); undefined when none is set. */
function earliest(days: (string | undefined)[]): string | undefined {
  let min: string | undefined;
  for (const d of days) if (d && (!min || d < min)) min = d;
  return min;
}

/** What a camera's placement changed, for the audit log: its name, its zone (none: taken out of any), or both. */
function placedDetail(b: { name?: string; zone?: string | null }): Partial<ReturnType<typeof auditDetail>> {
  const name = b.name !== undefined ? { name: b.name } : undefined;
  if (b.zone === undefined) return name ? auditDetail('placed_name', name) : {};
  if (b.zone === null) return name ? auditDetail('placed_name_no_zone', name) : auditDetail('placed_no_zone');
  return name
    ? auditDetail('placed_name_zone', { ...name, zone: b.zone })
    : auditDetail('placed_zone', { zone: b.zone });
}
