import {
  AuditAction,
  AuditEntry,
  auditDetail,
  CameraId,
  Day,
  IsoTime,
  LiveViewer,
  PICTURE_ROLES,
} from '@kuzet/protocol';
import { Router } from 'express';
import { z } from 'zod';
import type { AuditQuery } from '../repositories/audit.ts';
import { addDays } from '../services/archive-day.ts';
import { snapshotKey } from '../services/ingest.ts';
import { cameraSchool } from './camera-scope.ts';
import type { AppContext } from './context.ts';
import { actor, requireRole } from './session.ts';
import { HttpError, validate } from './validate.ts';

/** days of the audit log's archive one query reads at most (a month: an inspector's usual question) */
const MAX_AUDIT_DAYS = 31;

/**
 * Camera pictures. Children appear in them: only the roles that act on a camera see them (admins, operators of the
 * camera's region, the school's own staff) — never auditors, whose work is compliance figures — and every view is
 * recorded before the picture is sent (no record, no picture).
 */
export function snapshotRoutes(ctx: AppContext): Router {
  const r = Router();
  const viewers = requireRole(...PICTURE_ROLES);

  /**
   * A picture of a camera (the latest, or the confirmed reference view): only in the viewer's scope, and recorded
   * before it is sent (no record, no picture).
   */
  const picture = (o: {
    path: string;
    summary: string;
    action: 'snapshot_view' | 'reference_view';
    load: (cameraId: string) => Promise<{ body: Buffer; contentType: string } | undefined>;
    none: string;
  }) =>
    r.get(
      o.path,
      viewers,
      validate({
        method: 'get',
        path: o.path,
        summary: o.summary,
        roles: 'admin, operator (own regions), school (own school); not auditors',
        params: z.object({ id: CameraId }),
      }),
      async (req, res) => {
        const id = (res.locals.params as { id: string }).id;
        const school = await cameraSchool(ctx, req.user!, id);
        if (!school) {
          ctx.metrics.snapshots.inc({ result: 'denied' });
          return void res.status(404).json({ error: 'no such camera' });
        }
        const pic = await o.load(id);
        if (!pic) return void res.status(404).json({ error: o.none });
        await ctx.audit.record({ ...actor(req), action: o.action, cameraId: id, schoolId: school.id });
        ctx.metrics.snapshots.inc({ result: 'viewed' });
        res.set({ 'Cache-Control': 'no-store, private', 'Content-Type': pic.contentType });
        res.send(pic.body);
      },
    );
  picture({
    path: '/cameras/:id/snapshot',
    summary: "the camera's latest picture (image/jpeg); every view is audited",
    action: 'snapshot_view',
    load: (id) => ctx.store.get(snapshotKey(id)),
    none: 'no picture of this camera yet',
  });
  picture({
    path: '/cameras/:id/reference',
    summary: "the camera's confirmed reference view (image/jpeg); every view is audited",
    action: 'reference_view',
    load: (id) => ctx.references.picture(id),
    none: 'no reference view of this camera yet',
  });

  r.post(
    '/cameras/:id/reference',
    viewers,
    validate({
      method: 'post',
      path: '/cameras/:id/reference',
      summary:
        "confirms the camera's latest picture (the one taken at snapshotAt) as the view it must keep: each deep " +
        'check compares with it (scene_changed when turned away or moved)',
      roles: 'admin, operator (own regions), school (own school); not auditors',
      params: z.object({ id: CameraId }),
      body: z.object({ snapshotAt: IsoTime }),
    }),
    async (req, res) => {
      const id = (res.locals.params as { id: string }).id;
      const school = await cameraSchool(ctx, req.user!, id);
      if (!school) return void res.status(404).json({ error: 'no such camera' });
      const { snapshotAt } = res.locals.body as { snapshotAt: string };
      const r = await ctx.references.confirm(id, snapshotAt, req.user!.username);
      if (!r.ok)
        return void res.status(r.why === 'changed' ? 409 : 404).json({
          error:
            r.why === 'changed'
              ? 'the camera has sent a newer picture since: look at it before confirming'
              : 'no picture of this camera to confirm',
          code: r.why,
        });
      await ctx.audit.record({
        ...actor(req),
        action: 'reference_confirmed',
        cameraId: id,
        schoolId: school.id,
        ...auditDetail('picture_of', { at: snapshotAt }),
      });
      res.json({ referenceAt: snapshotAt, referenceBy: req.user!.username });
    },
  );

  r.get(
    '/cameras/:id/viewers',
    requireRole('admin'),
    validate({
      method: 'get',
      path: '/cameras/:id/viewers',
      summary: 'who is watching the camera live now',
      roles: 'admin',
      params: z.object({ id: CameraId }),
      response: z.array(LiveViewer),
    }),
    async (_req, res) => {
      res.json(await ctx.video.viewers((res.locals.params as { id: string }).id));
    },
  );

  r.get(
    '/audit',
    requireRole('admin'),
    validate({
      method: 'get',
      path: '/audit',
      summary:
        'the audit log, newest first: who viewed which camera picture or live video, logins, access and registry ' +
        'changes, exports; filtered by camera, action or user. The newest 100,000 entries are read from Redis; `from`/`to` ' +
        `(days, at most ${MAX_AUDIT_DAYS}; one alone: that day) read the object store, where days are kept for ` +
        'KUZET_AUDIT_RETENTION_DAYS',
      roles: 'admin',
      query: z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        cameraId: CameraId.optional(),
        action: AuditAction.optional(),
        username: z.string().min(1).max(64).optional(),
        /** days (in the deployment's time zone) read from the object store, where every day is kept */
        from: Day.optional(),
        to: Day.optional(),
      }),
      response: z.array(AuditEntry),
    }),
    async (_req, res) => {
      const { from, to, ...q } = res.locals.query as Omit<AuditQuery, 'days'> & { from?: string; to?: string };
      const [first, last] = [from ?? to, to ?? from];
      const days: string[] = [];
      if (first && last) {
        if (first > last) throw new HttpError(400, 'from must not be after to');
        // newest first, as the newest entries are
        for (let d = last; d >= first; d = addDays(d, -1))
          if (days.push(d) > MAX_AUDIT_DAYS) throw new HttpError(400, `at most ${MAX_AUDIT_DAYS} days`);
      }
      res.json(await ctx.audit.list({ ...q, ...(days.length ? { days } : {}) }));
    },
  );
  return r;
}
