import { AgentFrame, type AgentMessage } from '@kuzet/protocol';
import { type CameraOp, cameraOpOf, type PackedCameraOps, packCameraOps } from '../repositories/camera-ops.ts';

/**
 * A batch made only of health samples and heartbeats (between a real agent's periodic states and clock readings,
 * which go as a CameraBatch), packed for the health-batch script: one line per sample, "cameraId \t tier \t at \n".
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
 * A batch made only of camera identities, states, health samples, clock readings and heartbeats (an agent's resync:
 * every camera's identity and state; cameras found or changing status; the steady state of a real agent, whose
 * batches carry each camera's periodic state and clock reading among the samples), packed for the camera-ops script
 * where the frame was decoded.
 */
export interface CameraBatch {
  seq: number;
  ops: PackedCameraOps;
  /** the last heartbeat's figures, stored on the agent */
  agentFields: Record<string, string | number>;
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
    else if (m.type === 'heartbeat') agentFields = heartbeatFields(m);
    else return undefined;
  return { seq, count: messages.length, packed, agentFields };
}

const OPS = new Set(['camera', 'state', 'health', 'clock', 'heartbeat']);

/** Packs identity, state, health, clock and heartbeat messages; undefined when a message is of another kind. */
export function packCameraBatch(seq: number, messages: AgentMessage[], received: Date): CameraBatch | undefined {
  // the kinds first: a mixed batch builds no operation here (it builds them again on its own path)
  if (!messages.length || !messages.every((m) => OPS.has(m.type))) return undefined;
  const ops: CameraOp[] = [];
  const sent: string[] = [];
  let agentFields: CameraBatch['agentFields'] = {};
  for (const m of messages) {
    if (m.type === 'heartbeat') agentFields = heartbeatFields(m);
    else {
      ops.push(cameraOpOf(m, received)!);
      sent.push(m.at);
    }
  }
  return { seq, ops: packCameraOps(ops, sent), agentFields };
}

/** What a heartbeat stores on its agent. */
export function heartbeatFields(m: Extract<AgentMessage, { type: 'heartbeat' }>): Record<string, number> {
  return { cameras: m.cameras, rssMb: m.rssMb, uptimeSeconds: m.uptimeSeconds };
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
