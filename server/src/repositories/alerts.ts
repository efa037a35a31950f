import {
  type Alert,
  type AlertEvent,
  type AlertRule,
  BY_CENTRE,
  EVENT_TEXTS,
  episodeStart,
  labelledDeliveryText,
  type MaintenanceWindow,
  type Severity,
} from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { Keys } from './redis.ts';

const MAX_EVENTS = 100;
const MAX_HISTORY = 200_000;

/**
 * Opens an alert for (rule, subject), or counts a repeat of the one already open, or reopens the last one when it
 * resolved by itself at or after a cutoff — atomically, so that two workers never open two.
 * KEYS: alertopen, alerts:seq, alertlast  ARGV: candidate JSON, repeat event JSON, id prefix, reopen cutoff (ISO
 * time; '' never), reopen event JSON
 * Returns {0 repeated | 1 created | 2 reopened, alert JSON}.
 * Reopened: open again, its condition (reasons and words) the new one; its acknowledgement and escalation begin
 * anew (a camera back and failing again is news to its operator); its history stays. One raised during maintenance
 * and one raised outside it are never the same alert.
 */
const OPEN = `
local id = redis.call('GET', KEYS[1])
local prefix = ARGV[3]
if id then
  local raw = redis.call('GET', prefix .. 'alert:' .. id)
  if raw then
    local a = cjson.decode(raw)
    local ev = cjson.decode(ARGV[2])
    a.repeats = a.repeats + 1
    a.updatedAt = ev.at
    table.insert(a.events, ev)
    if #a.events > ${MAX_EVENTS} then table.remove(a.events, 1) end
    local out = cjson.encode(a)
    redis.call('SET', prefix .. 'alert:' .. id, out)
    return {0, out}
  end
end
local c = cjson.decode(ARGV[1])
local last = ARGV[4] ~= '' and redis.call('GET', KEYS[3])
local raw = last and redis.call('GET', prefix .. 'alert:' .. last)
if raw then
  local a = cjson.decode(raw)
  if a.state == 'resolved' and a.resolvedBy == '${BY_CENTRE}' and type(a.resolvedAt) == 'string'
    and a.resolvedAt >= ARGV[4] and a.suppressed == c.suppressed then
    local ev = cjson.decode(ARGV[5])
    a.state, a.escalationLevel = 'open', 0
    a.resolvedAt, a.resolvedBy, a.ackBy, a.ackAt = nil, nil, nil, nil
    a.reopens = (tonumber(a.reopens) or 0) + 1
    a.updatedAt, a.reopenedAt = ev.at, ev.at
    a.reasons, a.detail, a.details, a.cameras = c.reasons, c.detail, c.details, c.cameras
    table.insert(a.events, ev)
    if #a.events > ${MAX_EVENTS} then table.remove(a.events, 1) end
    local out = cjson.encode(a)
    redis.call('SET', prefix .. 'alert:' .. a.id, out)
    redis.call('SET', KEYS[1], a.id)
    redis.call('EXPIRE', KEYS[3], 86400)
    return {2, out}
  end
end
c.id = tostring(redis.call('INCR', KEYS[2]))
local out = cjson.encode(c)
redis.call('SET', KEYS[1], c.id)
redis.call('SET', prefix .. 'alert:' .. c.id, out)
redis.call('SET', KEYS[3], c.id, 'EX', 86400)
return {1, out}
`;

/**
 * Writes an alert only if it is still the version that was read (compare-and-set), with the active index and the
 * clearing marker of a resolved one. Not WATCH: the connection is shared by every request and job of the process,
 * and another caller's EXEC or UNWATCH on it clears this caller's watch — an escalation step that had read an alert
 * before a snooze then wrote over the snooze and paged the duty officer (seen in a loaded fresh-clone run).
 * KEYS: alert, alerts active, clearing  ARGV: the JSON read, the JSON to write, id, '1' when resolved
 */
const CAS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[4] == '1' then
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('DEL', KEYS[3])
end
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kuzetAlertCas(
      alert: string,
      active: string,
      clearing: string,
      read: string,
      write: string,
      id: string,
      resolved: string,
    ): import('ioredis').Result<number, Context>;
    kuzetAlertOpen(
      open: string,
      seq: string,
      last: string,
      candidate: string,
      event: string,
      prefix: string,
      reopenCutoff: string,
      reopenEvent: string,
    ): import('ioredis').Result<[number, string], Context>;
  }
}

export interface OpenRequest {
  rule: AlertRule;
  severity: Severity;
  subject: Alert['subject'];
  schoolId: string;
  districtId: string;
  regionCode: string;
  cameraId?: string;
  reasons: Alert['reasons'];
  cameras?: number;
  detail?: string;
  details?: Alert['details'];
  suppressed: boolean;
  at: string;
  /** the last alert of the rule and subject reopens when it resolved by itself this recently (0: never) */
  reopenWithinMinutes?: number;
}

/** Alerts in Redis: one JSON document each, the open one per (rule, subject), indexes for lists and pages. */
export class AlertRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {
    redis.defineCommand('kuzetAlertOpen', { numberOfKeys: 3, lua: OPEN });
    redis.defineCommand('kuzetAlertCas', { numberOfKeys: 3, lua: CAS });
  }

  /**
   * Opens (or repeats, or reopens) the alert; resolves to the alert, whether it was created now, and whether an
   * alert that had resolved by itself was reopened.
   */
  async openOrRepeat(r: OpenRequest): Promise<{ alert: Alert; created: boolean; reopened: boolean }> {
    const candidate: Omit<Alert, 'id'> & { id: string } = {
      id: '',
      rule: r.rule,
      severity: r.severity,
      state: 'open',
      subject: r.subject,
      schoolId: r.schoolId,
      districtId: r.districtId,
      regionCode: r.regionCode,
      ...(r.cameraId ? { cameraId: r.cameraId } : {}),
      reasons: r.reasons,
      ...(r.cameras !== undefined ? { cameras: r.cameras } : {}),
      ...(r.detail ? { detail: r.detail.slice(0, 500) } : {}),
      ...(r.details ? { details: r.details } : {}),
      openedAt: r.at,
      updatedAt: r.at,
      repeats: 0,
      suppressed: r.suppressed,
      escalationLevel: 0,
      events: [{ at: r.at, type: 'opened', ...(r.suppressed ? { text: EVENT_TEXTS.maintenance.en } : {}) }],
    };
    const repeat: AlertEvent = { at: r.at, type: 'repeated' };
    const reopen: AlertEvent = { at: r.at, type: 'reopened' };
    const within = (r.reopenWithinMinutes ?? 0) * 60_000;
    const [created, json] = await this.redis.kuzetAlertOpen(
      this.keys.alertOpen(r.rule, r.subject.id),
      this.keys.alertSeq(),
      this.keys.alertLast(r.rule, r.subject.id),
      JSON.stringify(candidate),
      JSON.stringify(repeat),
      this.keys.prefix,
      within > 0 ? new Date(Date.parse(r.at) - within).toISOString() : '',
      JSON.stringify(reopen),
    );
    const alert = fixArrays(JSON.parse(json));
    if (created === 2) {
      // active again, listed as of now
      const m = this.redis.multi();
      if (r.subject.kind === 'camera') m.sadd(this.keys.alertedCams(), r.subject.id);
      await m.zadd(this.keys.alertsActive(), Date.parse(r.at), alert.id).exec();
    }
    if (created === 1) {
      const ms = Date.parse(r.at);
      const m = this.redis.multi();
      if (r.subject.kind === 'camera') m.sadd(this.keys.alertedCams(), r.subject.id);
      await m
        .zadd(this.keys.alertsActive(), ms, alert.id)
        .zadd(this.keys.alertsAll(), ms, alert.id)
        .zremrangebyrank(this.keys.alertsAll(), 0, -MAX_HISTORY - 1)
        .sadd(this.keys.alertsOf(r.subject.id), alert.id)
        .exec();
    }
    return { alert, created: created === 1, reopened: created === 2 };
  }

  async get(id: string): Promise<Alert | undefined> {
    const raw = await this.redis.get(this.keys.alert(id));
    return raw ? fixArrays(JSON.parse(raw)) : undefined;
  }

  async many(ids: string[]): Promise<Alert[]> {
    if (!ids.length) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.alert(id)));
    return raws.filter((x): x is string => Boolean(x)).map((x) => fixArrays(JSON.parse(x)));
  }

  /** The open alert of (rule, subject), if any. */
  async openFor(rule: AlertRule, subject: string): Promise<Alert | undefined> {
    const id = await this.redis.get(this.keys.alertOpen(rule, subject));
    return id ? this.get(id) : undefined;
  }

  /** Which of these cameras have an alert that is not resolved (one round trip). */
  async withAlerts(cameraIds: string[]): Promise<Set<string>> {
    if (!cameraIds.length) return new Set();
    const r = await this.redis.smismember(this.keys.alertedCams(), ...cameraIds);
    return new Set(cameraIds.filter((_, i) => r[i] === 1));
  }

  /** Open and acknowledged alerts of a subject (a camera or a school). */
  async activeOf(subject: string): Promise<Alert[]> {
    const all = await this.many(await this.redis.smembers(this.keys.alertsOf(subject)));
    return all.filter((a) => a.state !== 'resolved');
  }

  async allOf(subject: string, limit = 50): Promise<Alert[]> {
    const all = await this.many(await this.redis.smembers(this.keys.alertsOf(subject)));
    return all.sort((a, b) => (episodeStart(a) < episodeStart(b) ? 1 : -1)).slice(0, limit);
  }

  /** Active alerts (open or acknowledged), or the recent history including resolved ones. */
  async list(o: { active: boolean; limit: number }): Promise<Alert[]> {
    const ids = await this.redis.zrevrange(o.active ? this.keys.alertsActive() : this.keys.alertsAll(), 0, o.limit - 1);
    return this.many(ids);
  }

  /**
   * Changes an alert under optimistic locking (compare-and-set: see CAS): `f` returns the new alert, or undefined to
   * leave it; when the alert changed meanwhile, `f` runs again on the new version. Resolving clears the open marker
   * and the active index.
   */
  async update(id: string, f: (a: Alert) => Alert | undefined): Promise<Alert | undefined> {
    const key = this.keys.alert(id);
    for (let attempt = 0; attempt < 20; attempt++) {
      const raw = await this.redis.get(key);
      if (!raw) return undefined;
      const next = f(fixArrays(JSON.parse(raw)));
      if (!next) return undefined;
      if (next.events.length > MAX_EVENTS) next.events = next.events.slice(-MAX_EVENTS);
      const resolved = next.state === 'resolved';
      const written = await this.redis.kuzetAlertCas(
        key,
        this.keys.alertsActive(),
        this.keys.clearing(id),
        raw,
        JSON.stringify(next),
        id,
        resolved ? '1' : '0',
      );
      if (written === 1) {
        // the open marker goes only if it still names this alert
        if (resolved) {
          const openKey = this.keys.alertOpen(next.rule, next.subject.id);
          if ((await this.redis.get(openKey)) === id) await this.redis.del(openKey);
          if (next.subject.kind === 'camera' && (await this.activeOf(next.subject.id)).length === 0)
            await this.redis.srem(this.keys.alertedCams(), next.subject.id);
        }
        return next;
      }
    }
    throw new Error(`alert ${id}: too much contention`);
  }

  // maintenance windows: per school (an alert decision reads only its school's), with a global index by end time
  /** Every window not yet over (ended ones are pruned as they are met). */
  async windows(): Promise<MaintenanceWindow[]> {
    const k = this.keys;
    await this.pruneWindows();
    const index = await this.redis.zrange(k.maintenanceEnds(), 0, -1);
    const bySchool = new Map<string, string[]>();
    for (const entry of index) {
      const [school, id] = entry.split('\u0000') as [string, string];
      bySchool.set(school, [...(bySchool.get(school) ?? []), id]);
    }
    const out: MaintenanceWindow[] = [];
    for (const [school, ids] of bySchool)
      for (const v of await this.redis.hmget(k.maintenanceOf(school), ...ids)) if (v) out.push(JSON.parse(v));
    return out;
  }
  async schoolWindows(schoolId: string): Promise<MaintenanceWindow[]> {
    return Object.values(await this.redis.hgetall(this.keys.maintenanceOf(schoolId))).map((x) => JSON.parse(x));
  }
  async window(schoolId: string, id: string): Promise<MaintenanceWindow | undefined> {
    const v = await this.redis.hget(this.keys.maintenanceOf(schoolId), id);
    return v ? JSON.parse(v) : undefined;
  }
  async addWindow(w: MaintenanceWindow): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.maintenanceOf(w.schoolId), w.id, JSON.stringify(w))
      .zadd(this.keys.maintenanceEnds(), Date.parse(w.to), `${w.schoolId}\u0000${w.id}`)
      .exec();
  }
  async removeWindow(schoolId: string, id: string): Promise<boolean> {
    const [[, n]] = (await this.redis
      .multi()
      .hdel(this.keys.maintenanceOf(schoolId), id)
      .zrem(this.keys.maintenanceEnds(), `${schoolId}\u0000${id}`)
      .exec()) as [[unknown, number]];
    return n === 1;
  }
  /** Drops windows that ended more than a day ago. */
  private async pruneWindows(): Promise<void> {
    const k = this.keys;
    const old = await this.redis.zrangebyscore(k.maintenanceEnds(), '-inf', Date.now() - 86_400_000);
    for (const entry of old) {
      const [school, id] = entry.split('\u0000') as [string, string];
      await this.removeWindow(school, id);
    }
  }
  /** Whether planned works cover this school (or this camera of it) at `at`: one read of the school's windows. */
  async inMaintenance(schoolId: string, cameraId: string | undefined, at: string): Promise<boolean> {
    const t = Date.parse(at);
    return (await this.schoolWindows(schoolId)).some(
      (w) => (!w.cameraId || w.cameraId === cameraId) && Date.parse(w.from) <= t && t < Date.parse(w.to),
    );
  }
}

/** Lua's cjson turns empty arrays into {}: put them back. */
function fixArrays(a: Alert): Alert {
  for (const k of ['events', 'reasons'] as const) if (!Array.isArray(a[k])) (a as Record<string, unknown>)[k] = [];
  // deliveries named their targets in full before they were labelled (targetLabel): never read out again
  for (const e of a.events)
    if ((e.type === 'notified' || e.type === 'notify_failed') && e.text) e.text = labelledDeliveryText(e.text);
  return a;
}
