import type { School, User } from '@kuzet/protocol';
import type { AgentRecord } from '../repositories/agents.ts';
import type { RegistryRepository } from '../repositories/registry.ts';

/** A school's names, as the Administration page's lists show (and search) them beside its id. */
type SchoolNames = { nameKk: string; nameRu: string };

/** The registered schools of these rows, by id (one pipelined read for the whole list). */
async function schoolsOf(rows: { schoolId?: string }[], registry: RegistryRepository): Promise<Map<string, School>> {
  const ids = [...new Set(rows.flatMap((r) => (r.schoolId ? [r.schoolId] : [])))];
  return new Map((await registry.schools(ids)).map((s) => [s.id, s]));
}

const namesOf = (s: School | undefined) => (s ? { school: { nameKk: s.nameKk, nameRu: s.nameRu } } : {});

/**
 * Enrolled agents with their school's names and whether the registry still lists each for the school its record
 * names. One the education database's file replaced, or whose school was removed, is not listed — yet its token
 * works and it reports into that school until an admin revokes it, so the Administration page and the registry import
 * both say so.
 */
export async function withListing(
  agents: AgentRecord[],
  registry: RegistryRepository,
): Promise<(AgentRecord & { listed: boolean; school?: SchoolNames })[]> {
  const schools = await schoolsOf(agents, registry);
  return agents.map((a) => {
    const s = a.schoolId ? schools.get(a.schoolId) : undefined;
    return { ...a, listed: Boolean(s?.agents.includes(a.agentId)), ...namesOf(s) };
  });
}

/** Users with their school's names (school staff), for the Administration page's list. */
export async function withSchoolNames(
  users: User[],
  registry: RegistryRepository,
): Promise<(User & { school?: SchoolNames })[]> {
  const schools = await schoolsOf(users, registry);
  return users.map((u) => ({ ...u, ...namesOf(u.schoolId ? schools.get(u.schoolId) : undefined) }));
}
