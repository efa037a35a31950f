import { createHash, randomBytes } from 'node:crypto';
import type { User } from '@kuzet/protocol';
import { hash, verify } from '@node-rs/argon2';
import type { Redis } from 'ioredis';
import type { AccountBackup, UserRecord } from './accounts-backup.ts';
import type { Keys } from './redis.ts';

/** Session ids are stored hashed: a copy of the store (a backup, a replica) lets nobody take over a session. */
const sessionHash = (sid: string) => createHash('sha256').update(sid).digest('base64url');

/** Users with argon2id password hashes, and their sessions (random ids, stored hashed, TTL in Redis). */
export class UserRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** accounts copied outside Redis (restored if it comes back empty) */
    private readonly backup?: AccountBackup,
    private readonly onBackupError?: (err: unknown) => void,
  ) {}

  async create(u: User & { password: string }): Promise<boolean> {
    const passwordHash = await hash(u.password);
    return this.restore({
      username: u.username,
      passwordHash,
      role: u.role,
      regions: u.regions.join(','),
      schoolId: u.schoolId ?? '',
    });
  }

  /** Adds a user from its record (password already hashed) unless it exists; copied to the backup. */
  async restore(r: UserRecord, backup = true): Promise<boolean> {
    const created = await this.redis.hsetnx(this.keys.user(r.username), 'passwordHash', r.passwordHash);
    if (!created) return false;
    await this.redis.hset(this.keys.user(r.username), { role: r.role, regions: r.regions, schoolId: r.schoolId });
    await this.redis.sadd(this.keys.users(), r.username);
    await this.redis.sadd(this.keys.usersWithRole(r.role), r.username);
    if (backup) await this.saveBackup(r);
    return true;
  }

  /** Copies an account outside Redis (restored if it comes back empty); a failure is reported, never thrown. */
  private saveBackup(r: UserRecord): Promise<void> {
    return this.backup?.saveUser(r).catch((err) => this.onBackupError?.(err)) ?? Promise.resolve();
  }

  async get(username: string): Promise<User | undefined> {
    return this.userOf(username, await this.redis.hgetall(this.keys.user(username)));
  }

  private userOf(username: string, h: Record<string, string>): User | undefined {
    if (!h.role) return undefined;
    return {
      username,
      role: h.role as User['role'],
      regions: h.regions ? (h.regions.split(',') as User['regions']) : [],
      ...(h.schoolId ? { schoolId: h.schoolId } : {}),
    };
  }

  async list(): Promise<User[]> {
    const names = (await this.redis.smembers(this.keys.users())).sort();
    return (await Promise.all(names.map((n) => this.get(n)))).filter((u): u is User => Boolean(u));
  }

  /** The users of the given roles (the role index: thousands of school staff are not read to find the operators). */
  async withRoles(roles: User['role'][]): Promise<User[]> {
    await this.indexRoles();
    const names = (await this.redis.sunion(...roles.map((r) => this.keys.usersWithRole(r)))).sort();
    return (await Promise.all(names.map((n) => this.get(n)))).filter((u): u is User => Boolean(u));
  }

  private indexed?: Promise<void>;
  /** Fills the role index from the users themselves, once, for a store written before it existed. */
  private indexRoles(): Promise<void> {
    this.indexed ??= (async () => {
      if (await this.redis.exists(this.keys.usersIndexed())) return;
      const users = await this.list();
      const p = this.redis.pipeline();
      for (const u of users) p.sadd(this.keys.usersWithRole(u.role), u.username);
      p.set(this.keys.usersIndexed(), '1');
      await p.exec();
    })().catch((err) => {
      this.indexed = undefined;
      throw err;
    });
    return this.indexed;
  }

  /** Changes a user's role and scope (the role index and the account backup follow). False: no such user. */
  async update(username: string, u: Omit<User, 'username'>): Promise<boolean> {
    const h = await this.redis.hgetall(this.keys.user(username));
    if (!h.role) return false;
    const regions = u.regions.join(',');
    const schoolId = u.schoolId ?? '';
    await this.redis
      .multi()
      .hset(this.keys.user(username), { role: u.role, regions, schoolId })
      .srem(this.keys.usersWithRole(h.role), username)
      .sadd(this.keys.usersWithRole(u.role), username)
      .exec();
    await this.saveBackup({ username, passwordHash: h.passwordHash ?? '', role: u.role, regions, schoolId });
    return true;
  }

  async count(): Promise<number> {
    return this.redis.scard(this.keys.users());
  }

  async delete(username: string): Promise<boolean> {
    const role = await this.redis.hget(this.keys.user(username), 'role');
    const n = await this.redis.del(this.keys.user(username));
    await this.redis.srem(this.keys.users(), username);
    if (role) await this.redis.srem(this.keys.usersWithRole(role), username);
    await this.backup?.deleteUser(username).catch((err) => this.onBackupError?.(err));
    return n > 0;
  }

  /** Checks a password; spends the same argon2 time when the user does not exist. */
  async checkPassword(username: string, password: string): Promise<User | undefined> {
    const stored = await this.redis.hget(this.keys.user(username), 'passwordHash');
    const ok = await verify(stored ?? DUMMY_HASH, password).catch(() => false);
    return ok && stored ? this.get(username) : undefined;
  }

  /**
   * Sets a user's password (their own change, or an administrator's reset): every session of theirs ends — a session
   * names the password version it was opened under — and the account backup follows. False: no such user.
   */
  async setPassword(username: string, password: string): Promise<boolean> {
    const h = await this.redis.hgetall(this.keys.user(username));
    if (!h.role) return false;
    const passwordHash = await hash(password);
    await this.redis
      .multi()
      .hset(this.keys.user(username), 'passwordHash', passwordHash)
      .hincrby(this.keys.user(username), 'pwv', 1)
      .exec();
    await this.saveBackup({
      username,
      passwordHash,
      role: h.role,
      regions: h.regions ?? '',
      schoolId: h.schoolId ?? '',
    });
    return true;
  }

  /** A session of the user, under their current password version ("name\tversion"; a bare name is version 0). */
  async createSession(username: string, hours: number): Promise<string> {
    const sid = randomBytes(32).toString('base64url');
    const version = (await this.redis.hget(this.keys.user(username), 'pwv')) ?? '0';
    await this.redis.set(
      this.keys.session(sessionHash(sid)),
      `${username}\t${version}`,
      'EX',
      Math.round(hours * 3600),
    );
    return sid;
  }

  /** The session's user, unless the session was opened under a password that has changed since. */
  async sessionUser(sid: string): Promise<User | undefined> {
    const v = await this.redis.get(this.keys.session(sessionHash(sid)));
    if (!v) return undefined;
    const [name, version = '0'] = v.split('\t') as [string, string?];
    const h = await this.redis.hgetall(this.keys.user(name));
    return (h.pwv ?? '0') === version ? this.userOf(name, h) : undefined;
  }

  async endSession(sid: string): Promise<void> {
    await this.redis.del(this.keys.session(sessionHash(sid)));
  }
}

// argon2id hash of a random string, so a missing user costs as much as a wrong password
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$wL0m9YqfJ3S2bZJ0b0RZ6mBGvJQ2nq3e8b9kPZbQ9kE';
