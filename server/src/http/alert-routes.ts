import {
  AckSla,
  Alert,
  AlertAction,
  AlertState,
  Assignee,
  auditDetail,
  BulkAck,
  episodeStart,
  type Localized,
  MAINTENANCE_LIMITS,
  MaintenanceWindow,
  NewMaintenanceWindow,
  problemText,
  RegionCode,
  refusal,
  refusals,
  SEVERITY_RANK,
  Severity,
} from '@kuzet/protocol';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { regionAllowed, schoolAllowed } from '../services/access.ts';
import { withNames } from '../services/alert-names.ts';
import { cameraSchool } from './camera-scope.ts';
import type { AppContext } from './context.ts';
import { actor, requireRole, requireUser } from './session.ts';
import { validate } from './validate.ts';

const READ = 'admin, operator (own regions), auditor, school (own school)';
const ACT = 'admin, operator (own regions); comment: also school staff (own school)';
const Id = z.object({ id: z.string().min(1).max(64) });

/** Alerts: the feed, one alert with its timeline, acknowledge/assign/comment/resolve; maintenance windows; jobs. */
export function alertRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(requireUser);
  const visible = (req: Request, a: Pick<Alert, 'schoolId' | 'regionCode'>) =>
    schoolAllowed(req.user!, { id: a.schoolId, regionCode: a.regionCode });

  r.get(
    '/alerts',
    validate({
      method: 'get',
      path: '/alerts',
      summary:
        'alerts the user may see: active ones (open, acknowledged) or all recent; most severe, then newest first',
      roles: READ,
      query: z.object({
        state: z.enum(['active', 'all']).default('active'),
        region: RegionCode.optional(),
        severity: Severity.optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(200),
      }),
      response: z.array(Alert),
    }),
    async (req, res) => {
      const q = res.locals.query as { state: 'active' | 'all'; region?: string; severity?: Severity; limit: number };
      if (q.region && !regionAllowed(req.user!, q.region) && req.user!.role !== 'school')
        return void res.status(404).json({ error: 'no such region' });
      // read generously, filter by scope, then order
      const all = await ctx.alertRepo.list({ active: q.state === 'active', limit: Math.min(20_000, q.limit * 50) });
      const out = all
        .filter(
          (a) =>
            visible(req, a) && (!q.region || a.regionCode === q.region) && (!q.severity || a.severity === q.severity),
        )
        .sort((a, b) =>
          q.state === 'active'
            ? SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (episodeStart(a) < episodeStart(b) ? 1 : -1)
            : episodeStart(a) < episodeStart(b)
              ? 1
              : -1,
        )
        .slice(0, q.limit);
      res.json(await withNames(ctx, out));
    },
  );

  r.get(
    '/alerts/sla',
    validate({
      method: 'get',
      path: '/alerts/sla',
      summary: 'how long an alert may stay unacknowledged, per severity (minutes; the alerting configuration)',
      roles: READ,
      response: AckSla,
    }),
    (_req, res) => void res.json(ctx.alerts.ackSla),
  );

  r.get(
    '/alerts/:id',
    validate({
      method: 'get',
      path: '/alerts/:id',
      summary: 'one alert with its timeline',
      roles: READ,
      params: Id,
      response: Alert,
    }),
    async (req, res) => {
      const a = await ctx.alertRepo.get((res.locals.params as { id: string }).id);
      if (!a || !visible(req, a)) return void res.status(404).json({ error: 'no such alert' });
      res.json((await withNames(ctx, [a]))[0]);
    },
  );

  /** the users an alert can be assigned to: operators and admins who may see its school */
  const assignees = async (a: Alert): Promise<Assignee[]> =>
    (await ctx.users.withRoles(['operator', 'admin']))
      .filter((u) => schoolAllowed(u, { id: a.schoolId, regionCode: a.regionCode }))
      .map((u) => ({ username: u.username, role: u.role as Assignee['role'] }))
      .sort((x, y) => x.username.localeCompare(y.username));

  r.get(
    '/alerts/:id/assignees',
    validate({
      method: 'get',
      path: '/alerts/:id/assignees',
      summary: 'who the alert can be assigned to: operators and admins who may see its school',
      roles: 'admin, operator (own regions)',
      params: Id,
      response: z.array(Assignee),
    }),
    async (req, res) => {
      const u = req.user!;
      const a = await ctx.alertRepo.get((res.locals.params as { id: string }).id);
      if (!a || !visible(req, a)) return void res.status(404).json({ error: 'no such alert' });
      if (u.role !== 'admin' && u.role !== 'operator')
        return void res.status(403).json({ error: `${u.role} may not assign alerts` });
      res.json(await assignees(a));
    },
  );

  r.post(
    '/alerts/ack',
    validate({
      method: 'post',
      path: '/alerts/ack',
      summary: 'acknowledge many alerts at once (a storm): the open ones the user may see; the rest are left alone',
      roles: 'admin, operator (own regions)',
      body: BulkAck,
      response: z.object({ acknowledged: z.array(z.string()) }),
    }),
    async (req, res) => {
      const u = req.user!;
      if (u.role !== 'admin' && u.role !== 'operator')
        return void res.status(403).json({ error: `${u.role} may not acknowledge alerts` });
      const { ids, comment } = res.locals.body as BulkAck;
      const acknowledged: string[] = [];
      for (const id of new Set(ids)) {
        const a = await ctx.alertRepo.get(id);
        if (!a || !visible(req, a) || a.state !== 'open') continue;
        const done = await ctx.alerts.act(a.id, u.username, { action: 'ack', ...(comment ? { comment } : {}) });
        if (done?.state === 'acknowledged') acknowledged.push(a.id);
      }
      res.json({ acknowledged });
    },
  );

  r.post(
    '/alerts/:id/actions',
    validate({
      method: 'post',
      path: '/alerts/:id/actions',
      summary: 'acknowledge (with a comment), assign, comment, resolve by hand (with a reason)',
      roles: ACT,
      params: Id,
      body: AlertAction,
      response: Alert,
    }),
    async (req, res) => {
      const u = req.user!;
      const a = await ctx.alertRepo.get((res.locals.params as { id: string }).id);
      if (!a || !visible(req, a)) return void res.status(404).json({ error: 'no such alert' });
      const action = res.locals.body as AlertAction;
      const allowed =
        u.role === 'admin' || u.role === 'operator' || (u.role === 'school' && action.action === 'comment');
      if (!allowed) return void res.status(403).json({ error: `${u.role} may not ${action.action} alerts` });
      if (a.state === 'resolved' && action.action !== 'comment')
        return void res.status(409).json(refusal('alert_resolved'));
      // to a real colleague who can act on it, never free text
      if (action.action === 'assign' && !(await assignees(a)).some((x) => x.username === action.to))
        return void res
          .status(400)
          .json({ error: `${action.to} is not an operator or administrator who may see this school` });
      const done = await ctx.alerts.act(a.id, u.username, action);
      res.json(done ? (await withNames(ctx, [done]))[0] : done);
    },
  );

  for (const kind of ['schools', 'cameras'] as const)
    r.get(
      `/${kind}/:id/alerts`,
      validate({
        method: 'get',
        path: `/${kind}/:id/alerts`,
        summary: `alerts of a ${kind === 'schools' ? 'school (its link and every camera)' : 'camera'}, newest first`,
        roles: READ,
        params: Id,
        query: z.object({ state: AlertState.optional() }),
        response: z.array(Alert),
      }),
      async (req, res) => {
        const id = (res.locals.params as { id: string }).id;
        const { state } = res.locals.query as { state?: string };
        let list: Alert[];
        if (kind === 'cameras') list = await ctx.alertRepo.allOf(id, 100);
        else {
          const cams = await ctx.state.schoolCameraIds(id);
          list = (await Promise.all([id, ...cams].map((s) => ctx.alertRepo.allOf(s, 50)))).flat();
        }
        const school = kind === 'schools' ? await ctx.registry.school(id) : undefined;
        if (kind === 'schools' && (!school || !schoolAllowed(req.user!, school)))
          return void res.status(404).json({ error: 'no such school' });
        // a camera outside the user's scope (or unknown, with no alert they may see): 404, as every camera route
        if (kind === 'cameras' && !list.some((a) => visible(req, a)) && !(await cameraSchool(ctx, req.user!, id)))
          return void res.status(404).json({ error: 'no such camera' });
        res.json(
          await withNames(
            ctx,
            list
              .filter((a) => visible(req, a) && (!state || a.state === state))
              .sort((a, b) => (episodeStart(a) < episodeStart(b) ? 1 : -1)),
          ),
        );
      },
    );

  r.get(
    '/maintenance',
    validate({
      method: 'get',
      path: '/maintenance',
      summary: "maintenance windows the user may see (with schoolId: that school's, not yet over)",
      roles: READ,
      query: z.object({ schoolId: z.string().min(1).max(64).optional() }),
      response: z.array(MaintenanceWindow),
    }),
    async (req, res) => {
      const { schoolId } = res.locals.query as { schoolId?: string };
      const out: MaintenanceWindow[] = [];
      if (schoolId) {
        // one school's, from its own hash (a school's page)
        const s = await ctx.registry.school(schoolId);
        if (!s || !schoolAllowed(req.user!, s)) return void res.status(404).json({ error: 'no such school' });
        const now = Date.now();
        out.push(...(await ctx.alertRepo.schoolWindows(s.id)).filter((w) => Date.parse(w.to) > now));
      } else
        for (const w of await ctx.alertRepo.windows()) {
          const s = await ctx.registry.school(w.schoolId);
          if (s && schoolAllowed(req.user!, s)) out.push(w);
        }
      res.json(out.sort((a, b) => (a.from < b.from ? -1 : 1)));
    },
  );
  r.post(
    '/maintenance',
    requireRole('admin', 'operator', 'school'),
    validate({
      method: 'post',
      path: '/maintenance',
      summary:
        'plan works: conditions of the school (or one of its cameras) are recorded but nobody is paged. School staff: ' +
        `at most ${MAINTENANCE_LIMITS.school.maxHours} h, starting within ${MAINTENANCE_LIMITS.school.maxAheadDays} days, ` +
        `${MAINTENANCE_LIMITS.school.maxOpen} open per school; others: ${MAINTENANCE_LIMITS.staff.maxHours / 24} days`,
      roles: 'admin, operator (own regions), school staff (own school)',
      body: NewMaintenanceWindow,
      response: MaintenanceWindow,
    }),
    async (req, res) => {
      const b = res.locals.body as z.infer<typeof NewMaintenanceWindow>;
      const u = req.user!;
      const s = await ctx.registry.school(b.schoolId);
      if (!s || !schoolAllowed(u, s)) return void res.status(404).json({ error: 'no such school' });
      if (b.cameraId && (await ctx.redis.hget(ctx.keys.cam(b.cameraId), 'schoolId')) !== s.id)
        return void res.status(400).json(refusal('camera_not_in_school'));
      const lim = u.role === 'school' ? MAINTENANCE_LIMITS.school : MAINTENANCE_LIMITS.staff;
      const now = Date.now();
      const [from, to] = [Date.parse(b.from), Date.parse(b.to)];
      const problems: Localized[] = [];
      if (to <= now) problems.push(problemText('window_over'));
      if (to - from > lim.maxHours * 3_600_000) problems.push(problemText('window_hours', { n: lim.maxHours }));
      if (from > now + lim.maxAheadDays * 86_400_000)
        problems.push(problemText('window_ahead', { n: lim.maxAheadDays }));
      const open = (await ctx.alertRepo.schoolWindows(s.id)).filter(
        (w) => Date.parse(w.to) > now && (u.role !== 'school' || w.byRole === 'school'),
      );
      if (open.length >= lim.maxOpen) problems.push(problemText('window_count', { n: lim.maxOpen }));
      if (problems.length) return void res.status(400).json(refusals('invalid maintenance window', problems));
      const w: MaintenanceWindow = { ...b, id: crypto.randomUUID(), by: u.username, byRole: u.role };
      await ctx.alertRepo.addWindow(w);
      await ctx.audit.record({
        ...actor(req),
        action: 'maintenance_created',
        schoolId: s.id,
        cameraId: b.cameraId,
        detail: `${b.from} – ${b.to}: ${b.reason}`.slice(0, 500),
      });
      res.json(w);
    },
  );
  r.delete(
    '/maintenance/:id',
    requireRole('admin', 'operator', 'school'),
    validate({
      method: 'delete',
      path: '/maintenance/:id',
      summary: "end a maintenance window (school staff: only their own school staff's)",
      roles: 'as for creating',
      params: Id,
    }),
    async (req, res) => {
      const u = req.user!;
      const id = (res.locals.params as { id: string }).id;
      const w = (await ctx.alertRepo.windows()).find((x) => x.id === id);
      const s = w ? await ctx.registry.school(w.schoolId) : undefined;
      if (!w || !s || !schoolAllowed(u, s)) return void res.status(404).json({ error: 'no such window' });
      if (u.role === 'school' && w.byRole !== 'school') return void res.status(403).json(refusal('window_operators'));
      await ctx.alertRepo.removeWindow(w.schoolId, id);
      await ctx.audit.record({
        ...actor(req),
        action: 'maintenance_deleted',
        schoolId: s.id,
        cameraId: w.cameraId,
        ...auditDetail('window_by', { from: w.from, to: w.to, by: w.by }),
      });
      res.json({ deleted: true });
    },
  );

  // dead letters: jobs that failed every attempt, and a way to try them again
  r.get(
    '/jobs/failed',
    requireRole('admin'),
    validate({
      method: 'get',
      path: '/jobs/failed',
      summary: 'failed jobs of the alert and notification queues',
      roles: 'admin',
    }),
    async (_req, res) => {
      const out = [];
      for (const q of [ctx.alerts.queue, ctx.alerts.linkQueue, ctx.alerts.notifyQueue] as const)
        for (const j of await q.getFailed(0, 199))
          out.push({
            queue: q.name,
            id: j.id,
            name: j.name,
            attempts: j.attemptsMade,
            failedReason: j.failedReason,
            at: j.finishedOn ? new Date(j.finishedOn).toISOString() : undefined,
            data: j.data,
          });
      res.json(out);
    },
  );
  r.post(
    '/jobs/failed/retry',
    requireRole('admin'),
    validate({ method: 'post', path: '/jobs/failed/retry', summary: 'retry every failed job', roles: 'admin' }),
    async (_req, res) => {
      let n = 0;
      for (const q of [ctx.alerts.queue, ctx.alerts.linkQueue, ctx.alerts.notifyQueue] as const)
        for (const j of await q.getFailed(0, 999)) {
          await j.retry();
          n++;
        }
      res.json({ retried: n });
    },
  );
  return r;
}
