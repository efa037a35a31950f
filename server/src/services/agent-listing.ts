import type { AgentRecord } from '../repositories/agents.ts';
import type { RegistryRepository } from '../repositories/registry.ts';

/**
 * Enrolled agents with their school's names and whether the registry still lists each for the school its record
 * names. One the education database's file replaced, or whose school was removed, is not listed — yet its token
 * works and it reports into that school until an admin revokes it, so the Administration page and the registry import
 * both say so.
 */
export async function withListing(
  agents: AgentRecord[],
  registry: RegistryRepository,
): Promise<(AgentRecord & { listed: boolean; school?: { nameKk: string; nameRu: string } })[]> {
  const ids = [...new Set(agents.flatMap((a) => (a.schoolId ? [a.schoolId] : [])))];
  const schools = new Map((await registry.schools(ids)).map((s) => [s.id, s]));
  return agents.map((a) => {
    const s = a.schoolId ? schools.get(a.schoolId) : undefined;
    return {
      ...a,
      listed: Boolean(s?.agents.includes(a.agentId)),
      ...(s ? { school: { nameKk: s.nameKk, nameRu: s.nameRu } } : {}),
    };
  });
}
