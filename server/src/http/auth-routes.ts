import { auditDetail, Login, PasswordChange, User } from '@kuzet/protocol';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from './context.ts';
import { actor, SESSION_COOKIE } from './session.ts';
import { validate } from './validate.ts';

/**
 * Guessing passwords is slowed per user name *and* address: after FREE_FAILURES failures from one address for one
 * name, that address waits 2, 4, 8 … s (at most MAX_WAIT_S) before trying that name again. The right password from
 * anywhere else is never refused (a lockout per user name let anyone lock `admin` out by failing ten times). An
 * address failing for many names at once is slowed as a whole. Failures are forgotten after FORGET_S.
 */
const FREE_FAILURES = 5;
const MAX_WAIT_S = 300;
const FORGET_S = 900;
const MAX_FAILURES_PER_ADDRESS = 100;

/** seconds to wait before the next attempt after `failures` failures */
export const loginWait = (failures: number) =>
  failures < FREE_FAILURES ? 0 : Math.min(MAX_WAIT_S, 2 ** (failures - FREE_FAILURES + 1));

/** Opens a session for the user and sets its cookie. */
async function startSession(ctx: AppContext, req: Request, res: Response, username: string): Promise<void> {
  const sid = await ctx.users.createSession(username, ctx.sessionHours);
  res.cookie(SESSION_COOKIE, sid, {
    httpOnly: true,
    sameSite: 'strict',
    // Secure whenever the request came over TLS (directly, or through the trusted proxy), unless configured
    secure: ctx.secureCookies ?? req.secure,
    maxAge: ctx.sessionHours * 3600_000,
    path: '/',
  });
}

export function authRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post(
    '/auth/login',
    validate({
      method: 'post',
      path: '/auth/login',
      summary: 'log in (sets the session cookie)',
      roles: 'anyone',
      body: Login,
      response: User,
    }),
    async (req, res) => {
      const { username, password } = res.locals.body as { username: string; password: string };
      const ip = req.ip ?? '';
      // failures per (name, address) and per address, shared by all instances
      const pair = ctx.keys.lock(`login:fail:${ip}:${username}`);
      const addr = ctx.keys.lock(`login:fail:${ip}`);
      const [[, f], [, lastAt], [, a]] = (await ctx.redis
        .multi()
        .hget(pair, 'n')
        .hget(pair, 'at')
        .get(addr)
        .exec()) as [[unknown, string | null], [unknown, string | null], [unknown, string | null]];
      const failures = Number(f ?? 0);
      const waitMs = loginWait(failures) * 1000 - (Date.now() - Number(lastAt ?? 0));
      const audit = (action: 'login' | 'login_failed' | 'login_throttled', said?: ReturnType<typeof auditDetail>) =>
        ctx.audit.record({ username: username.slice(0, 40), role: '-', action, ip, ...said });
      if (waitMs > 0 || Number(a ?? 0) >= MAX_FAILURES_PER_ADDRESS) {
        const retry = Math.max(1, Math.ceil(waitMs > 0 ? waitMs / 1000 : FORGET_S));
        await audit('login_throttled', auditDetail('login_throttled', { failures, retry }));
        ctx.log?.warn({ username, ip, failures }, 'login throttled');
        res.setHeader('Retry-After', String(retry));
        return void res.status(429).json({ error: `too many failed logins from here: try again in ${retry} s` });
      }
      const user = await ctx.users.checkPassword(username, password);
      if (!user) {
        await ctx.redis
          .multi()
          .hincrby(pair, 'n', 1)
          .hset(pair, 'at', Date.now())
          .expire(pair, FORGET_S)
          .incr(addr)
          .expire(addr, FORGET_S)
          .exec();
        await audit('login_failed');
        ctx.log?.warn({ username, ip, failures: failures + 1 }, 'login failed');
        return void res.status(401).json({ error: 'wrong user name or password' });
      }
      await ctx.redis.del(pair);
      await startSession(ctx, req, res, user.username);
      await ctx.audit.record({ username: user.username, role: user.role, action: 'login', ip });
      res.json(user);
    },
  );
  r.post(
    '/auth/logout',
    validate({ method: 'post', path: '/auth/logout', summary: 'log out', roles: 'any logged-in user' }),
    async (req, res) => {
      if (req.sessionId) await ctx.users.endSession(req.sessionId);
      if (req.user) await ctx.audit.record({ ...actor(req), action: 'logout' });
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.json({ ok: true });
    },
  );
  r.get(
    '/auth/me',
    validate({ method: 'get', path: '/auth/me', summary: 'who am I', roles: 'any logged-in user', response: User }),
    (req, res) => {
      if (!req.user) return void res.status(401).json({ error: 'login required' });
      res.json(req.user);
    },
  );
  r.put(
    '/auth/password',
    validate({
      method: 'put',
      path: '/auth/password',
      summary:
        "change one's own password (the current one with it): every other session of the user ends, this one " +
        'goes on under a new cookie',
      roles: 'any logged-in user (a session, not an API token)',
      body: PasswordChange,
      response: z.object({ ok: z.literal(true) }),
    }),
    async (req, res) => {
      if (!req.user || !req.sessionId) return void res.status(401).json({ error: 'login required' });
      const { current, password } = res.locals.body as z.infer<typeof PasswordChange>;
      if (!(await ctx.users.checkPassword(req.user.username, current))) {
        await ctx.audit.record({
          ...actor(req),
          action: 'login_failed',
          ...auditDetail('wrong_current_password'),
        });
        return void res.status(403).json({ error: 'the current password is wrong' });
      }
      if (current === password) return void res.status(400).json({ error: 'the new password is the current one' });
      await ctx.users.setPassword(req.user.username, password);
      await ctx.users.endSession(req.sessionId);
      await startSession(ctx, req, res, req.user.username);
      await ctx.audit.record({ ...actor(req), action: 'password_changed' });
      res.json({ ok: true });
    },
  );
  r.get(
    '/auth/session',
    validate({
      method: 'get',
      path: '/auth/session',
      summary: 'the current session, if any (200 either way: for a page deciding whether to show its login form)',
      roles: 'anyone',
      response: z.object({ user: User.nullable() }),
    }),
    (req, res) => void res.json({ user: req.user ?? null }),
  );
  return r;
}
