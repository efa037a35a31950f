import {
  AlertingConfig,
  type Contacts,
  type Localized,
  NotifyTarget,
  problemText,
  refusals,
  targetLabel,
} from '@kuzet/protocol';
import { Router } from 'express';
import { z } from 'zod';
import { parseAlerting } from '../repositories/alerting.ts';
import { DocumentError } from '../repositories/versioned-doc.ts';
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
  for (const name of new Set([...Object.keys(a.people), ...Object.keys(b.people)]))
    if (!same(a.people[name], b.people[name]))
      parts.push(`${name}'s contacts: ${a.people[name]?.length ?? 0} → ${b.people[name]?.length ?? 0}`);
  for (const k of ['escalation', 'ackSlaMinutes', 'rules', 'regions', 'schools'] as const)
    if (!same(a[k], b[k])) parts.push(k === 'regions' || k === 'schools' ? `rules per ${k.slice(0, -1)}` : k);
  return parts.join('; ');
}
