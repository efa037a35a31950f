import {
  type AgentMessage,
  type CameraDelta,
  type CameraIdentity,
  type CameraState,
  type CentreStatus,
  type Reason,
  STATUS_CODE,
} from '@kuzet/protocol';
import type { ChainableCommander, Redis, Result } from 'ioredis';
import { Packr } from 'msgpackr';
import { CAMERA_OPS_LUA } from './camera-ops-script.ts';
import { MAX_ENTRIES, MEASUREMENT_EVERY_MS, MEASUREMENT_HOURS, measurementOf } from './measurements.ts';
import type { Keys } from './redis.ts';

export { TROUBLE_LUA } from './camera-ops-script.ts';

/*
 * One school's camera identities and status transitions, in the order given, in one script call
 * (camera-ops-script.ts): an agent's batch (a whole resync of its cameras included), or the link monitor's link_down
 * for an agent's cameras. Each transition keeps the roll-ups right, incrementally: counts by status and counts of
 * the agent's reasons per school, district, region and country — summed over the call and applied once per field
 * (every camera of a call is of one school, so each change moves all four levels alike) —, the camera's slot in its
 * region's status grid, and the trouble ranking of the school (offline + link down first, then degraded, then
 * unknown: "the worst schools" is one ZREVRANGE). History gets an entry only on a real change. While the link is
 * down the last known reasons stay counted.
 * A camera belongs to the school whose agent reported it first: the call claims a camera nobody owns and leaves a
 * camera of another school untouched, naming its owner (see claims.ts; atomic: of two schools claiming a new
 * camera at once, one wins).
 * History entries ("at|status code|reasons|rx[|camera]", times in ms base 36, newest pushed first) carry the time the
 * agent observed the change (`at`: the new status's `since` when the status changed, else the state's own time) and
 * the time the centre received it (`rx`): after a link outage the journal's replay shows each episode when it
 * happened. Lists are cut by count and by time; the newest entry older than the cut stays: it is the status the
 * window starts with (the daily archive reads it).
 * The operations travel as one MessagePack argument, packed where the frame was decoded (a worker thread: see
 * services/frame-decode.ts): the event loop never builds a resync's identities again, and ioredis writes one buffer
 * instead of a dozen strings per camera. What is unchanged is read, compared and not written again (a resync into a
 * store that holds the cameras writes only the agent's fields of each state).
 */

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kuzetCameraOps(...args: (string | number | Buffer)[]): Result<CameraOpReply[], Context>;
  }
}

type CameraOpReply = 0 | 1 | string | [string, string, string] | [number, string, string] | [string, string];

export interface Placement {
  schoolId: string;
  districtId: string;
  regionCode: string;
  agentId: string;
}

export type CameraOp =
  | { op: 'camera'; camera: CameraIdentity; at: string }
  | {
      op: 'state';
      cameraId: string;
      status: CentreStatus;
      reasons: Reason[];
      since: string;
      at: string;
      /** the agent's own fields of the state (none for the centre's own transitions) */
      fields?: Record<string, string | number>;
    }
  | { op: 'health'; cameraId: string; tier: string; at: string }
  | { op: 'clock'; cameraId: string; driftSeconds: number; at: string };

/** What became of one operation. `owner`: the camera is another school's and nothing of it was applied. */
export type CameraOpResult =
  | {
      op: 'camera';
      cameraId: string;
      at: string;
      owner?: string;
      firstSeen: boolean;
      schoolFirst: string;
      wasGone: boolean;
    }
  | {
      op: 'state';
      cameraId: string;
      status: CentreStatus;
      reasons: Reason[];
      /** when the agent observed it (bounded by the receipt) */
      at: string;
      /** the message's own time (a delta's sourceAt) */
      sent?: string;
      owner?: string;
      /** set when the state changed */
      previous?: CameraDelta['previous'];
      /** the status is the one stored, but a figure a verdict reads that the state carries changed */
      figures?: boolean;
    }
  | { op: 'health'; cameraId: string; at: string; owner?: string }
  | {
      op: 'clock';
      cameraId: string;
      at: string;
      owner?: string;
      /** set when the drift differs from the one stored: the one before (undefined: none) and the new one */
      drift?: { before?: number; after: number };
    };

/** status changes kept per camera (five times as many per school), and for at most HISTORY_DAYS */
export const HISTORY_MAXLEN = 200;
export const HISTORY_DAYS = 7;

/** an agent's observation time is believed within this window before the receipt (a week-long outage's journal) */
const MAX_OBSERVATION_AGE_MS = 8 * 86_400_000;

/** The agent's time of an observation, bounded by the receipt: never in the future, never older than a journal. */
export function boundedTime(observed: string, received: Date): string {
  const t = Date.parse(observed);
  const rx = received.getTime();
  if (!Number.isFinite(t) || t > rx || t < rx - MAX_OBSERVATION_AGE_MS) return received.toISOString();
  // already in the form toISOString writes (a schema-checked time in UTC with milliseconds): kept as it is
  if (observed.length === 24 && observed[19] === '.' && observed[23] === 'Z') return observed;
  return new Date(t).toISOString();
}

/** The agent's own fields of a state, stored on the camera beside the centre's status. */
export function stateFields(s: CameraState): Record<string, string | number> {
  const f: Record<string, string | number> = { agentStatus: s.status, agentReasons: s.reasons.join(',') };
  if (s.lastSeen) f.lastSeen = s.lastSeen;
  for (const k of ['width', 'height', 'fps', 'retainedDays', 'clockDriftSeconds'] as const)
    if (s[k] !== undefined) f[k] = s[k]!;
  return f;
}

/** The operation an identity, state, health or clock message asks for (undefined for other messages). */
export function cameraOpOf(m: AgentMessage, received: Date): CameraOp | undefined {
  if (m.type === 'camera') return { op: 'camera', camera: m.camera, at: m.at };
  if (m.type === 'health') return { op: 'health', cameraId: m.sample.cameraId, tier: m.sample.tier, at: m.sample.at };
  if (m.type === 'clock')
    return { op: 'clock', cameraId: m.reading.cameraId, driftSeconds: m.reading.driftSeconds, at: m.reading.at };
  if (m.type !== 'state') return undefined;
  const s = m.state;
  return {
    op: 'state',
    cameraId: s.cameraId,
    status: s.status,
    reasons: s.reasons,
    since: boundedTime(s.since, received),
    at: boundedTime(s.at, received),
    fields: stateFields(s),
  };
}

/**
 * Operations packed for the script, with what reading its reply needs: one line per operation, "C id at",
 * "S id status reasons at sent", "H id at" or "K id at", tab-separated (ids, statuses, reasons and times are
 * schema-checked: no tab or newline inside). Made where the frame is decoded: a thread hands both over as one buffer and one string.
 */
export interface PackedCameraOps {
  packed: Uint8Array;
  meta: string;
  count: number;
}

/** plain MessagePack; every value a string: a number goes as the text ioredis would send (Lua prints 14 digits) */
const packr = new Packr({ useRecords: false });
const b36 = (iso: string) => Date.parse(iso).toString(36);

/** Packs operations (`sent`: each one's message time, for the deltas). */
export function packCameraOps(ops: CameraOp[], sent?: string[]): PackedCameraOps {
  const a: string[] = [];
  let meta = '';
  ops.forEach((o, i) => {
    if (o.op === 'camera') {
      const c = o.camera;
      a.push('C', c.cameraId, o.at, JSON.stringify(c), c.manufacturer, c.model, c.serial, c.firmware, c.host);
      a.push(c.name ?? '', c.location ?? '');
      meta += `C\t${c.cameraId}\t${o.at}\n`;
    } else if (o.op === 'health') {
      a.push('H', o.cameraId, o.tier, o.at);
      meta += `H\t${o.cameraId}\t${o.at}\n`;
    } else if (o.op === 'clock') {
      const m = measurementOf({ at: o.at, kind: 'clock', driftSeconds: o.driftSeconds });
      a.push('K', o.cameraId, String(o.driftSeconds), String(m.at), m.signature, m.entry);
      meta += `K\t${o.cameraId}\t${o.at}\n`;
    } else {
      const fields = Object.entries(o.fields ?? {});
      const reasons = o.reasons.join(',');
      a.push('S', o.cameraId, o.status, String(STATUS_CODE[o.status]), reasons, o.since, b36(o.since), b36(o.at));
      a.push(String(fields.length));
      for (const [k, v] of fields) a.push(k, String(v));
      meta += `S\t${o.cameraId}\t${o.status}\t${reasons}\t${o.at}\t${sent?.[i] ?? ''}\n`;
    }
  });
  // a copy of its own: the packer's buffer is shared between calls, and a thread transfers this one
  return { packed: new Uint8Array(packr.pack(a)), meta, count: ops.length };
}

/** Queues one call with a school's packed camera operations on a pipeline/multi; `cameraOpResults` reads its reply. */
export function queueCameraOps(
  p: ChainableCommander,
  keys: Keys,
  place: Placement,
  received: string,
  ops: PackedCameraOps,
): void {
  p.kuzetCameraOps(
    keys.counts(`school:${place.schoolId}`),
    keys.counts(`district:${place.districtId}`),
    keys.counts(`region:${place.regionCode}`),
    keys.counts('country'),
    keys.reasonCounts(`school:${place.schoolId}`),
    keys.reasonCounts(`district:${place.districtId}`),
    keys.reasonCounts(`region:${place.regionCode}`),
    keys.reasonCounts('country'),
    keys.grid(place.regionCode),
    keys.trouble(`region:${place.regionCode}`),
    keys.trouble('country'),
    keys.histSchool(place.schoolId),
    keys.schoolCams(place.schoolId),
    keys.schoolFirstCamera(place.schoolId),
    keys.school(place.schoolId),
    keys.cam(''),
    keys.camDocs(''),
    keys.histCam(''),
    place.schoolId,
    place.districtId,
    place.regionCode,
    place.agentId,
    received,
    b36(received),
    Date.parse(received) - HISTORY_DAYS * 86_400_000,
    HISTORY_MAXLEN,
    Buffer.from(ops.packed.buffer, ops.packed.byteOffset, ops.packed.byteLength),
    keys.measurements(''),
    MAX_ENTRIES,
    MEASUREMENT_EVERY_MS,
    Date.parse(received) - MEASUREMENT_HOURS * 3_600_000,
  );
}

const split = (s: string | undefined) => (s ? s.split(',') : []) as Reason[];

/** The results of a queued call, one per operation, in order. */
export function cameraOpResults(ops: PackedCameraOps, reply: unknown): CameraOpResult[] {
  const r = Array.isArray(reply) ? (reply as CameraOpReply[]) : [];
  const lines = ops.meta.split('\n');
  const out: CameraOpResult[] = [];
  for (let i = 0; i < ops.count; i++) {
    const m = lines[i]!.split('\t');
    const x = r[i];
    const owner = typeof x === 'string' ? x : undefined;
    if (m[0] === 'C') {
      const [first, schoolFirst, gone] = (Array.isArray(x) ? x : [0, '', '']) as [number, string, string];
      out.push({
        op: 'camera',
        cameraId: m[1]!,
        at: m[2]!,
        ...(owner ? { owner } : {}),
        firstSeen: first === 1,
        schoolFirst,
        wasGone: gone !== '',
      });
      continue;
    }
    if (m[0] === 'H') {
      out.push({ op: 'health', cameraId: m[1]!, at: m[2]!, ...(owner ? { owner } : {}) });
      continue;
    }
    if (m[0] === 'K') {
      const k: CameraOpResult = { op: 'clock', cameraId: m[1]!, at: m[2]!, ...(owner ? { owner } : {}) };
      if (Array.isArray(x)) {
        const [before, after] = x as [string, string];
        k.drift = { ...(before !== '' ? { before: Number(before) } : {}), after: Number(after) };
      }
      out.push(k);
      continue;
    }
    const s: CameraOpResult = {
      op: 'state',
      cameraId: m[1]!,
      status: m[2] as CentreStatus,
      reasons: split(m[3]),
      at: m[4]!,
      ...(m[5] ? { sent: m[5] } : {}),
      ...(owner ? { owner } : {}),
    };
    if (Array.isArray(x)) {
      const [status, before, now] = x as [string, string, string];
      s.previous = {
        status: (status || undefined) as CentreStatus | undefined,
        counted: split(before),
        countedNow: split(now),
      };
    } else if (x === 1) s.figures = true;
    out.push(s);
  }
  return out;
}

export function defineCameraOps(redis: Redis): void {
  redis.defineCommand('kuzetCameraOps', { numberOfKeys: 15, lua: CAMERA_OPS_LUA });
}
