import {
  AlertingConfig,
  type Contacts,
  type Localized,
  MAX_TARGETS,
  NotifyTarget,
  problemText,
  refusals,
  SchoolContacts,
  targetLabel,
} from '@kuzet/protocol';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { parseAlerting } from '../repositories/alerting.ts';
import { DocumentError } from '../repositories/versioned-doc.ts';
import { schoolAllowed } from '../services/access.ts';
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
      const cfg = (await ctx.alerting.current()) ?? ctx.alerts.alerting;
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
      // a change of one school's part: made against whatever version is stored, again if another came first
      for (let attempt = 0; attempt < 5; attempt++) {
        const cur = (await ctx.alerting.current()) ?? ctx.alerts.alerting;
        const schools = { ...cur.schools };
        const rules = schools[id]?.rules ?? {};
        if (contacts.length || Object.keys(rules).length) schools[id] = { rules, contacts };
        else delete schools[id];
        const next: AlertingConfig = { ...cur, version: cur.version + 1, schools };
        if (!(await ctx.alerting.replace(next, cur.version))) continue;
        ctx.alerts.setConfig(next);
        await ctx.audit.record({
          ...actor(req),
          action: 'alerting_changed',
          detail: describeAlertingChange(cur, next),
        });
        await ctx.bus.publishControl({ kind: 'alerting_changed', version: next.version });
        return void res.json({ contacts, version: next.version });
      }
      res.status(409).json({ error: 'the alerting configuration kept changing meanwhile: try again' });
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
    async (_req, res) => void res.json((await ctx.alerting.current()) ?? ctx.alerts.alerting),
  );

  r.get(
    '/alerting/versions/:n',
    validate({
      method: 'get',
      path: '/alerting/versions/:n',
      summary: 'an earlier version of the alerting configuration (who was paged then)',
      roles: 'admin',
      params: z.object({ n: z.coerce.number().int().positive() }),
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
      const problems = await unknownNames(ctx, doc);
      if (problems.length) return void res.status(400).json(refusals('invalid alerting configuration', problems));
      const current = (await ctx.alerting.current()) ?? ctx.alerts.alerting;
      if (!(await ctx.alerting.replace(doc, current.version)))
        return void res
          .status(409)
          .json({ error: `the configuration is at version ${current.version}: send version ${current.version + 1}` });
      ctx.alerts.setConfig(doc);
      await ctx.audit.record({
        ...actor(req),
        action: 'alerting_changed',
        detail: describeAlertingChange(current, doc),
      });
      await ctx.bus.publishControl({ kind: 'alerting_changed', version: doc.version });
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
        detail: `${targetLabel(target)}: ${reason ?? 'delivered'}`,
      });
      res.json(reason ? { delivered: false, reason } : { delivered: true });
    },
  );
  return r;
}

/** The regions, schools and users a configuration names that do not exist ('*' is every region). */
async function unknownNames(ctx: AppContext, doc: AlertingConfig): Promise<Localized[]> {
  const out: Localized[] = [];
  const regions = [...new Set([...Object.keys(doc.contacts), ...Object.keys(doc.regions)])].filter((c) => c !== '*');
  const unknown = await ctx.registry.unknownRegions(regions);
  if (unknown.length) out.push(problemText('regions_unknown', { regions: unknown.join(', ') }));
  for (const id of Object.keys(doc.schools))
    if (!(await ctx.registry.school(id))) out.push(problemText('school_unknown', { school: id }));
  for (const name of Object.keys(doc.people))
    if (!(await ctx.users.get(name))) out.push(problemText('user_unknown', { name }));
  return out;
}

const LEVELS = ['operators', 'duty', 'akimat'] as const satisfies readonly (keyof Contacts)[];

/** What changed, for the audit log: the sections and, for contacts, which region's level (no addresses). */
export function describeAlertingChange(a: AlertingConfig, b: AlertingConfig): string {
  const parts: string[] = [`v${a.version} → v${b.version}`];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  for (const region of new Set([...Object.keys(a.contacts), ...Object.keys(b.contacts)]))
    for (const level of LEVELS) {
      const before = a.contacts[region]?.[level] ?? [];
      const after = b.contacts[region]?.[level] ?? [];
      if (!same(before, after)) parts.push(`contacts ${region} ${level}: ${before.length} → ${after.length}`);
    }
  for (const id of new Set([...Object.keys(a.schools), ...Object.keys(b.schools)])) {
    const before = a.schools[id]?.contacts ?? [];
    const after = b.schools[id]?.contacts ?? [];
    if (!same(before, after)) parts.push(`school ${id} contacts: ${before.length} → ${after.length}`);
  }
  for (const name of new Set([...Object.keys(a.people), ...Object.keys(b.people)]))
    if (!same(a.people[name], b.people[name]))
      parts.push(`${name}'s contacts: ${a.people[name]?.length ?? 0} → ${b.people[name]?.length ?? 0}`);
  const rulesOf = (c: AlertingConfig) =>
    Object.entries(c.schools).flatMap(([id, x]) => (Object.keys(x.rules).length ? [[id, x.rules]] : []));
  for (const k of ['escalation', 'ackSlaMinutes', 'rules', 'regions'] as const)
    if (!same(a[k], b[k])) parts.push(k === 'regions' ? 'rules per region' : k);
  if (!same(rulesOf(a), rulesOf(b))) parts.push('rules per school');
  return parts.join('; ');
}
