import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from './redis.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface AgentRecord {
  agentId: string;
  schoolId?: string;
  revoked: boolean;
  enrolledAt?: string;
  lastSeen?: string;
  lastSeq: number;
  linkDown: boolean;
  hostname?: string;
}

/** Agents, their long-lived tokens (stored as SHA-256 only) and one-time enrolment codes. */
export class AgentRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async createEnrolmentCode(
    agentId: string,
    schoolId: string,
    ttlSeconds = 7 * 86_400,
  ): Promise<{ code: string; expiresAt: string }> {
    // 12 characters from an alphabet without look-alikes, typed at the school
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const bytes = randomBytes(12);
    const code = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    await this.redis.set(this.keys.enrol(code), JSON.stringify({ agentId, schoolId }), 'EX', ttlSeconds);
    await this.redis.hset(this.keys.agent(agentId), { schoolId });
    await this.redis.sadd(this.keys.agents(), agentId);
    return { code, expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString() };
  }

  /** Trades a one-time code for a token; the code is gone afterwards (GETDEL), the token stored hashed. */
  async enrol(code: string, hostname?: string): Promise<{ agentId: string; token: string } | undefined> {
    const raw = await this.redis.getdel(this.keys.enrol(code.trim().toUpperCase()));
    if (!raw) return undefined;
    const { agentId } = JSON.parse(raw) as { agentId: string; schoolId: string };
    const token = `kzt_${randomBytes(32).toString('base64url')}`;
    const old = await this.redis.hget(this.keys.agent(agentId), 'tokenHash');
    const p = this.redis.multi();
    if (old) p.del(this.keys.agentToken(old));
    p.set(this.keys.agentToken(sha256(token)), agentId);
    p.hset(this.keys.agent(agentId), {
      tokenHash: sha256(token),
      revoked: 0,
      enrolledAt: new Date().toISOString(),
      hostname: hostname ?? '',
    });
    p.sadd(this.keys.agents(), agentId);
    await p.exec();
    return { agentId, token };
  }

  /** The agent a bearer token belongs to, unless revoked. */
  async authenticate(token: string): Promise<AgentRecord | undefined> {
    const agentId = await this.redis.get(this.keys.agentToken(sha256(token)));
    if (!agentId) return undefined;
    const a = await this.get(agentId);
    return a && !a.revoked ? a : undefined;
  }

  async revoke(agentId: string): Promise<boolean> {
    const hash = await this.redis.hget(this.keys.agent(agentId), 'tokenHash');
    if (!hash) return false;
    await this.redis.multi().del(this.keys.agentToken(hash)).hset(this.keys.agent(agentId), { revoked: 1 }).exec();
    return true;
  }

  async get(agentId: string): Promise<AgentRecord | undefined> {
    const h = await this.redis.hgetall(this.keys.agent(agentId));
    if (!Object.keys(h).length) return undefined;
    return {
      agentId,
      schoolId: h.schoolId || undefined,
      revoked: h.revoked === '1',
      enrolledAt: h.enrolledAt,
      lastSeen: h.lastSeen,
      lastSeq: Number(h.lastSeq ?? 0),
      linkDown: h.linkDown === '1',
      hostname: h.hostname || undefined,
    };
  }

  async list(): Promise<AgentRecord[]> {
    const ids = (await this.redis.smembers(this.keys.agents())).sort();
    const out = await Promise.all(ids.map((id) => this.get(id)));
    return out.filter((a): a is AgentRecord => Boolean(a));
  }
}
