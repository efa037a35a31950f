import type { User } from '@kuzet/protocol';
import type { NextFunction, Request, Response } from 'express';
import type { ApiTokenRepository } from '../repositories/api-tokens.ts';
import type { UserRepository } from '../repositories/users.ts';

export const SESSION_COOKIE = 'kuzet_session';

export function sessionIdFrom(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== SESSION_COOKIE) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined; // a malformed cookie is no session
    }
  }
  return undefined;
}

declare global {
  namespace Express {
    interface Request {
      user?: User;
      sessionId?: string;
      /** the request came with an API token (read-only) */
      apiToken?: string;
    }
  }
}

/** Who made a request, as the audit log records it (for routes behind requireRole: the user is there). */
export const actor = (req: Request) => ({ username: req.user!.username, role: req.user!.role, ip: req.ip });

/**
 * Loads the session user (if any) for every request; without a session, an API token (`Authorization: Bearer
 * kzt_…`) acts as a read-only auditor of its regions: anything but GET with one is refused.
 */
export function loadUser(users: UserRepository, tokens?: ApiTokenRepository) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const sid = sessionIdFrom(req.headers.cookie);
    if (sid) {
      req.user = await users.sessionUser(sid);
      req.sessionId = sid;
    }
    const auth = req.headers.authorization;
    if (!req.user && tokens && auth?.startsWith('Bearer ')) {
      const t = await tokens.user(auth.slice(7).trim());
      if (!t) return void res.status(401).json({ error: 'unknown or revoked API token' });
      const { tokenId, ...user } = t;
      req.user = user;
      req.apiToken = tokenId;
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return void res.status(403).json({ error: 'API tokens are read-only' });
    }
    next();
  };
}

export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (!req.user) {
    res.status(401).json({ error: 'login required' });
    return;
  }
  next();
}

export function requireRole(...roles: User['role'][]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) return void res.status(401).json({ error: 'login required' });
    if (!roles.includes(req.user.role)) return void res.status(403).json({ error: 'not allowed for your role' });
    next();
  };
}
