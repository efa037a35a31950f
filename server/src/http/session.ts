import type { User } from '@kuzet/protocol';
import type { NextFunction, Request, Response } from 'express';
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
    }
  }
}

/** Loads the session user (if any) for every request. */
export function loadUser(users: UserRepository) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const sid = sessionIdFrom(req.headers.cookie);
    if (sid) {
      req.user = await users.sessionUser(sid);
      req.sessionId = sid;
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
