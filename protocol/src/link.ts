import { z } from 'zod';
import { AgentId, CameraId, IsoTime, PROTOCOL_VERSION } from './common.ts';
import { AgentMessage, MAX_SNAPSHOT_BYTES } from './messages.ts';

/** Most messages one batch may carry, and the largest frame either side accepts. */
export const MAX_BATCH = 1000;
export const MAX_FRAME_BYTES = 1024 * 1024;
/** a reference picture in a frame (base64 of a picture of at most MAX_SNAPSHOT_BYTES) */
const MAX_REFERENCE_BASE64 = Math.ceil(MAX_SNAPSHOT_BYTES / 3) * 4;

/** Agent → server over the link websocket. */
export const AgentFrame = z.discriminatedUnion('type', [
  /** first frame after connecting: who I am and the last sequence number I have journaled */
  z.object({
    type: z.literal('hello'),
    v: z.literal(PROTOCOL_VERSION),
    agentId: AgentId,
    lastSeq: z.int().nonnegative(),
    /**
     * the journal's identity, made when the journal was created: a reinstalled agent (a fresh journal numbering from
     * 1 again) has a new one, and the server starts its sequence for it afresh instead of taking its batches for
     * resends of old ones
     */
    journalId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional(),
    /** the reference views the agent holds (camera → version): the server sends the ones missing or outdated */
    references: z
      .record(CameraId, IsoTime)
      .refine((r) => Object.keys(r).length <= 5000, 'at most 5000 references')
      .optional(),
  }),
  /** messages in order; seq numbers the batch, per agent, strictly increasing across restarts */
  z.object({
    type: z.literal('batch'),
    seq: z.int().positive(),
    messages: z.array(AgentMessage).min(1).max(MAX_BATCH),
  }),
  z.object({ type: z.literal('ping'), t: z.number() }),
]);
export type AgentFrame = z.infer<typeof AgentFrame>;

/** Server → agent. */
export const ServerFrame = z.discriminatedUnion('type', [
  /** everything up to and including seq is stored; the agent may drop it from its journal */
  z.object({ type: z.literal('ack'), seq: z.int().nonnegative() }),
  /**
   * after hello: everything up to ackedSeq is stored. An agent whose journal numbers below ackedSeq (its state was
   * restored from an older copy) renumbers its pending batches above it: it never numbers below what is stored.
   */
  z.object({
    type: z.literal('welcome'),
    ackedSeq: z.int().nonnegative(),
    heartbeatSeconds: z.number().positive(),
    /**
     * whether the agent must resend every camera's identity and state. false: the centre holds them as last
     * acknowledged (a server restart or a short drop: the journal carries whatever changed meanwhile); true: its
     * record is incomplete (a new agent or journal, or the link was marked down and the cameras with it). Absent (an
     * older server): resend.
     */
    resync: z.boolean().optional(),
  }),
  /**
   * what the agent needs of its school's requirement profile for its own work (sent after welcome and whenever the
   * profile changes): recording gaps longer than this are worth reporting, searched this many days back. The agent
   * judges nothing against requirements itself: the centre does.
   */
  z.object({
    type: z.literal('requirements'),
    profile: z.string(),
    version: z.int().positive(),
    maxGapMinutes: z.number().positive(),
    gapWindowDays: z.number().positive(),
    /** the picture's limits (optional: a centre from before them sends none, the agent keeps its defaults) */
    maxBlur: z.number().positive().optional(),
    minContrast: z.number().nonnegative().optional(),
    minSceneSimilarity: z.number().min(0).max(1).optional(),
  }),
  /**
   * a camera's reference view, confirmed by staff in the dashboard (a picture the agent took): each deep check
   * compares the picture with it. Sent when confirmed, and after welcome for every reference the agent's hello did
   * not name at its version; without `jpeg` the camera has none any more.
   */
  z.object({
    type: z.literal('reference'),
    cameraId: CameraId,
    /** when the confirmed picture was taken: the reference's version */
    version: IsoTime,
    jpeg: z.base64().max(MAX_REFERENCE_BASE64).optional(),
  }),
  /**
   * send every camera's identity and state again: the centre lost state (its store came back empty), or marked the
   * link down while it was open (its cameras became link_down)
   */
  z.object({ type: z.literal('resync'), reason: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  z.object({ type: z.literal('pong'), t: z.number() }),
  /**
   * relay this camera live (live-video.ts) over a socket of its own to /agent/live?session=…, until untilMs (the same
   * order again moves the deadline), within maxKbps for all of the school's live views together
   */
  z.object({
    type: z.literal('live_start'),
    sessionId: z.uuid(),
    cameraId: CameraId,
    untilMs: z.number().int().positive(),
    maxKbps: z.int().positive(),
  }),
  /** nobody watches any more */
  z.object({ type: z.literal('live_stop'), sessionId: z.uuid() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
