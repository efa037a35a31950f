import { CameraId } from '@kuzet/protocol';
import { Router } from 'express';
import { z } from 'zod';
import { cameraSchool } from './camera-scope.ts';
import type { AppContext } from './context.ts';
import { actor, requireRole } from './session.ts';
import { validate } from './validate.ts';

const Drift = z.object({
  scope: z.string(),
  kind: z.enum(['status', 'reason', 'camera_list']),
  field: z.string(),
  difference: z.number(),
});
const RollupReport = z.object({
  at: z.string(),
  schools: z.int(),
  drift: z.array(Drift),
  durationMs: z.number(),
});
const Quarantined = z.object({
  at: z.string(),
  cameraId: z.string(),
  owner: z.string(),
  schoolId: z.string(),
  agentId: z.string(),
  types: z.array(z.string()),
});

/** Administrators' view of the data's integrity: roll-up verification, refused reports, releasing a camera. */
export function integrityRoutes(ctx: AppContext): Router {
  const r = Router();
  const admin = requireRole('admin');

  r.get(
    '/integrity/rollups',
    admin,
    validate({
      method: 'get',
      path: '/integrity/rollups',
      summary: 'the last verification of the roll-ups (counts per school, district, region, country) and its drift',
      roles: 'admin',
      response: RollupReport.nullable(),
    }),
    async (_req, res) => void res.json(await ctx.integrity.lastReport()),
  );

  r.post(
    '/integrity/rollups/verify',
    admin,
    validate({
      method: 'post',
      path: '/integrity/rollups/verify',
      summary: 'verify (and repair) every roll-up now; the report names any drift found',
      roles: 'admin',
      response: RollupReport,
    }),
    async (_req, res) => void res.json(await ctx.integrity.verifyNow()),
  );

  r.get(
    '/integrity/quarantine',
    admin,
    validate({
      method: 'get',
      path: '/integrity/quarantine',
      summary: 'reports refused because the camera belongs to another school (newest first)',
      roles: 'admin',
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: z.array(Quarantined),
    }),
    async (_req, res) => void res.json(await ctx.claims.quarantined((res.locals.query as { limit: number }).limit)),
  );

  r.post(
    '/cameras/:id/release',
    admin,
    validate({
      method: 'post',
      path: '/cameras/:id/release',
      summary: 'take a camera out of its school (moved, or a conflict settled): the next school to report it owns it',
      roles: 'admin',
      params: z.object({ id: CameraId }),
      response: z.object({ released: z.boolean(), schoolId: z.string() }),
    }),
    async (req, res) => {
      const id = (res.locals.params as { id: string }).id;
      const school = await cameraSchool(ctx, undefined, id);
      if (!school || !(await ctx.integrity.release(id, school)))
        return void res.status(404).json({ error: 'no such camera in a school' });
      await ctx.audit.record({
        ...actor(req),
        action: 'camera_released',
        cameraId: id,
        schoolId: school.id,
      });
      res.json({ released: true, schoolId: school.id });
    },
  );
  return r;
}
