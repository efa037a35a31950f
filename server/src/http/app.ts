import { join } from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { adminRoutes } from './admin-routes.ts';
import { alertRoutes } from './alert-routes.ts';
import { authRoutes } from './auth-routes.ts';
import type { AppContext } from './context.ts';
import { integrityRoutes } from './integrity-routes.ts';
import { overviewRoutes } from './overview-routes.ts';
import { registryRoutes } from './registry-routes.ts';
import { loadUser } from './session.ts';
import { snapshotRoutes } from './snapshot-routes.ts';
import { openApiDocument } from './validate.ts';

/** The express app: /api/v1 (zod-validated, role-scoped), OpenAPI, health, readiness and metrics. */
export function createApp(ctx: AppContext, ready: () => boolean) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      // served over plain HTTP inside a school network or behind a TLS proxy: never rewrite to https by itself
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  app.use(express.json({ limit: '256kb' }));
  app.use(cookieParser());
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.get('/readyz', async (_req, res) => {
    const redisOk = await ctx.redis.ping().then(
      () => true,
      () => false,
    );
    res.status(redisOk && ready() ? 200 : 503).json({ redis: redisOk, ready: ready() });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  // the jobs UI (bull-board), for admins only; its page needs inline scripts, so it gets its own CSP
  const board = new ExpressAdapter();
  board.setBasePath('/admin/queues');
  createBullBoard({
    queues: [ctx.alerts.queue, ctx.alerts.linkQueue, ctx.alerts.notifyQueue].map((q) => new BullMQAdapter(q)),
    serverAdapter: board,
  });
  app.use(
    '/admin/queues',
    loadUser(ctx.users),
    (req, res, next) => {
      if (req.user?.role !== 'admin') return void res.status(req.user ? 403 : 401).json({ error: 'admin only' });
      res.setHeader(
        'content-security-policy',
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
      );
      next();
    },
    board.getRouter(),
  );
  const api = express.Router();
  api.use(loadUser(ctx.users));
  api.use(authRoutes(ctx));
  api.use(adminRoutes(ctx));
  api.use(registryRoutes(ctx));
  api.use(overviewRoutes(ctx));
  api.use(alertRoutes(ctx));
  api.use(snapshotRoutes(ctx));
  api.use(integrityRoutes(ctx));
  app.use('/api/v1', api);
  const doc = openApiDocument();
  app.get('/api/openapi.json', (_req, res) => void res.json(doc));
  if (ctx.dashboardDir) {
    const dir = ctx.dashboardDir;
    // hashed assets are immutable; index.html is always revalidated
    app.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }));
    app.use(express.static(dir, { index: false, maxAge: 0 }));
    app.get(/^\/(?!api\/|agent\/|admin\/queues|metrics|healthz|readyz).*/, (_req, res) =>
      res.sendFile(join(dir, 'index.html'), { headers: { 'cache-control': 'no-cache' } }),
    );
  }
  app.use((_req, res) => void res.status(404).json({ error: 'not found' }));
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.parse.failed') return void res.status(400).json({ error: 'body is not valid JSON' });
    if (err.type === 'entity.too.large') return void res.status(413).json({ error: 'body too large' });
    res.status(500).json({ error: 'internal error' });
  });
  return app;
}
