import { join } from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { adminRoutes } from './admin-routes.ts';
import { alertRoutes } from './alert-routes.ts';
import { alertingRoutes } from './alerting-routes.ts';
import { apiTokenRoutes } from './api-token-routes.ts';
import { archiveRoutes } from './archive-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { complianceRoutes } from './compliance-routes.ts';
import type { AppContext, Readiness } from './context.ts';
import { integrityRoutes } from './integrity-routes.ts';
import { sameOriginOnly } from './origin.ts';
import { overviewRoutes } from './overview-routes.ts';
import { registryImportRoutes } from './registry-import-routes.ts';
import { registryRoutes } from './registry-routes.ts';
import { requirementsRoutes } from './requirements-routes.ts';
import { loadUser } from './session.ts';
import { snapshotRoutes } from './snapshot-routes.ts';
import { openApiDocument } from './validate.ts';

/** the queue view's (bull-board's) web font links, removed from its page */
const WEB_FONTS = /<link[^>]+fonts\.(googleapis|gstatic)\.com[^>]*>/g;

/** The express app: /api/v1 (zod-validated, role-scoped), OpenAPI, health, readiness and metrics. */
export function createApp(ctx: AppContext, ready: () => Promise<Readiness>) {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-* only from the configured proxy: otherwise any client could pick its own address (login limits)
  app.set('trust proxy', ctx.trustProxy ?? false);
  app.use(
    helmet({
      // served over plain HTTP inside a school network or behind a TLS proxy: never rewrite to https by itself
      // live video plays from a MediaSource object URL (blob:), nothing else from elsewhere
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, mediaSrc: ["'self'", 'blob:'] } },
    }),
  );
  // the registry (a national export) is the one large body: its own limits, parsed before the default parser
  app.use(
    '/api/v1/registry',
    express.json({ limit: '20mb' }),
    express.text({ type: ['text/csv', 'text/plain'], limit: '20mb' }),
  );
  app.use(express.json({ limit: '256kb' }));
  app.use(cookieParser());
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.get('/readyz', async (_req, res) => {
    const r = await ready();
    res.status(r.ok ? 200 : 503).json(r);
  });
  if (!ctx.metricsElsewhere) app.get('/metrics', metricsHandler(ctx));
  // the jobs UI (bull-board), for admins only; its page needs inline scripts, so it gets its own CSP
  const board = new ExpressAdapter();
  board.setBasePath('/admin/queues');
  createBullBoard({
    queues: [ctx.alerts.queue, ctx.alerts.linkQueue, ctx.alerts.notifyQueue].map((q) => new BullMQAdapter(q)),
    serverAdapter: board,
  });
  app.use(
    '/admin/queues',
    sameOriginOnly(ctx.allowedOrigins),
    loadUser(ctx.users),
    (req, res, next) => {
      if (req.user?.role !== 'admin') return void res.status(req.user ? 403 : 401).json({ error: 'admin only' });
      res.setHeader(
        'content-security-policy',
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
      );
      // its page asks Google for web fonts: refused by that policy (console errors) and a request to the internet
      // from an operator's browser for nothing; without the link it uses the system's fonts
      const render = res.render.bind(res);
      res.render = ((view: string, options?: object) =>
        render(view, options ?? {}, (err: Error | null, html?: string) =>
          err ? next(err) : void res.send((html ?? '').replace(WEB_FONTS, '')),
        )) as typeof res.render;
      next();
    },
    board.getRouter(),
  );
  const api = express.Router();
  api.use(sameOriginOnly(ctx.allowedOrigins));
  api.use(loadUser(ctx.users, ctx.apiTokens));
  api.use(authRoutes(ctx));
  api.use(adminRoutes(ctx));
  api.use(registryRoutes(ctx));
  api.use(overviewRoutes(ctx));
  api.use(alertRoutes(ctx));
  api.use(alertingRoutes(ctx));
  api.use(snapshotRoutes(ctx));
  api.use(integrityRoutes(ctx));
  api.use(requirementsRoutes(ctx));
  api.use(complianceRoutes(ctx));
  api.use(registryImportRoutes(ctx));
  api.use(archiveRoutes(ctx));
  api.use(apiTokenRoutes(ctx));
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
  app.use(
    (
      err: Error & { status?: number; statusCode?: number; type?: string },
      req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      if (res.headersSent) return void res.end();
      if (err.type === 'entity.parse.failed') return void res.status(400).json({ error: 'body is not valid JSON' });
      if (err.type === 'entity.too.large') return void res.status(413).json({ error: 'body too large' });
      if (err.type === 'charset.unsupported' || err.type === 'encoding.unsupported')
        return void res.status(415).json({ error: err.message });
      if (err instanceof URIError) return void res.status(400).json({ error: 'malformed percent-encoding' });
      // the client's mistakes (bad encodings, a missing asset, …) say so, with their own status
      const status = err.status ?? err.statusCode;
      if (status && status >= 400 && status < 500)
        return void res.status(status).json({ error: status === 404 ? 'not found' : err.message });
      // the archive found a missing or altered object: say which (an auditor must know), never hide it
      if (err.name === 'ArchiveError') return void res.status(500).json({ error: err.message });
      // the store is unreachable: say so quickly (see /readyz), never hang
      if (isUnavailable(err)) return void res.status(503).json({ error: 'service unavailable, try again shortly' });
      ctx.log?.error({ err, path: req.path }, 'request failed');
      res.status(500).json({ error: 'internal error' });
    },
  );
  return app;
}

/** Errors of a store that is down or refusing writes (ioredis offline queue off, connection lost, OOM…). */
export function isUnavailable(err: Error): boolean {
  return /Connection is closed|Stream isn't writeable|enableOfflineQueue|ECONNREFUSED|LOADING|MISCONF|OOM|timed out|store is empty/i.test(
    err.message,
  );
}

/** /metrics: with a token, only for its bearer; without, only for loopback clients (Prometheus next to it). */
export function metricsHandler(ctx: Pick<AppContext, 'metrics' | 'metricsToken'>) {
  return async (req: Request, res: Response) => {
    const loopback = /^(127\.|::1$|::ffff:127\.)/.test(req.socket.remoteAddress ?? '');
    const ok = ctx.metricsToken ? req.headers.authorization === `Bearer ${ctx.metricsToken}` : loopback;
    if (!ok) return void res.status(ctx.metricsToken ? 401 : 403).json({ error: 'metrics are not public' });
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  };
}
