import {
  AgentId,
  AgentInfo,
  auditDetail,
  EnrolmentCode,
  EnrolmentCodeRequest,
  EnrolRequest,
  EnrolResponse,
  NewUser,
  PasswordReset,
  refusal,
  User,
  UserChange,
  UserRow,
} from '@kuzet/protocol';
import { Router } from 'express';
import { z } from 'zod';
import { withListing, withSchoolNames } from '../services/admin-lists.ts';
import type { AppContext } from './context.ts';
import { actor, requireRole } from './session.ts';
import { validate } from './validate.ts';

export function adminRoutes(ctx: AppContext): Router {
  const r = Router();
  const admin = requireRole('admin');
  /**
   * What is wrong with a user's role and scope, if anything (the refusal's body): an operator needs a region, school
   * staff a school, and every region must be one.
   */
  const scopeProblem = async (u: { role: string; regions: string[]; schoolId?: string }) => {
    if (u.role === 'operator' && u.regions.length === 0) return refusal('operator_needs_region');
    if (u.role === 'school' && !(u.schoolId && (await ctx.registry.school(u.schoolId))))
      return refusal('school_needed');
    const unknown = await ctx.registry.unknownRegions(u.regions);
    if (unknown.length) return refusal('regions_unknown', { regions: unknown.join(', ') });
    return undefined;
  };

  // public: a school trades its one-time code for the agent's token
  r.post(
    '/enrol',
    validate({
      method: 'post',
      path: '/enrol',
      summary: 'agent enrolment: one-time code → long-lived token',
      roles: 'anyone with a valid code',
      body: EnrolRequest,
      response: EnrolResponse,
    }),
    async (req, res) => {
      const { code, hostname } = res.locals.body as { code: string; hostname?: string };
      const out = await ctx.agents.enrol(code, hostname);
      if (!out) return void res.status(403).json({ error: 'unknown, used or expired enrolment code' });
      // the token it replaces stops working: its links close everywhere
      if (out.replaced)
        await ctx.bus.publishControl({ kind: 'token_revoked', agentId: out.agentId, tokenHash: out.replaced });
      await ctx.audit.record({
        username: '-',
        role: 'agent',
        action: 'agent_enrolled',
        agentId: out.agentId,
        ip: req.ip,
        ...(hostname ? auditDetail(out.replaced ? 'agent_host_replaced' : 'agent_host', { host: hostname }) : {}),
      });
      res.json({ agentId: out.agentId, token: out.token });
    },
  );

  r.post(
    '/enrolment-codes',
    admin,
    validate({
      method: 'post',
      path: '/enrolment-codes',
      summary: 'issue a one-time enrolment code for an agent of a school',
      roles: 'admin',
      body: EnrolmentCodeRequest,
      response: EnrolmentCode,
    }),
    async (req, res) => {
      const { agentId, schoolId } = res.locals.body as { agentId: string; schoolId: string };
      const school = await ctx.registry.school(schoolId);
      if (!school) return void res.status(404).json(refusal('school_unknown', { school: schoolId }));
      if (!school.agents.includes(agentId))
        return void res.status(400).json(refusal('agent_not_listed', { agent: agentId, school: schoolId }));
      const { code, expiresAt } = await ctx.agents.createEnrolmentCode(agentId, schoolId);
      await ctx.audit.record({
        ...actor(req),
        action: 'enrolment_code',
        agentId,
        schoolId,
      });
      res.json({ code, agentId, schoolId, expiresAt });
    },
  );

  r.get(
    '/agents',
    admin,
    validate({
      method: 'get',
      path: '/agents',
      summary: 'agents and their links',
      roles: 'admin',
      response: z.array(AgentInfo),
    }),
    async (_req, res) => {
      res.json(await withListing(await ctx.agents.list(), ctx.registry));
    },
  );

  r.post(
    '/agents/:id/revoke',
    admin,
    validate({
      method: 'post',
      path: '/agents/:id/revoke',
      summary: "revoke an agent's token",
      roles: 'admin',
      params: z.object({ id: AgentId }),
    }),
    async (req, res) => {
      const agentId = (res.locals.params as { id: string }).id;
      const tokenHash = await ctx.agents.revoke(agentId);
      if (!tokenHash) return void res.status(404).json({ error: 'no such enrolled agent' });
      // its open link closes now, on whichever instance holds it, before this answer goes out
      await ctx.bus.publishControl({ kind: 'token_revoked', agentId, tokenHash });
      await ctx.audit.record({
        ...actor(req),
        action: 'agent_revoked',
        agentId,
      });
      ctx.log?.warn({ agentId, by: req.user!.username }, 'agent revoked');
      res.json({ revoked: true });
    },
  );

  r.get(
    '/users',
    admin,
    validate({
      method: 'get',
      path: '/users',
      summary: "users, school staff with their school's names",
      roles: 'admin',
      response: z.array(UserRow),
    }),
    async (_req, res) => {
      res.json(await withSchoolNames(await ctx.users.list(), ctx.registry));
    },
  );

  r.post(
    '/users',
    admin,
    validate({
      method: 'post',
      path: '/users',
      summary: 'create a user',
      roles: 'admin',
      body: NewUser,
      response: User,
    }),
    async (req, res) => {
      const u = res.locals.body as z.infer<typeof NewUser>;
      const problem = await scopeProblem(u);
      if (problem) return void res.status(400).json(problem);
      if (!(await ctx.users.create(u))) return void res.status(409).json(refusal('user_exists', { name: u.username }));
      await ctx.audit.record({
        ...actor(req),
        action: 'user_created',
        detail: `${u.username} (${u.role}${u.regions.length ? ` ${u.regions.join(',')}` : ''}${u.schoolId ? ` ${u.schoolId}` : ''})`,
      });
      res.json(await ctx.users.get(u.username));
    },
  );

  r.put(
    '/users/:name',
    admin,
    validate({
      method: 'put',
      path: '/users/:name',
      summary: "change a user's role and scope (regions, school): effective at their next request",
      roles: 'admin',
      params: z.object({ name: z.string().min(1).max(40) }),
      body: UserChange,
      response: User,
    }),
    async (req, res) => {
      const name = (res.locals.params as { name: string }).name;
      const u = res.locals.body as z.infer<typeof UserChange>;
      // an administrator who demoted themselves could be left with nobody to undo it
      if (name === req.user!.username && u.role !== 'admin') return void res.status(400).json(refusal('own_role'));
      const problem = await scopeProblem(u);
      if (problem) return void res.status(400).json(problem);
      const before = await ctx.users.get(name);
      if (!before || !(await ctx.users.update(name, u))) return void res.status(404).json({ error: 'no such user' });
      const scope = (x: { role: string; regions: string[]; schoolId?: string }) =>
        `${x.role}${x.regions.length ? ` ${x.regions.join(',')}` : ''}${x.schoolId ? ` ${x.schoolId}` : ''}`;
      await ctx.audit.record({
        ...actor(req),
        action: 'user_updated',
        detail: `${name}: ${scope(before)} → ${scope(u)}`,
      });
      res.json(await ctx.users.get(name));
    },
  );
  r.put(
    '/users/:name/password',
    admin,
    validate({
      method: 'put',
      path: '/users/:name/password',
      summary: "set a user's password (a forgotten one): every session of theirs ends",
      roles: 'admin',
      params: z.object({ name: z.string().min(1).max(40) }),
      body: PasswordReset,
      response: z.object({ ok: z.literal(true) }),
    }),
    async (req, res) => {
      const name = (res.locals.params as { name: string }).name;
      const { password } = res.locals.body as z.infer<typeof PasswordReset>;
      if (!(await ctx.users.setPassword(name, password))) return void res.status(404).json({ error: 'no such user' });
      await ctx.audit.record({ ...actor(req), action: 'password_reset', detail: name });
      res.json({ ok: true });
    },
  );
  r.delete(
    '/users/:name',
    admin,
    validate({
      method: 'delete',
      path: '/users/:name',
      summary: 'delete a user',
      roles: 'admin',
      params: z.object({ name: z.string().min(1) }),
    }),
    async (req, res) => {
      const name = (res.locals.params as { name: string }).name;
      const ok = await ctx.users.delete(name);
      if (!ok) return void res.status(404).json({ error: 'no such user' });
      await ctx.audit.record({
        ...actor(req),
        action: 'user_deleted',
        detail: name,
      });
      res.json({ deleted: true });
    },
  );
  return r;
}
