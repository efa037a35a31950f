import type { ObjectStore } from './object-store.ts';

/** What survives the loss of Redis: who may log in (password hashes) and which agents are enrolled (token hashes). */
export interface UserRecord {
  username: string;
  passwordHash: string;
  role: string;
  regions: string;
  schoolId: string;
}
export interface AgentAccount {
  agentId: string;
  tokenHash: string;
  schoolId: string;
  revoked: boolean;
  enrolledAt?: string;
  hostname?: string;
}

const hex = (s: string) => Buffer.from(s).toString('hex');
const JSON_TYPE = 'application/json';

/**
 * Accounts copied to the object store as they change (a disk directory or S3, which outlive a Redis that comes back
 * empty): after such a loss the server restores them, so users can log in and enrolled agents' tokens still work.
 * Only hashes are kept (argon2id for passwords; SHA-256 of 256-bit random tokens), as in Redis.
 */
export class AccountBackup {
  constructor(private readonly store: ObjectStore) {}

  saveUser(u: UserRecord): Promise<void> {
    return this.store.put(`accounts/users/u${hex(u.username)}.json`, Buffer.from(JSON.stringify(u)), JSON_TYPE);
  }
  deleteUser(username: string): Promise<void> {
    return this.store.delete(`accounts/users/u${hex(username)}.json`);
  }
  saveAgent(a: AgentAccount): Promise<void> {
    return this.store.put(`accounts/agents/${a.agentId}.json`, Buffer.from(JSON.stringify(a)), JSON_TYPE);
  }

  private async all<T>(prefix: string): Promise<T[]> {
    const out: T[] = [];
    for (const o of await this.store.list(prefix)) {
      const got = await this.store.get(o.key);
      if (!got) continue;
      try {
        out.push(JSON.parse(got.body.toString('utf8')) as T);
      } catch {
        /* a damaged copy is skipped, the rest restored */
      }
    }
    return out;
  }
  users(): Promise<UserRecord[]> {
    return this.all('accounts/users/');
  }
  agents(): Promise<AgentAccount[]> {
    return this.all('accounts/agents/');
  }
}
