import { createHash, randomBytes } from 'node:crypto';
import type { ApiTokenInfo, User } from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { Keys } from './redis.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const API_TOKEN_PREFIX = 'kzt_';

/**
 * Read-only API tokens for other state systems. Only the token's SHA-256 is stored (a copy of Redis gives no
 * working token); a token acts as an auditor of its regions (the whole country when it names none).
 */
export class ApiTokenRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  private key = (sha: string) => `${this.keys.prefix}apitoken:${sha}`;
  private index = () => `${this.keys.prefix}apitokens`;

  async create(t: { name: string; regions: string[]; createdBy: string }): Promise<ApiTokenInfo & { token: string }> {
    const id = randomBytes(6).toString('hex');
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const info = { id, name: t.name, regions: t.regions, createdBy: t.createdBy, createdAt: new Date().toISOString() };
    const sha = sha256(token);
    await this.redis
      .multi()
      .hset(this.key(sha), { ...info, regions: t.regions.join(',') })
      .hset(this.index(), id, sha)
      .exec();
    return { ...info, token } as ApiTokenInfo & { token: string };
  }

  async list(): Promise<ApiTokenInfo[]> {
    const ids = await this.redis.hgetall(this.index());
    const p = this.redis.pipeline();
    for (const sha of Object.values(ids)) p.hgetall(this.key(sha));
    const res = (await p.exec()) ?? [];
    return res
      .map(([, h]) => h as Record<string, string>)
      .filter((h) => h?.id)
      .map(toInfo)
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  }

  /** Revokes a token at once; false when there is no such token. */
  async revoke(id: string): Promise<ApiTokenInfo | undefined> {
    const sha = await this.redis.hget(this.index(), id);
    if (!sha) return undefined;
    const h = await this.redis.hgetall(this.key(sha));
    await this.redis.multi().del(this.key(sha)).hdel(this.index(), id).exec();
    return h.id ? toInfo(h) : undefined;
  }

  /** The user a bearer token acts as, or undefined for an unknown or revoked one. */
  async user(token: string): Promise<(User & { tokenId: string }) | undefined> {
    if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 100) return undefined;
    const k = this.key(sha256(token));
    const h = await this.redis.hgetall(k);
    if (!h.id) return undefined;
    const now = new Date().toISOString();
    // when it was last used, to the minute (not a write per request)
    if ((h.lastUsedAt ?? '').slice(0, 16) !== now.slice(0, 16)) await this.redis.hset(k, 'lastUsedAt', now);
    const info = toInfo(h);
    return { username: `api.${info.id}`, role: 'auditor', regions: info.regions as User['regions'], tokenId: info.id };
  }
}

function toInfo(h: Record<string, string>): ApiTokenInfo {
  return {
    id: h.id!,
    name: h.name ?? '',
    regions: (h.regions ? h.regions.split(',') : []) as ApiTokenInfo['regions'],
    createdBy: h.createdBy ?? '',
    createdAt: h.createdAt ?? '',
    ...(h.lastUsedAt ? { lastUsedAt: h.lastUsedAt } : {}),
  };
}
