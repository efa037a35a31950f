import {
  changeLine,
  listedChanges,
  RequirementsDoc,
  type RequirementVersion,
  RequirementVersions,
  requirementChanges,
} from '@kuzet/protocol';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { parseRequirements, RequirementsError } from '../repositories/requirements.ts';
import { listedVersions } from '../repositories/versioned-doc.ts';
import type { AppContext } from './context.ts';
import { actor, requireRole, requireUser } from './session.ts';
import { validate } from './validate.ts';

/** versions the history lists at most (each is read from the object store) */
const HISTORY_MAX = 100;

/**
 * The requirement document: read by everyone, its history by admins and auditors (what applied when, who changed
 * it, what changed), replaced — or an earlier version brought back — by admins as the next version.
 */
export function requirementsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(requireUser);

  r.get(
    '/requirements',
    validate({
      method: 'get',
      path: '/requirements',
      summary: 'the requirement document in force: profiles, zones, assignments, deadlines (versioned)',
      roles: 'any logged-in user',
      response: RequirementsDoc,
    }),
    async (_req, res) => void res.json(await ctx.compliance.current()),
  );

  r.get(
    '/requirements/versions',
    requireRole('admin', 'auditor'),
    validate({
      method: 'get',
      path: '/requirements/versions',
      summary:
        'the requirement history, newest first: when each version came into force, who stored it, and what it ' +
        'changed against the version before',
      roles: 'admin, auditor',
      query: z.object({ limit: z.coerce.number().int().min(1).max(HISTORY_MAX).default(50) }),
      response: RequirementVersions,
    }),
    async (_req, res) => {
      const { limit } = res.locals.query as { limit: number };
      const [kept, current] = await Promise.all([ctx.compliance.requirements.history(limit), ctx.compliance.current()]);
      const versions = listedVersions(kept, limit).map(({ info, doc, before }): RequirementVersion => {
        const changes = doc && before ? requirementChanges(before, doc) : undefined;
        return {
          ...info,
          ...(changes ? listedChanges(changes) : {}),
        };
      });
      res.json({ current: current.version, versions });
    },
  );

  r.get(
    '/requirements/versions/:n',
    requireRole('admin', 'auditor'),
    validate({
      method: 'get',
      path: '/requirements/versions/:n',
      summary: 'an earlier version of the requirement document (what applied then)',
      roles: 'admin, auditor',
      params: z.object({ n: z.coerce.number().int().positive() }),
      response: RequirementsDoc,
    }),
    async (_req, res) => {
      const doc = await ctx.compliance.requirements.version((res.locals.params as { n: number }).n);
      if (!doc) return void res.status(404).json({ error: 'no such version' });
      res.json(doc);
    },
  );

  const Stored = z.object({ version: z.int(), schools: z.int() });

  r.put(
    '/requirements',
    requireRole('admin'),
    validate({
      method: 'put',
      path: '/requirements',
      summary:
        'replace the requirement document: its version must be the current one + 1 (409 otherwise); every problem ' +
        'is listed (400); every camera and school is evaluated again at once',
      roles: 'admin',
      body: z.unknown(),
      response: Stored,
    }),
    async (req, res) => {
      const doc = parsed(req.body, res);
      if (doc) await store(ctx, req, res, doc);
    },
  );

  r.post(
    '/requirements/versions/:n/restore',
    requireRole('admin'),
    validate({
      method: 'post',
      path: '/requirements/versions/:n/restore',
      summary:
        'bring an earlier version back as the next one (its profiles, zones, assignments and deadlines as they were); ' +
        '`version` must be the current one + 1 (409 otherwise); every school is evaluated again at once',
      roles: 'admin',
      params: z.object({ n: z.coerce.number().int().positive() }),
      body: z.object({ version: z.int().positive() }),
      response: Stored,
    }),
    async (req, res) => {
      const n = (res.locals.params as { n: number }).n;
      const old = await ctx.compliance.requirements.version(n);
      if (!old) return void res.status(404).json({ error: 'no such version' });
      // checked as a new document: a version kept under an older schema must still be a valid one today
      const doc = parsed({ ...old, version: (res.locals.body as { version: number }).version }, res);
      if (doc) await store(ctx, req, res, doc, n);
    },
  );
  return r;
}

/** A document sent or restored, parsed; undefined when refused (400 with every problem, already answered). */
function parsed(raw: unknown, res: Response): RequirementsDoc | undefined {
  try {
    return parseRequirements(raw, 'body');
  } catch (err) {
    if (!(err instanceof RequirementsError)) throw err;
    res.status(400).json({ error: 'invalid requirements', problems: err.problems, problemsLocalized: err.localized });
    return undefined;
  }
}

/**
 * Stores the next version (who and, for a restore, which version it brings back, kept beside it), audits what it
 * changed, tells every instance and evaluates every school again.
 */
async function store(ctx: AppContext, req: Request, res: Response, doc: RequirementsDoc, restoredFrom?: number) {
  const current = await ctx.compliance.current();
  const how = { by: req.user!.username, ...(restoredFrom ? { restoredFrom } : {}) };
  if (!(await ctx.compliance.requirements.replace(doc, current.version, how)))
    return void res
      .status(409)
      .json({ error: `the document is at version ${current.version}: send version ${current.version + 1}` });
  await ctx.audit.record({
    ...actor(req),
    action: 'requirements_changed',
    detail: changeLine(current, doc, restoredFrom),
  });
  await ctx.bus.publishControl({ kind: 'requirements_changed', version: doc.version });
  await ctx.compliance.reload();
  const r = await ctx.compliance.evaluateAll();
  res.json({ version: doc.version, schools: r.schools });
}
