import { Login, User } from '@kuzet/protocol';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from './context.ts';
import { SESSION_COOKIE } from './session.ts';
import { validate } from './validate.ts';

const WINDOW_S = 300;
/** failed logins per user name, and attempts per address (an RRC office shares one address) per window */
const MAX_PER_USER = 10;
const MAX_PER_ADDRESS = 100;

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
      // rate limit per address and per user name, shared by all instances
      const keys = [ctx.keys.lock(`login:ip:${req.ip}`), ctx.keys.lock(`login:user:${username}`)];
      const counts = await Promise.all(
        keys.map(async (k) => {
          const n = await ctx.redis.incr(k);
          if (n === 1) await ctx.redis.expire(k, WINDOW_S);
          return n;
        }),
      );
      if (counts[0]! > MAX_PER_ADDRESS || counts[1]! > MAX_PER_USER)
        return void res.status(429).json({ error: 'too many login attempts, wait a few minutes' });
      const user = await ctx.users.checkPassword(username, password);
      if (!user) return void res.status(401).json({ error: 'wrong user name or password' });
      await ctx.redis.del(keys[1]!);
      const sid = await ctx.users.createSession(user.username, ctx.sessionHours);
      res.cookie(SESSION_COOKIE, sid, {
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.secureCookies,
        maxAge: ctx.sessionHours * 3600_000,
        path: '/',
      });
      res.json(user);
    },
  );
  r.post(
    '/auth/logout',
    validate({ method: 'post', path: '/auth/logout', summary: 'log out', roles: 'any logged-in user' }),
    async (req, res) => {
      if (req.sessionId) await ctx.users.endSession(req.sessionId);
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
