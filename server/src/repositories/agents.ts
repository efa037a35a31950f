import { createHash, randomBytes } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import type { AccountBackup, AgentAccount } from './accounts-backup.ts';
import type { Keys } from './redis.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * An agent's hello against the sequence stored for it. A new journal (another journalId: the agent was reinstalled)
 * or, from an agent that names no journal, a lastSeq below the stored one, restarts the stored sequence at 0: the
 * agent numbers from 1 again, and its batches must be stored, not acknowledged as resends. The same journal below the
 * stored sequence keeps it: that agent renumbers its pending batches above it (protocol: welcome).
 * KEYS: agent  ARGV: lastSeq, journalId ('' when none), now  →  {ackedSeq, reset (0/1), previous lastSeq}
 */
const RECONCILE = `
local last = tonumber(redis.call('HGET', KEYS[1], 'lastSeq') or '0')
local known = redis.call('HGET', KEYS[1], 'journalId')
local reset = 0
if ARGV[2] ~= '' and known and known ~= '' and known ~= ARGV[2] then reset = 1 end
if ARGV[2] == '' and tonumber(ARGV[1]) < last then reset = 1 end
if reset == 1 then
  redis.call('HSET', KEYS[1], 'lastSeq', 0, 'seqResetAt', ARGV[3], 'seqResetFrom', last)
  redis.call('HINCRBY', KEYS[1], 'seqResets', 1)
end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'journalId', ARGV[2]) end
if reset == 1 then return {0, 1, last} end
return {last, 0, last}
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kuzetReconcile(
      key: string,
      lastSeq: number,
      journalId: string,
      now: string,
    ): Result<[number, number, number], Context>;
  }
}

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
    /** enrolments copied outside Redis (restored if it comes back empty) */
    private readonly backup?: AccountBackup,
    private readonly onBackupError?: (err: unknown) => void,
  ) {
    redis.defineCommand('kuzetReconcile', { numberOfKeys: 1, lua: RECONCILE });
  }

  private async saveBackup(agentId: string): Promise<void> {
    if (!this.backup) return;
    const h = await this.redis.hgetall(this.keys.agent(agentId));
    if (!h.tokenHash) return;
    await this.backup
      .saveAgent({
        agentId,
        tokenHash: h.tokenHash,
        schoolId: h.schoolId ?? '',
        revoked: h.revoked === '1',
        enrolledAt: h.enrolledAt,
        hostname: h.hostname,
      })
      .catch((err) => this.onBackupError?.(err));
  }

  /** Puts back an enrolment from the backup unless the agent has a token already. */
  async restore(a: AgentAccount): Promise<boolean> {
    if (await this.redis.hget(this.keys.agent(a.agentId), 'tokenHash')) return false;
    const p = this.redis.multi();
    if (!a.revoked) p.set(this.keys.agentToken(a.tokenHash), a.agentId);
    p.hset(this.keys.agent(a.agentId), {
      tokenHash: a.tokenHash,
      schoolId: a.schoolId,
      revoked: a.revoked ? 1 : 0,
      enrolledAt: a.enrolledAt ?? '',
      hostname: a.hostname ?? '',
    });
    p.sadd(this.keys.agents(), a.agentId);
    await p.exec();
    return true;
  }

  /** The sequence to acknowledge in the welcome, after reconciling it with the agent's hello (see RECONCILE). */
  async reconcileSequence(
    agentId: string,
    lastSeq: number,
    journalId: string | undefined,
  ): Promise<{ ackedSeq: number; reset: boolean; previous: number }> {
    const [ackedSeq, reset, previous] = await this.redis.kuzetReconcile(
      this.keys.agent(agentId),
      lastSeq,
      journalId ?? '',
      new Date().toISOString(),
    );
    return { ackedSeq: Number(ackedSeq), reset: reset === 1, previous: Number(previous) };
  }

  async createEnrolmentCode(
    agentId: string,
    schoolId: string,
    ttlSeconds = 7 * 86_400,
  ): Promise<{ code: string; expiresAt: string }> {
    // 12 characters from an alphabet without look-alikes, typed at the school
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const bytes = randomBytes(12);
    const code = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    // one outstanding code per agent: a new one voids the one before (a forgotten code cannot be used later)
    const previous = await this.redis.hget(this.keys.agent(agentId), 'enrolCode');
    if (previous) await this.redis.del(this.keys.enrol(previous));
    await this.redis.set(this.keys.enrol(code), JSON.stringify({ agentId, schoolId }), 'EX', ttlSeconds);
    await this.redis.hset(this.keys.agent(agentId), { schoolId, enrolCode: code });
    await this.redis.sadd(this.keys.agents(), agentId);
    return { code, expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString() };
  }

  /**
   * Trades a one-time code for a token; the code is gone afterwards (GETDEL), the token stored hashed. The agent's
   * previous token (if any) stops working: `replaced` is its hash, whose open links must close.
   */
  async enrol(
    code: string,
    hostname?: string,
  ): Promise<{ agentId: string; token: string; replaced?: string } | undefined> {
    const raw = await this.redis.getdel(this.keys.enrol(code.trim().toUpperCase()));
    if (!raw) return undefined;
    const { agentId } = JSON.parse(raw) as { agentId: string; schoolId: string };
    const token = `kzt_${randomBytes(32).toString('base64url')}`;
    const old = await this.redis.hget(this.keys.agent(agentId), 'tokenHash');
    const p = this.redis.multi();
    if (old) p.del(this.keys.agentToken(old));
    p.set(this.keys.agentToken(sha256(token)), agentId);
    // a re-enrolled agent starts a new sequence (its journal may be new too): nothing it sends is taken for a resend
    p.hset(this.keys.agent(agentId), {
      tokenHash: sha256(token),
      revoked: 0,
      enrolledAt: new Date().toISOString(),
      hostname: hostname ?? '',
      lastSeq: 0,
    });
    p.hdel(this.keys.agent(agentId), 'journalId', 'enrolCode');
    p.sadd(this.keys.agents(), agentId);
    await p.exec();
    await this.saveBackup(agentId);
    return { agentId, token, ...(old ? { replaced: old } : {}) };
  }

  /** The agent a bearer token belongs to (with the token's hash, which names its links), unless revoked. */
  async authenticate(token: string): Promise<(AgentRecord & { tokenHash: string }) | undefined> {
    const tokenHash = sha256(token);
    const agentId = await this.redis.get(this.keys.agentToken(tokenHash));
    if (!agentId) return undefined;
    const a = await this.get(agentId);
    return a && !a.revoked ? { ...a, tokenHash } : undefined;
  }

  /** Whether a token (by its hash) still authenticates its agent: checked again when a link's frames arrive. */
  async tokenValid(agentId: string, tokenHash: string): Promise<boolean> {
    return (await this.redis.get(this.keys.agentToken(tokenHash))) === agentId;
  }

  /**
   * Revokes the agent's token and any outstanding enrolment code. Returns the revoked token's hash (its open links
   * must close on every instance), or undefined when the agent has none.
   */
  async revoke(agentId: string): Promise<string | undefined> {
    const [hash, code] = await this.redis.hmget(this.keys.agent(agentId), 'tokenHash', 'enrolCode');
    if (!hash) return undefined;
    const p = this.redis.multi().del(this.keys.agentToken(hash)).hset(this.keys.agent(agentId), { revoked: 1 });
    if (code) p.del(this.keys.enrol(code)).hdel(this.keys.agent(agentId), 'enrolCode');
    await p.exec();
    await this.saveBackup(agentId);
    return hash;
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
