import { type AgentMessage, type CameraDelta, isJpeg, type Localized } from '@kuzet/protocol';
import type { ChainableCommander, Redis } from 'ioredis';
import {
  type CameraOp,
  type CameraOpResult,
  cameraOpOf,
  cameraOpResults,
  type PackedCameraOps,
  packCameraOps,
} from '../repositories/camera-ops.ts';
import { ClaimRepository } from '../repositories/claims.ts';
import { MeasurementRepository } from '../repositories/measurements.ts';
import type { ObjectStore } from '../repositories/object-store.ts';
import type { Keys } from '../repositories/redis.ts';
import { type Placement, StateRepository } from '../repositories/state.ts';
import { type CameraBatch, type HealthBatch, heartbeatFields, packCameraBatch, packHealth } from './frame-decode.ts';
import { PICTURES_PREFIX } from './picture-lifecycle.ts';

export interface IngestResult {
  /** false when the batch had been stored before (a resend): nothing was applied twice */
  applied: boolean;
  deltas: CameraDelta[];
  /** the agent's link was flagged down although it is sending: bring it back up */
  linkWasDown?: boolean;
  /** cameras seen for the first time, cameras the agent reports gone, reports about another school's camera */
  events: {
    rule: 'camera_new' | 'camera_gone' | 'camera_back' | 'camera_conflict';
    cameraId: string;
    at: string;
    detail?: Localized;
  }[];
  /** cameras of another school this batch reported (refused, quarantined) */
  foreign?: number;
  /**
   * the batch brought facts a compliance verdict depends on: an identity, a status or a figure a state carries that
   * changed, a stream measurement, a retention report, a camera gone
   */
  touched?: boolean;
  /** clock drifts that differ from the ones stored (whether that changes a verdict is the profile's to say) */
  clock?: ClockChange[];
  /** camera pictures kept, and refused (not a JPEG, not this school's camera, or the object store failed) */
  snapshots?: { stored: number; refused: number };
}

/** A camera's clock drift before (undefined: never read) and after a batch. */
export interface ClockChange {
  cameraId: string;
  before?: number;
  after: number;
}

/** a refused report: the camera, its owner, what kinds of message and when */
interface Refused {
  cameraId: string;
  owner: string;
  types: string[];
  at: string;
}

/**
 * messages carrying facts a compliance verdict depends on, whatever their values (identities, states and clock
 * readings are judged by what the camera operations changed: see `outcomes`)
 */
const FACTS = new Set(['stream', 'retention', 'camera_gone']);

/** The cameras a message is about (none for agent-level messages). */
export function cameraOf(m: AgentMessage): string[] {
  switch (m.type) {
    case 'camera':
      return [m.camera.cameraId];
    case 'state':
      return [m.state.cameraId];
    case 'health':
      return [m.sample.cameraId];
    case 'stream':
      return [m.measurement.cameraId];
    case 'retention':
      return [m.report.cameraId];
    case 'clock':
      return [m.reading.cameraId];
    case 'camera_gone':
      return [m.cameraId];
    case 'snapshot':
      return [m.snapshot.cameraId];
    default:
      return [];
  }
}

/** the object key of a camera's latest picture (only the latest is kept) */
export const snapshotKey = (cameraId: string) => `${PICTURES_PREFIX}${cameraId}.jpg`;

/**
 * Stores one agent batch: camera identities, states with roll-ups and history, measurements, the agent's liveness,
 * and — last, in the same pipeline — its sequence number. A batch at or below the stored sequence is acknowledged
 * without being applied again. No MULTI is needed: every write is idempotent (values are set, transitions compare
 * with the stored state, history is appended only on a change), so a batch cut short by a crash is simply
 * applied again when the agent resends it, with the same result.
 */
export class IngestService {
  readonly state: StateRepository;
  readonly claims: ClaimRepository;
  readonly measurements: MeasurementRepository;
  /** reports refused because the camera belongs to another school */
  foreignReports = 0;
  /** health-only batches (the bulk) go through their own connection when one is given */
  private readonly health: StateRepository;
  messages = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** cameras found within this time of a school's first camera are its inventory, not "new cameras" */
    private readonly newCameraGraceMs = 3_600_000,
    /** where camera pictures go; without it they are refused */
    private readonly store?: ObjectStore,
    healthRedis?: Redis,
  ) {
    this.state = new StateRepository(redis, keys);
    this.claims = new ClaimRepository(redis, keys);
    this.measurements = new MeasurementRepository(redis, keys);
    this.health = healthRedis ? new StateRepository(healthRedis, keys) : this.state;
  }

  async lastSeq(agentId: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.agent(agentId), 'lastSeq')) ?? 0);
  }

  /** Stores a batch of health samples (decoded and packed off the event loop: see ws/frame-decoder.ts). */
  async ingestHealth(place: { agentId: string; schoolId: string }, h: HealthBatch): Promise<IngestResult> {
    const { result, foreign } = await this.health.healthBatch(
      place.agentId,
      place.schoolId,
      h.seq,
      new Date(),
      h.packed,
      h.agentFields,
    );
    if (result) this.messages += h.count;
    this.foreignReports += foreign;
    return { applied: result > 0, deltas: [], events: [], linkWasDown: result === 2, ...(foreign ? { foreign } : {}) };
  }

  /**
   * Stores a batch made only of identities, states, health samples, clock readings and heartbeats (an agent's
   * resync, or its steady state with periodic states; packed where its frame was decoded): one script call claims,
   * compares and writes every camera, in order, in the transaction that records the sequence number. Reports about
   * another school's cameras are left untouched by the script and quarantined here.
   */
  async ingestCameras(place: Placement, batch: CameraBatch): Promise<IngestResult> {
    const now = new Date().toISOString();
    if (batch.seq <= (await this.lastSeq(place.agentId))) return { applied: false, deltas: [], events: [] };
    const m = this.redis.multi();
    this.state.cameraOps(m, place, now, batch.ops);
    if (Object.keys(batch.agentFields).length) m.hset(this.keys.agent(place.agentId), batch.agentFields);
    const downIdx = this.finish(m, place, batch.seq, now);
    const res = (await m.exec()) ?? [];
    for (const [err] of res) if (err) throw err;
    this.messages += batch.ops.count;
    const out = await this.outcomes(place, now, [cameraOpResults(batch.ops, res[0]?.[1])]);
    return { applied: true, ...out, linkWasDown: res[downIdx]?.[1] === '1' };
  }

  async ingest(
    place: Omit<Placement, 'agentId'> & { agentId: string },
    seq: number,
    messages: AgentMessage[],
  ): Promise<IngestResult> {
    // the steady state of every agent: one script call, sequence check included
    const health = packHealth(seq, messages);
    if (health) return this.ingestHealth(place, health);
    const received = new Date();
    // a resync (decoded on the event loop: tests, or no decoding threads)
    const cameras = packCameraBatch(seq, messages, received);
    if (cameras) return this.ingestCameras(place, cameras);
    // received now: a delta's `at` counts the store's round trips too
    const now = received.toISOString();
    if (seq <= (await this.lastSeq(place.agentId))) return { applied: false, deltas: [], events: [] };
    const k = this.keys;
    const refused: Refused[] = [];
    const events: IngestResult['events'] = [];
    // reports about another school's camera are refused (quarantined, alerted), never applied
    const claiming = messages.filter((x) => x.type === 'camera' || x.type === 'state');
    const foreign = await this.claims.claim(place, claiming.flatMap(cameraOf), messages.flatMap(cameraOf));
    if (foreign.size) {
      const byId = new Map<string, Refused>();
      for (const msg of messages)
        for (const id of cameraOf(msg)) {
          const owner = foreign.get(id);
          if (!owner) continue;
          const r = byId.get(id) ?? { cameraId: id, owner, types: [], at: msg.at };
          if (!r.types.includes(msg.type)) r.types.push(msg.type);
          byId.set(id, r);
        }
      refused.push(...byId.values());
      messages = messages.filter((m) => !cameraOf(m).some((id) => foreign.has(id)));
    }
    const snapshots = await this.storeSnapshots(place.schoolId, messages);
    // one transaction: a batch cut short by a crash is either stored whole or not at all (then resent whole)
    const m = this.redis.multi();
    // identities and states go in one script call per run of them, in order
    const calls: { idx: number; ops: PackedCameraOps }[] = [];
    let ops: CameraOp[] = [];
    /** each operation's message time (a delta's sourceAt: the push latency is measured from it) */
    let sent: string[] = [];
    const flush = () => {
      if (!ops.length) return;
      const packed = packCameraOps(ops, sent);
      calls.push({ idx: m.length - 1, ops: packed }); // its index in exec()'s answer (MULTI counts)
      this.state.cameraOps(m, place, now, packed);
      ops = [];
      sent = [];
    };
    for (const msg of messages) {
      const op = cameraOpOf(msg, received);
      if (op) {
        ops.push(op);
        sent.push(msg.at);
        continue;
      }
      flush();
      switch (msg.type) {
        case 'stream': {
          const s = msg.measurement;
          // the facts a compliance verdict reads, as plain fields (the document is for the camera page)
          this.state.setFields(m, s.cameraId, {
            width: s.width,
            height: s.height,
            fps: s.fps,
            ...(s.configured ? { cw: s.configured.width, ch: s.configured.height, cfps: s.configured.fps } : {}),
            ...(s.picture?.sceneSimilarity !== undefined ? { sim: s.picture.sceneSimilarity } : {}),
          });
          this.state.setDocs(m, s.cameraId, { stream: s });
          this.measurements.append(m, s.cameraId, {
            at: s.at,
            kind: 'stream',
            width: s.width,
            height: s.height,
            fps: s.fps,
            bitrateKbps: s.bitrateKbps,
          });
          break;
        }
        case 'retention': {
          const r = msg.report;
          this.state.setFields(
            m,
            r.cameraId,
            r.state === 'known'
              ? {
                  rstate: 'known',
                  retainedDays: r.retainedDays,
                  rgaps: r.gaps.map((g) => g.seconds).join(','),
                  rwin: r.gapWindowDays,
                }
              : { rstate: 'unknown' },
          );
          this.state.setDocs(m, r.cameraId, { retention: r });
          if (r.state === 'known')
            this.measurements.append(m, r.cameraId, { at: r.at, kind: 'retention', retainedDays: r.retainedDays });
          break;
        }
        case 'camera_gone':
          events.push({ rule: 'camera_gone', cameraId: msg.cameraId, at: msg.at });
          this.state.setFields(m, msg.cameraId, { gone: msg.how, goneAt: msg.at });
          break;
        case 'hello':
          m.hset(k.agent(place.agentId), {
            hostname: msg.hostname,
            agentVersion: msg.agentVersion,
            startedAt: msg.startedAt,
          });
          break;
        case 'heartbeat':
          m.hset(k.agent(place.agentId), heartbeatFields(msg));
          break;
        case 'discovery':
          m.hset(k.agent(place.agentId), { lastDiscovery: msg.at, discoveredDevices: msg.devices.length });
          break;
        case 'snapshot':
          if (snapshots.kept.has(msg.snapshot.cameraId))
            this.state.setFields(m, msg.snapshot.cameraId, { snapshotAt: msg.snapshot.at });
          break;
      }
    }
    flush();
    const downIdx = this.finish(m, place, seq, now);
    const res = (await m.exec()) ?? [];
    for (const [err] of res) if (err) throw err;
    this.messages += messages.length;
    const out = await this.outcomes(
      place,
      now,
      calls.map((c) => cameraOpResults(c.ops, res[c.idx]?.[1])),
      refused,
    );
    return {
      ...out,
      applied: true,
      events: [...out.events, ...events],
      linkWasDown: res[downIdx]?.[1] === '1',
      ...(snapshots.kept.size + snapshots.refused
        ? { snapshots: { stored: snapshots.kept.size, refused: snapshots.refused } }
        : {}),
      ...(out.touched || messages.some((x) => FACTS.has(x.type)) ? { touched: true } : {}),
    };
  }

  /** Queues what ends every stored batch: the sequence number and liveness; returns where the link flag is read. */
  private finish(m: ChainableCommander, place: Placement, seq: number, now: string): number {
    m.hset(this.keys.agent(place.agentId), { lastSeq: seq, lastSeen: now });
    m.zadd(this.keys.agentSeen(), Date.now(), place.agentId);
    const idx = m.length - 1; // the index in exec()'s answer of the command queued next (MULTI counts)
    m.hget(this.keys.agent(place.agentId), 'linkDown');
    return idx;
  }

  /**
   * What the camera operations' results mean: deltas for the states that changed, events for cameras seen first or
   * back, whether a verdict's facts changed (an identity, a status, a figure a state carries; clock drifts apart),
   * and reports about another school's cameras (refused before the call, or by it) quarantined and alerted.
   */
  private async outcomes(
    place: Placement,
    now: string,
    results: CameraOpResult[][],
    refused: Refused[] = [],
  ): Promise<Pick<IngestResult, 'deltas' | 'events' | 'foreign' | 'touched' | 'clock'>> {
    const deltas: CameraDelta[] = [];
    const events: IngestResult['events'] = [];
    const clock: ClockChange[] = [];
    let touched = false;
    const byScript = new Map<string, Refused>();
    for (const r of results.flat()) {
      if (r.owner) {
        const x = byScript.get(r.cameraId) ?? { cameraId: r.cameraId, owner: r.owner, types: [], at: r.at };
        if (!x.types.includes(r.op)) x.types.push(r.op);
        byScript.set(r.cameraId, x);
      } else if (r.op === 'health') {
        // a sample's time: no verdict reads it
      } else if (r.op === 'clock') {
        if (r.drift) clock.push({ cameraId: r.cameraId, ...r.drift });
      } else if (r.op === 'camera') {
        touched = true;
        // a camera reported gone and announced again (a reboot: Bye, then Hello): no longer gone
        if (r.wasGone) events.push({ rule: 'camera_back', cameraId: r.cameraId, at: r.at });
        // new camera: a school's first inventory is not news; a camera appearing later is
        if (r.firstSeen && Date.parse(r.at) - Date.parse(r.schoolFirst || r.at) > this.newCameraGraceMs)
          events.push({ rule: 'camera_new', cameraId: r.cameraId, at: r.at });
      } else if (r.figures) touched = true;
      else if (r.previous)
        deltas.push({
          cameraId: r.cameraId,
          status: r.status,
          reasons: r.reasons,
          sourceAt: r.sent ?? r.at,
          observedAt: r.at,
          schoolId: place.schoolId,
          districtId: place.districtId,
          regionCode: place.regionCode,
          at: now,
          previous: r.previous,
        });
    }
    const all = [...refused, ...byScript.values()];
    if (all.length) {
      await this.claims.quarantine(place, all);
      for (const r of all)
        events.push({
          rule: 'camera_conflict',
          cameraId: r.cameraId,
          at: now,
          detail: conflictDetail(place.agentId, place.schoolId, r.owner),
        });
      this.foreignReports += all.length;
    }
    return {
      deltas,
      events,
      ...(all.length ? { foreign: all.length } : {}),
      ...(touched ? { touched } : {}),
      ...(clock.length ? { clock } : {}),
    };
  }

  /**
   * Puts a batch's camera pictures in the object store (each camera's latest replaces the one before). A picture
   * of a camera that is not this school's, one that is not a JPEG, or one the store would not take is refused and
   * counted; the rest of the batch is stored regardless.
   */
  private async storeSnapshots(
    schoolId: string,
    messages: AgentMessage[],
  ): Promise<{ kept: Set<string>; refused: number }> {
    const pics = messages.flatMap((m) => (m.type === 'snapshot' ? [m.snapshot] : []));
    const kept = new Set<string>();
    if (pics.length === 0) return { kept, refused: 0 };
    const owners = await Promise.all(pics.map((p) => this.redis.hget(this.keys.cam(p.cameraId), 'schoolId')));
    await Promise.all(
      pics.map(async (p, i) => {
        const body = Buffer.from(p.data, 'base64');
        if (!this.store || owners[i] !== schoolId || !isJpeg(body)) return;
        try {
          await this.store.put(snapshotKey(p.cameraId), body, p.contentType);
          kept.add(p.cameraId);
        } catch {
          /* counted as refused below; the batch's other data is stored */
        }
      }),
    );
    return { kept, refused: pics.length - kept.size };
  }
}

/** The camera_conflict alert's text in kk, ru and en: whose agent reports the camera of which school. */
export function conflictDetail(agentId: string, schoolId: string, owner: string): Localized {
  return {
    kk: `${schoolId} мектебінің ${agentId} агенті ${owner} мектебінің камерасы туралы хабарлайды`,
    ru: `агент ${agentId} школы ${schoolId} сообщает о камере школы ${owner}`,
    en: `agent ${agentId} of school ${schoolId} reports a camera of school ${owner}`,
  };
}
