import { AgentFrame, type AgentMessage } from '@kuzet/protocol';
import { cameraOpOf, type PackedCameraOps, packCameraOps } from '../repositories/camera-ops.ts';

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

/**
 * A batch made only of camera identities and states (an agent's resync: every camera's identity and state; cameras
 * found or changing status), packed for the camera-ops script where the frame was decoded.
 */
export interface CameraBatch {
  seq: number;
  ops: PackedCameraOps;
}

/**
 * What an agent's text frame turned out to be: refused (with why), a packed health batch, a packed batch of
 * identities and states, or any other frame.
 */
export type DecodedFrame =
  | { ok: false; code: 'json' | 'schema'; message: string }
  | { ok: true; health: HealthBatch }
  | { ok: true; cameras: CameraBatch }
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

/** Packs identity and state messages; undefined when a message is of another kind. */
export function packCameraBatch(seq: number, messages: AgentMessage[], received: Date): CameraBatch | undefined {
  // the kinds first: a mixed batch builds no operation here (it builds them again on its own path)
  if (!messages.length || !messages.every((m) => m.type === 'camera' || m.type === 'state')) return undefined;
  const ops = messages.map((m) => cameraOpOf(m, received)!);
  const sent = messages.map((m) => m.at);
  return { seq, ops: packCameraOps(ops, sent) };
}

/**
 * Parses and validates one text frame of agent `agentId` (the protocol's AgentFrame schema), received at
 * `received` (ms). A batch whose messages all name this agent comes back packed when it is made only of health
 * samples, or only of identities and states; everything else as the validated frame (a batch naming another agent
 * is refused later, with the other checks of the link).
 */
export function decodeAgentFrame(text: string, agentId: string, received = Date.now()): DecodedFrame {
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
    const cameras = packCameraBatch(f.seq, f.messages, new Date(received));
    if (cameras) return { ok: true, cameras };
  }
  return { ok: true, frame: f };
}
