import {
  atLine,
  auditDetail,
  type Localized,
  NOT_IN_FILE_LISTED,
  Registry,
  RegistryImportResult,
  refusals,
  strayAgent,
} from '@kuzet/protocol';
import { Router } from 'express';
import { z } from 'zod';
import { withListing } from '../services/admin-lists.ts';
import { changeAlerting, withSchool } from '../services/alerting-changes.ts';
import { importRegistryCsv, issueError, type RowError } from '../services/registry-csv.ts';
import { defineSchoolRemoval, removalBlockers, removeSchool } from '../services/school-removal.ts';
import type { AppContext } from './context.ts';
import { actor, requireRole } from './session.ts';
import { validate } from './validate.ts';

/**
 * Changes of the registry (admins). The registry from an export of the national education database: a CSV
 * (text/csv; columns as services/registry-csv.ts, BIN and district KATO optional) or the JSON registry. Every bad row
 * is listed with its line number and reason and nothing is applied; a good file is applied whole (one transaction),
 * a school moved to another district or region takes its roll-ups along, and every school is evaluated for compliance
 * (new schools count as not covered until an agent reports). A school closed or merged is removed (see
 * services/school-removal.ts).
 */
export function registryImportRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post(
    '/registry',
    requireRole('admin'),
    validate({
      method: 'post',
      path: '/registry',
      summary: 'import (or update) the school registry: CSV (text/csv) or JSON; all or nothing, every bad row listed',
      roles: 'admin',
      body: z.unknown(),
      response: RegistryImportResult,
    }),
    async (req, res) => {
      let registry: Registry | undefined;
      let errors: RowError[] = [];
      if (typeof req.body === 'string') ({ registry, errors } = importRegistryCsv(req.body));
      else {
        const v = Registry.safeParse(req.body, { reportInput: true });
        if (v.success) registry = v.data;
        else
          errors = v.error.issues.slice(0, 1000).map((i) =>
            issueError(
              0,
              i.path
                .map((x) => (typeof x === 'number' ? `[${x}]` : `.${String(x)}`))
                .join('')
                .slice(1) || 'registry',
              i,
            ),
          );
      }
      if (!registry) {
        const listed = errors.slice(0, 1000).map(onLine);
        return void res
          .status(400)
          .json(refusals(`the registry was not imported: ${errors.length} problem(s)`, listed));
      }
      const { moved, agentsMoved, notInFile, ...counts } = await ctx.registry.import(registry);
      await ctx.integrity.moveSchools(moved, agentsMoved);
      // the file's schools' enrolled agents it lists for none of them (replaced): they report until revoked
      const inFile = new Set(registry.schools.map((s) => s.id));
      const agentsUnlisted = (await withListing(await ctx.agents.list(), ctx.registry))
        .filter((a) => strayAgent(a) && a.schoolId && inFile.has(a.schoolId))
        .map((a) => ({ agentId: a.agentId, schoolId: a.schoolId! }));
      await ctx.audit.record({
        ...actor(req),
        action: 'registry_imported',
        ...auditDetail('registry_imported', {
          schools: counts.schools,
          districts: counts.districts,
          moved: moved.length,
          notInFile: notInFile.length,
          unlisted: agentsUnlisted.length,
        }),
      });
      void ctx.compliance.evaluateAll().catch((err) => ctx.log?.error({ err }, 'evaluating compliance failed'));
      const listed = await ctx.registry.schools(notInFile.slice(0, NOT_IN_FILE_LISTED));
      res.json({
        ...counts,
        moved: moved.length,
        notInFile: {
          total: notInFile.length,
          schools: listed.map(({ id, nameRu, nameKk, districtId }) => ({ id, nameRu, nameKk, districtId })),
        },
        agentsUnlisted,
      });
    },
  );

  defineSchoolRemoval(ctx.redis);
  r.delete(
    '/schools/:id',
    requireRole('admin'),
    validate({
      method: 'delete',
      path: '/schools/:id',
      summary:
        'remove a school from the registry (closed or merged), with its cameras and counts; the archive keeps its ' +
        'past days. Refused (409, every reason listed) while an agent of it is enrolled or a user belongs to it',
      roles: 'admin',
      params: z.object({ id: z.string().min(1).max(64) }),
      response: z.object({ cameras: z.int(), alertsResolved: z.int() }),
    }),
    async (req, res) => {
      const id = (res.locals.params as { id: string }).id;
      const school = await ctx.registry.school(id);
      if (!school) return void res.status(404).json({ error: 'no such school' });
      const blockers = await removalBlockers(ctx, id);
      if (blockers.length) return void res.status(409).json(refusals('the school was not removed', blockers));
      const done = await removeSchool(ctx, school);
      await ctx.audit.record({
        ...actor(req),
        action: 'school_removed',
        schoolId: id,
        ...auditDetail('school_removed', { name: school.nameRu, cameras: done.cameras }),
      });
      // its own contacts and rule settings go with it
      await changeAlerting(ctx, actor(req), (cur) => (cur.schools[id] ? withSchool(cur, id, undefined) : undefined));
      // no school is judged again: the removal took the school's contribution out of the figures exactly
      res.json(done);
    },
  );
  return r;
}

/** A file's problem with its line in front (a JSON registry's have none). */
const onLine = (e: RowError): Localized => (e.line ? atLine(e.line, e.localized) : e.localized);
