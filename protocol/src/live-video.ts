import { z } from 'zod';
import { IsoTime } from './common.ts';

/**
 * Live video (issue 16): the school's agent pulls a camera's RTSP stream and relays it as fragmented MP4 over its own
 * outbound websocket (/agent/live, one per session: live traffic never queues in front of status batches); the
 * centre fans each session out to every viewer (/api/v1/video), who plays it with Media Source Extensions.
 *
 * Binary messages, agent → centre → viewer: one byte of kind, then one whole piece of the MP4 — the initialisation
 * segment (ftyp + moov) or one media fragment (moof + mdat). A viewer joining a running session gets the
 * initialisation segment and the fragments since the last key frame, so it can start decoding at once.
 */
export const LIVE_INIT = 0;
export const LIVE_KEY_FRAGMENT = 1;
export const LIVE_FRAGMENT = 2;

/** Why a live view could not start or ended: each has its own message in the player. */
export const LiveEndReason = z.enum([
  'agent_offline', // the school's agent has no link to the centre
  'no_answer', // the agent did not start the stream in time
  'camera_refused', // the camera refused or did not answer RTSP
  'codec_unplayable', // neither relayable as it is nor transcodable here
  'limit_camera', // too many viewers of this camera
  'limit_school', // too many live views of this school
  'expired', // the session's time ran out (extend it to go on)
  'not_allowed', // the role sees no video
  'ended', // stopped by the viewer, or the stream ended
  'failed', // anything else (the detail says what)
]);
export type LiveEndReason = z.infer<typeof LiveEndReason>;

/** What the stream is, as the agent relays it (codec as MSE names it: avc1.PPCCLL). */
export const LiveInfo = z.object({
  codec: z.string().regex(/^avc1\.[0-9A-Fa-f]{6}$/),
  width: z.int().positive(),
  height: z.int().positive(),
  /** re-encoded at the agent (a codec the browser cannot play, or over the school's bitrate cap) */
  transcoded: z.boolean(),
});
export type LiveInfo = z.infer<typeof LiveInfo>;

/** Text frames on the agent's live socket. */
export const AgentLiveFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('info'), info: LiveInfo }),
  /** the stream starts over (switched to transcoding): a new initialisation segment follows */
  z.object({ type: z.literal('restart') }),
  z.object({ type: z.literal('error'), reason: LiveEndReason, detail: z.string().max(300).optional() }),
]);
export type AgentLiveFrame = z.infer<typeof AgentLiveFrame>;

/** Text frames to a viewer. */
export const LiveVideoFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('starting'), sessionId: z.string(), expiresAt: IsoTime }),
  z.object({ type: z.literal('info'), info: LiveInfo }),
  z.object({ type: z.literal('restart') }),
  z.object({ type: z.literal('extended'), expiresAt: IsoTime }),
  z.object({ type: z.literal('ended'), reason: LiveEndReason, detail: z.string().optional() }),
]);
export type LiveVideoFrame = z.infer<typeof LiveVideoFrame>;

/** Text frames from a viewer: more time. */
export const LiveVideoClientFrame = z.discriminatedUnion('type', [z.object({ type: z.literal('extend') })]);
export type LiveVideoClientFrame = z.infer<typeof LiveVideoClientFrame>;

/** Who is watching a camera (for admins). */
export const LiveViewer = z.object({ username: z.string(), role: z.string(), since: IsoTime });
export type LiveViewer = z.infer<typeof LiveViewer>;
