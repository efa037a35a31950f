import {
  type AlertingChange,
  AlertingConfig,
  type AlertingVersion,
  AlertingVersions,
  adminTarget,
  alertingChanges,
  alertingChangeText,
  auditDetail,
  listedChanges,
  MAX_TARGETS,
  NotifyTarget,
  RegionCode,
  RegionPaging,
  refusals,
  regionPaging,
  SchoolContacts,
  targetLabel,
} from '@kuzet/protocol';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { parseAlerting } from '../repositories/alerting.ts';
import { DocumentError, listedVersions } from '../repositories/versioned-doc.ts';
import { regionAllowed, schoolAllowed } from '../services/access.ts';
import { inadmissible, internalWebhooks, leftOut, without } from '../services/alerting-admission.ts';
import { changeAlerting, currentAlerting, storeAlerting, withSchool } from '../services/alerting-changes.ts';
import type { AppContext } from './context.ts';
import { actor, requireRole } from './session.ts';
import { validate } from './validate.ts';

/**
 * The alerting configuration (admins): who is paged in each region and at each escalation level, people's own
 * contacts, escalation times, acknowledgement deadlines, rules. Read whole, replaced whole as the next version
 * (optimistic, as the requirement document is); every instance pages by the new version at once.
 */
export function alertingRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use('/alerting', requireRole('admin'));
  const admission = {
    registry: ctx.registry,
    users: ctx.users,
    webhookRefusal: (u: string) => ctx.alerts.webhookRefusal(u),
  };

  // the school's own contacts: its staff keep them, as do the region's operators and admins (auditors read no addresses)
  const schoolContacts = [
    requireRole('admin', 'operator', 'school'),
    async (req: Request, res: Response, next: NextFunction) => {
      const s = await ctx.registry.school(String(req.params.id));
      if (!s || !schoolAllowed(req.user!, s)) return void res.status(404).json({ error: 'no such school' });
      next();
    },
  ];
  r.get(
    '/regions/:code/paging',
    requireRole('admin', 'operator'),
    validate({
      method: 'get',
      path: '/regions/:code/paging',
      summary:
        "who is paged about the region's alerts at each escalation level, and when (contacts by label, never a whole " +
        'address: administrators edit them under /alerting)',
      roles: 'admin, operator (own regions)',
      params: z.object({ code: RegionCode }),
      response: RegionPaging,
    }),
    async (req, res) => {
      const code = (res.locals.params as { code: string }).code;
      if (!regionAllowed(req.user!, code) || !(await ctx.registry.region(code)))
        return void res.status(404).json({ error: 'no such region' });
      const [cfg, schools] = await Promise.all([currentAlerting(ctx), ctx.registry.schoolIds({ regionCode: code })]);
      res.json(regionPaging(cfg, code, schools));
    },
  );
  r.get(
    '/schools/:id/contacts',
    ...schoolContacts,
    validate({
      method: 'get',
      path: '/schools/:id/contacts',
      summary: "the school's own contacts: told when an alert of the school opens, reopens and resolves",
      roles: 'admin, operator (own regions), school staff (own school)',
      params: z.object({ id: z.string().max(64) }),
      response: SchoolContacts,
    }),
    async (req, res) => {
      const cfg = await currentAlerting(ctx);
      res.json({ contacts: cfg.schools[String(req.params.id)]?.contacts ?? [], version: cfg.version });
    },
  );
  r.put(
    '/schools/:id/contacts',
    ...schoolContacts,
    validate({
      method: 'put',
      path: '/schools/:id/contacts',
      summary:
        "replace the school's own contacts (the alerting configuration's next version; audited without the addresses)",
      roles: 'admin, operator (own regions), school staff (own school)',
      params: z.object({ id: z.string().max(64) }),
      body: z.object({ contacts: z.array(NotifyTarget).max(MAX_TARGETS) }),
      response: SchoolContacts,
    }),
    async (req, res) => {
      const id = String(req.params.id);
      const { contacts } = res.locals.body as { contacts: NotifyTarget[] };
      // a school's webhook never points into the centre's networks (the server posts to it: see WebhookPolicy); the
      // ones it has saved already are not looked up again
      const stored = (await currentAlerting(ctx)).schools[id]?.contacts;
      const { problems } = await internalWebhooks(admission, contacts, 'contacts', stored);
      if (problems.length) return void res.status(400).json(refusals('invalid contacts', problems));
      // a change of one school's part: made against whatever version is stored, again if another came first
      const next = await changeAlerting(ctx, actor(req), (cur) =>
        withSchool(cur, id, { rules: cur.schools[id]?.rules ?? {}, contacts }),
      );
      if (next) return void res.json({ contacts: next.schools[id]?.contacts ?? [], version: next.version });
      res.status(409).json({ error: 'the alerting configuration kept changing meanwhile: try again' });
    },
  );

  // at most this many test messages per school a minute (each reaches someone's phone or system)
  const TESTS_PER_MINUTE = 6;
  r.post(
    '/schools/:id/contacts/test',
    ...schoolContacts,
    validate({
      method: 'post',
      path: '/schools/:id/contacts/test',
      summary:
        "send a test message now to one of the school's saved contacts (never another address): delivered, or why " +
        'not; at most 6 a minute per school (429 beyond); audited',
      roles: 'admin, operator (own regions), school staff (own school)',
      params: z.object({ id: z.string().max(64) }),
      body: z.object({ target: NotifyTarget }),
      response: z.object({ delivered: z.boolean(), reason: z.string().optional() }),
    }),
    async (req, res) => {
      const id = String(req.params.id);
      const { target } = res.locals.body as { target: NotifyTarget };
      const cfg = await currentAlerting(ctx);
      const saved = cfg.schools[id]?.contacts ?? [];
      if (!saved.some((t) => JSON.stringify(t) === JSON.stringify(target)))
        return void res.status(404).json({ error: "not one of the school's saved contacts: save it first" });
      const k = ctx.keys.contactTests(id);
      const [[, n]] = (await ctx.redis.multi().incr(k).expire(k, 60, 'NX').exec()) as [[null, number]];
      if (n > TESTS_PER_MINUTE)
        return void res.status(429).json({ error: `at most ${TESTS_PER_MINUTE} test messages a minute per school` });
      // the same rule as its alerts: only an administrator's target may be internal
      const guarded = !adminTarget(cfg, target);
      const reason = await ctx.alerts.testNotification(target, req.user!.username, guarded);
      await ctx.audit.record({
        ...actor(req),
        action: 'alerting_tested',
        schoolId: id,
        ...testedDetail(target, reason, id),
      });
      res.json(reason ? { delivered: false, reason } : { delivered: true });
    },
  );

  r.get(
    '/alerting',
    validate({
      method: 'get',
      path: '/alerting',
      summary:
        'the alerting configuration in force: rules, escalation, contacts, acknowledgement deadlines (versioned)',
      roles: 'admin',
      response: AlertingConfig,
    }),
    async (_req, res) => void res.json(await currentAlerting(ctx)),
  );

  r.get(
    '/alerting/versions',
    validate({
      method: 'get',
      path: '/alerting/versions',
      summary:
        "the alerting configuration's history, newest first: when each version came into force, who stored it, and " +
        'what it changed (sections; contacts by whose and how many, never an address)',
      roles: 'admin',
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }),
      response: AlertingVersions,
    }),
    async (_req, res) => {
      const { limit } = res.locals.query as { limit: number };
      const [kept, current] = await Promise.all([ctx.alerting.history(limit), currentAlerting(ctx)]);
      const versions = listedVersions(kept, limit).map(({ info, doc, before }) => ({
        ...info,
        ...(doc && before ? versionChanges(alertingChanges(before, doc)) : {}),
      }));
      res.json({ current: current.version, versions });
    },
  );

  r.post(
    '/alerting/versions/:n/restore',
    validate({
      method: 'post',
      path: '/alerting/versions/:n/restore',
      summary:
        'bring an earlier version of the alerting configuration back as the next one; `version` must be the current ' +
        'one + 1 (409 otherwise). What it would add that can no longer be stored — regions, schools or users gone ' +
        "since, a school's webhook to an internal address — refuses it (400, `droppable`), or with `drop` is left " +
        'out (the audit names what)',
      roles: 'admin',
      params: z.object({ n: z.coerce.number().int().nonnegative() }),
      body: z.object({ version: z.int().positive(), drop: z.boolean().default(false) }),
      response: z.object({ version: z.int() }),
    }),
    async (req, res) => {
      const n = (res.locals.params as { n: number }).n;
      const body = res.locals.body as { version: number; drop: boolean };
      const old = await ctx.alerting.version(n);
      if (!old) return void res.status(404).json({ error: 'no such version' });
      let doc: AlertingConfig;
      try {
        doc = parseAlerting({ ...old, version: body.version }, 'body');
      } catch (err) {
        if (!(err instanceof DocumentError)) throw err;
        return void res
          .status(400)
          .json({ error: `version ${n} is no longer a valid configuration`, problems: err.problems });
      }
      const current = await currentAlerting(ctx);
      const refused = await inadmissible(admission, doc, current);
      if (refused.problems.length && !body.drop)
        return void res
          .status(400)
          .json({ ...refusals('invalid alerting configuration', refused.problems), droppable: true });
      const note = refused.problems.length ? leftOut(refused) : undefined;
      if (refused.problems.length) doc = without(doc, refused);
      if (!(await storeAlerting(ctx, actor(req), current, doc, n, note)))
        return void res
          .status(409)
          .json({ error: `the configuration is at version ${current.version}: send version ${current.version + 1}` });
      res.json({ version: doc.version });
    },
  );

  r.get(
    '/alerting/versions/:n',
    validate({
      method: 'get',
      path: '/alerting/versions/:n',
      summary: 'an earlier version of the alerting configuration (who was paged then)',
      roles: 'admin',
      params: z.object({ n: z.coerce.number().int().nonnegative() }),
      response: AlertingConfig,
    }),
    async (_req, res) => {
      const doc = await ctx.alerting.version((res.locals.params as { n: number }).n);
      if (!doc) return void res.status(404).json({ error: 'no such version' });
      res.json(doc);
    },
  );

  r.put(
    '/alerting',
    validate({
      method: 'put',
      path: '/alerting',
      summary:
        'replace the alerting configuration: its version must be the current one + 1 (409 otherwise); every ' +
        'problem is listed (400): regions, schools and users it names must exist',
      roles: 'admin',
      body: z.unknown(),
      response: z.object({ version: z.int() }),
    }),
    async (req, res) => {
      let doc: AlertingConfig;
      try {
        doc = parseAlerting(req.body, 'body');
      } catch (err) {
        if (err instanceof DocumentError)
          return void res.status(400).json({
            error: 'invalid alerting configuration',
            problems: err.problems,
            problemsLocalized: err.localized,
          });
        throw err;
      }
      const current = await currentAlerting(ctx);
      const { problems } = await inadmissible(admission, doc, current);
      if (problems.length) return void res.status(400).json(refusals('invalid alerting configuration', problems));
      if (!(await storeAlerting(ctx, actor(req), current, doc)))
        return void res
          .status(409)
          .json({ error: `the configuration is at version ${current.version}: send version ${current.version + 1}` });
      res.json({ version: doc.version });
    },
  );
  r.post(
    '/alerting/test',
    validate({
      method: 'post',
      path: '/alerting/test',
      summary:
        'send a test message to one target now (an address checked before alerts depend on it): delivered, or why ' +
        'not (audited)',
      roles: 'admin',
      body: z.object({ target: NotifyTarget }),
      response: z.object({ delivered: z.boolean(), reason: z.string().optional() }),
    }),
    async (req, res) => {
      const { target } = res.locals.body as { target: NotifyTarget };
      const reason = await ctx.alerts.testNotification(target, req.user!.username);
      await ctx.audit.record({
        ...actor(req),
        action: 'alerting_tested',
        ...testedDetail(target, reason),
      });
      res.json(reason ? { delivered: false, reason } : { delivered: true });
    },
  );
  return r;
}

/** A version's changes as its history lists them: the audit's line, and the items (the first ones, how many more). */
function versionChanges(changes: AlertingChange[]): Pick<AlertingVersion, 'change' | 'changes' | 'more'> {
  return { change: changes.map(alertingChangeText).join('; ').slice(0, 2000), ...listedChanges(changes) };
}

/** A test message's outcome for the audit log: to which target (by its label), delivered or why not; of which school. */
function testedDetail(target: NotifyTarget, reason: string | undefined, school?: string) {
  const label = { target: targetLabel(target) };
  if (school)
    return reason
      ? auditDetail('school_test_failed', { ...label, school, reason })
      : auditDetail('school_test_delivered', { ...label, school });
  return reason ? auditDetail('test_failed', { ...label, reason }) : auditDetail('test_delivered', label);
}
