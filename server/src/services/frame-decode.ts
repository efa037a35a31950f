import { AgentFrame, type AgentMessage } from '@kuzet/protocol';

/**
 * A batch made only of health samples and heartbeats (the steady state of every agent, ~99% of all frames), packed
 * for the health-batch script: one line per sample, "cameraId \t tier \t at \n".
 */
export interface HealthBatch {
  seq: number;
  /** messages in the batch (samples and heartbeats) */
  count: number;
  packed: string;
  /** the last heartbeat's figures, stored on the agent */
  agentFields: Record<string, string | number>;
}

/** What an agent's text frame turned out to be: refused (with why), a packed health batch, or any other frame. */
export type DecodedFrame =
  | { ok: false; code: 'json' | 'schema'; message: string }
  | { ok: true; health: HealthBatch }
  | { ok: true; frame: AgentFrame };

/**
 * Packs health-only messages; undefined when a message is of another kind. Ids, tiers and times are schema-checked
 * (hex ids, an enum, ISO times): no tab or newline inside.
 */
export function packHealth(seq: number, messages: AgentMessage[]): HealthBatch | undefined {
  let packed = '';
  let agentFields: HealthBatch['agentFields'] = {};
  for (const m of messages)
    if (m.type === 'health') packed += `${m.sample.cameraId}\t${m.sample.tier}\t${m.sample.at}\n`;
    else if (m.type === 'heartbeat')
      agentFields = { cameras: m.cameras, rssMb: m.rssMb, uptimeSeconds: m.uptimeSeconds };
    else return undefined;
  return { seq, count: messages.length, packed, agentFields };
}

/**
 * Parses and validates one text frame of agent `agentId` (the protocol's AgentFrame schema). A batch of health
 * samples whose messages all name this agent comes back packed; everything else as the validated frame (a batch
 * naming another agent is refused later, with the other checks of the link).
 */
export function decodeAgentFrame(text: string, agentId: string): DecodedFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'json', message: 'not JSON' };
  }
  const r = AgentFrame.safeParse(json);
  if (!r.success)
    return {
      ok: false,
      code: 'schema',
      message: r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; '),
    };
  const f = r.data;
  if (f.type === 'batch' && f.messages.every((m) => m.agentId === agentId)) {
    const health = packHealth(f.seq, f.messages);
    if (health) return { ok: true, health };
  }
  return { ok: true, frame: f };
}
