import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/**
 * Cross-origin guard. A cookie session is sent by the browser with requests from any page of the same *site* —
 * another port of the same host included (SameSite does not tell ports apart) — so state-changing requests and the
 * live socket must come from the dashboard's own origin: the Host it was reached at, the public URL, or one of the
 * configured origins. A request that names no Origin and no fetch site (curl, agents, other servers) is not a
 * browser's cross-site request and passes.
 */
export function originAllowed(
  req: IncomingMessage,
  allowed: ReadonlySet<string>,
  encrypted = Boolean((req.socket as { encrypted?: boolean }).encrypted),
): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return false;
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.has(origin)) return true;
  const host = req.headers.host;
  if (!host) return false;
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0];
  const schemes = new Set([encrypted ? 'https' : 'http', forwarded].filter(Boolean));
  for (const s of schemes) if (origin === `${s}://${host}`) return true;
  return false;
}

/** The origins allowed besides the request's own: the public URL's and the configured ones. */
export function allowedOrigins(publicUrl: string | undefined, extra: string[]): Set<string> {
  const out = new Set<string>();
  for (const u of [publicUrl, ...extra]) {
    if (!u) continue;
    try {
      out.add(new URL(u).origin);
    } catch {
      /* validated at start */
    }
  }
  return out;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sameOriginOnly(allowed: ReadonlySet<string>) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE.has(req.method) || originAllowed(req, allowed, req.secure)) return next();
    res.status(403).json({ error: 'cross-origin request refused' });
  };
}
