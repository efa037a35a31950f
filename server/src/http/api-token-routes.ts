import { ApiTokenInfo, auditDetail, CreatedApiToken, NewApiToken, refusal } from '@kuzet/protocol';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from './context.ts';
import { actor, requireRole } from './session.ts';
import { validate } from './validate.ts';

/** Read-only API tokens for other state systems (admins make, list and revoke them; each change audited). */
export function apiTokenRoutes(ctx: AppContext): Router {
  const r = Router();
  const admin = requireRole('admin');

  r.get(
    '/api-tokens',
    admin,
    validate({
      method: 'get',
      path: '/api-tokens',
      summary: 'the API tokens (never the tokens themselves: only their hashes are kept)',
      roles: 'admin',
      response: z.array(ApiTokenInfo),
    }),
    async (_req, res) => void res.json(await ctx.apiTokens.list()),
  );

  r.post(
    '/api-tokens',
    admin,
    validate({
      method: 'post',
      path: '/api-tokens',
      summary:
        'make a read-only token for another system, scoped to regions (none: the whole country); it is sent as ' +
        '`Authorization: Bearer <token>`, acts as an auditor of those regions, and is shown only in this answer',
      roles: 'admin',
      body: NewApiToken,
      response: CreatedApiToken,
    }),
    async (req, res) => {
      const b = res.locals.body as z.infer<typeof NewApiToken>;
      const unknown = await ctx.registry.unknownRegions(b.regions);
      if (unknown.length) return void res.status(400).json(refusal('regions_unknown', { regions: unknown.join(', ') }));
      const t = await ctx.apiTokens.create({ ...b, createdBy: req.user!.username });
      await ctx.audit.record({
        ...actor(req),
        action: 'api_token_created',
        ...(t.regions.length
          ? auditDetail('token_regions', { id: t.id, name: t.name, regions: t.regions.join(',') })
          : auditDetail('token_country', { id: t.id, name: t.name })),
      });
      res.json(t);
    },
  );

  r.delete(
    '/api-tokens/:id',
    admin,
    validate({
      method: 'delete',
      path: '/api-tokens/:id',
      summary: 'revoke a token: refused from the next request on',
      roles: 'admin',
      params: z.object({ id: z.string().regex(/^[0-9a-f]{12}$/) }),
    }),
    async (req, res) => {
      const t = await ctx.apiTokens.revoke((res.locals.params as { id: string }).id);
      if (!t) return void res.status(404).json({ error: 'no such token' });
      await ctx.audit.record({
        ...actor(req),
        action: 'api_token_revoked',
        ...auditDetail('token', { id: t.id, name: t.name }),
      });
      res.json({ ok: true });
    },
  );
  return r;
}
