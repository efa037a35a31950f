import { z } from 'zod';
import { CameraId, IsoTime, Reason } from './common.ts';
import { SCHEMA_TEXTS, schemaIssue } from './schema-texts.ts';

/** A text in the product's three languages. */
export const Localized = z.object({ kk: z.string().max(500), ru: z.string().max(500), en: z.string().max(500) });
export type Localized = z.infer<typeof Localized>;

/** What an alert is about. Camera rules have a camera subject; link_down has the school as its subject. */
export const AlertRule = z.enum([
  'camera_offline',
  'stream_down',
  'resolution_low',
  'retention_short',
  'recording_gap',
  'clock_drift',
  'picture_bad',
  'link_down',
  'camera_gone',
  'camera_new',
  /** another school's agent reports this camera (refused and quarantined): overlapping ranges or a shared LAN */
  'camera_conflict',
  /** a covered school fails its requirement profile (recording days, resolution, zones, signal…): the detail says how */
  'non_compliant',
]);
export type AlertRule = z.infer<typeof AlertRule>;
/**
 * Camera rules for a requirement (resolution, recording days, gaps, clock) that nothing raises any more: the agent
 * reports facts, the centre judges them against the school's profile, and a school that fails raises one
 * `non_compliant` alert saying what fails. Kept in AlertRule so that alerts stored before still read and resolve;
 * a configuration that sets one is refused (it would silence or tune nothing).
 */
export const RETIRED_RULES: readonly AlertRule[] = [
  'resolution_low',
  'retention_short',
  'recording_gap',
  'clock_drift',
];
/** What a notification tells of an alert. */
export const NOTIFY_EVENTS = ['opened', 'escalated', 'renotify', 'resolved', 'assigned', 'reopened'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
/** A `notified` event's text: what the notification was about, then where it went ("opened → webhook https://…"). */
export const notifiedLine = (event: NotifyEvent, target: string) => `${event} → ${target}`;
/** The parts of a `notified` event's text, when it is one. */
export function parseNotifiedLine(text: string): { event: NotifyEvent; target: string } | undefined {
  const i = text.indexOf(' → ');
  const event = text.slice(0, i) as NotifyEvent;
  return i > 0 && NOTIFY_EVENTS.includes(event) ? { event, target: text.slice(i + 3) } : undefined;
}
export const Severity = z.enum(['critical', 'major', 'minor', 'info']);
export type Severity = z.infer<typeof Severity>;
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, major: 3, minor: 2, info: 1 };
export const AlertState = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof AlertState>;

export const AlertEvent = z.object({
  at: IsoTime,
  type: z.enum([
    'opened',
    'repeated',
    'acknowledged',
    'assigned',
    'commented',
    'resolved',
    'escalated',
    'notified',
    'notify_failed',
    'reopened',
    'snoozed',
  ]),
  by: z.string().optional(),
  text: z.string().max(2000).optional(),
});
export type AlertEvent = z.infer<typeof AlertEvent>;

export const Alert = z.object({
  id: z.string(),
  rule: AlertRule,
  severity: Severity,
  state: AlertState,
  subject: z.object({ kind: z.enum(['camera', 'school']), id: z.string() }),
  schoolId: z.string(),
  districtId: z.string(),
  regionCode: z.string(),
  cameraId: z.string().optional(),
  reasons: z.array(Reason),
  /** what the alert is about in words (e.g. which school reports whose camera; a requirement's numbers) */
  detail: z.string().max(500).optional(),
  /** the same in the dashboard's three languages, where the centre writes them (`detail` is the English one) */
  details: Localized.optional(),
  /** cameras affected (link_down: the school's cameras now unknown) */
  cameras: z.int().nonnegative().optional(),
  openedAt: IsoTime,
  updatedAt: IsoTime,
  /** how often the condition was reported again while open */
  repeats: z.int().nonnegative(),
  /** how often it came back soon after resolving by itself and reopened this alert (RuleSettings.reopenWithinMinutes) */
  reopens: z.int().nonnegative().optional(),
  /** when it last reopened: its current episode began then (see episodeStart) */
  reopenedAt: IsoTime.optional(),
  /** raised during a maintenance window: recorded, nobody paged */
  suppressed: z.boolean(),
  escalationLevel: z.int().nonnegative(),
  assignee: z.string().optional(),
  /** put off by an operator until then: no escalation, reminder or alarm before (the condition is still shown) */
  snoozedUntil: IsoTime.optional(),
  ackBy: z.string().optional(),
  ackAt: IsoTime.optional(),
  resolvedAt: IsoTime.optional(),
  resolvedBy: z.string().optional(),
  events: z.array(AlertEvent),
  /**
   * the names people use, added to every answer (not stored: a camera renamed later shows its new name): the camera's
   * name (cameraName) and address, its zone's names, the school's names, its district and region
   */
  names: z
    .object({
      camera: z.string().optional(),
      host: z.string().optional(),
      zone: z.object({ en: z.string(), ru: z.string(), kk: z.string() }).optional(),
      school: z.object({ kk: z.string(), ru: z.string() }).optional(),
      district: z.object({ kk: z.string(), ru: z.string() }).optional(),
      region: z.object({ en: z.string(), ru: z.string(), kk: z.string() }).optional(),
    })
    .optional(),
});
export type Alert = z.infer<typeof Alert>;

/**
 * When an alert's current episode began: its last reopening, else its opening. What its age, its acknowledgement's
 * deadline, its escalation and its place among the newest are counted from.
 */
export function episodeStart(a: Pick<Alert, 'openedAt' | 'reopenedAt'>): string {
  return a.reopenedAt ?? a.openedAt;
}

/** A storm acknowledged at once: the alerts (open ones the user may see are acknowledged, the rest left as they are). */
export const BulkAck = z.object({
  ids: z.array(z.string().min(1).max(64)).min(1).max(1000),
  comment: z.string().max(2000).optional(),
});
export type BulkAck = z.infer<typeof BulkAck>;

/** Who an alert can be assigned to: an operator or administrator who may see its school. */
export const Assignee = z.object({ username: z.string(), role: z.enum(['admin', 'operator']) });
export type Assignee = z.infer<typeof Assignee>;

/** the longest snooze */
export const MAX_SNOOZE_MINUTES = 240;
/** Whether an alert is snoozed at a moment. */
export const snoozed = (a: Pick<Alert, 'snoozedUntil'>, now = Date.now()): boolean =>
  a.snoozedUntil !== undefined && Date.parse(a.snoozedUntil) > now;

export const AlertAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('ack'), comment: z.string().max(2000).optional() }),
  z.object({ action: z.literal('assign'), to: z.string().min(1).max(40) }),
  z.object({ action: z.literal('comment'), text: z.string().min(1).max(2000) }),
  z.object({ action: z.literal('resolve'), reason: z.string().min(1).max(2000) }),
  /** put off for a bounded time (at most 4 hours: a snooze never buries an alert); 0 ends a snooze */
  z.object({ action: z.literal('snooze'), minutes: z.int().min(0).max(MAX_SNOOZE_MINUTES) }),
]);
export type AlertAction = z.infer<typeof AlertAction>;

/** Planned works: conditions are recorded but nobody is paged. A window covers a school or one camera. */
export const MaintenanceWindow = z.object({
  id: z.string(),
  schoolId: z.string().min(1).max(64),
  cameraId: CameraId.optional(),
  from: IsoTime,
  to: IsoTime,
  reason: z.string().min(1).max(500),
  by: z.string(),
  /** the role of who planned it: school staff may end only their own school staff's windows */
  byRole: z.string().optional(),
});
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;
export const NewMaintenanceWindow = MaintenanceWindow.omit({ id: true, by: true, byRole: true }).refine(
  (w) => Date.parse(w.to) > Date.parse(w.from),
  { message: SCHEMA_TEXTS.window_order.en, path: ['to'] },
);

/**
 * Bounds of planned works. School staff may silence only their own school, briefly and a little ahead (a window of
 * theirs pages nobody — the very people who would see a fault); operators and admins plan longer works.
 */
export const MAINTENANCE_LIMITS = {
  school: { maxHours: 8, maxAheadDays: 7, maxOpen: 2 },
  staff: { maxHours: 24 * 30, maxAheadDays: 90, maxOpen: 20 },
} as const;

/** Notification channels: a webhook (HMAC-signed JSON), e-mail (SMTP) or a Telegram chat. */
/**
 * The language of a notification's words: Russian (the default), Kazakh — each with the English after it, as the
 * ids and the API are — or English alone.
 */
export const NotifyLang = z.enum(['ru', 'kk', 'en']);
export type NotifyLang = z.infer<typeof NotifyLang>;
const lang = { lang: NotifyLang.optional() };
export const NotifyTarget = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('webhook'), url: z.url({ protocol: /^https?$/ }).max(2000), ...lang }),
  z.object({ channel: z.literal('email'), to: z.email().max(254), ...lang }),
  z.object({ channel: z.literal('telegram'), chatId: z.string().regex(/^(-?\d{1,20}|@\w{5,32})$/), ...lang }),
]);
export type NotifyTarget = z.infer<typeof NotifyTarget>;

/** Where a target sends: its URL, address or chat (whole: administrators and the target's own editors only). */
export const targetAddress = (t: NotifyTarget): string =>
  t.channel === 'webhook' ? t.url : t.channel === 'email' ? t.to : t.chatId;

/**
 * A target as an alert's timeline names it, for everyone who reads the alert (school staff too): where it went,
 * without what only administrators may read — a webhook's path and query (often its secret), an e-mail's local part,
 * a chat's id. The whole address is in the alerting configuration and the jobs UI (admins).
 */
export function targetLabel(t: NotifyTarget): string {
  if (t.channel === 'webhook') {
    try {
      const u = new URL(t.url);
      return `webhook ${u.protocol}//${u.host}`;
    } catch {
      return 'webhook';
    }
  }
  if (t.channel === 'email') {
    const at = t.to.lastIndexOf('@');
    return `email ${t.to.slice(0, 1)}***${t.to.slice(at)}`;
  }
  return `telegram …${t.chatId.slice(-3)}`;
}

/**
 * A delivery's text (a `notified` or `notify_failed` event) with every address in it reduced to what targetLabel
 * shows — URLs to their scheme and host, e-mails to their first letter and domain, chats to their last digits. Events
 * written before the labels named targets in full; alerts are read through this (it changes nothing in a labelled text).
 */
export function labelledDeliveryText(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)(?:[^\s/@?#]*@)?([^\s/?#@]+)[/?#]\S*?(?=:\s|\s|$)/gi, '$1$2')
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@?#]*@/gi, '$1')
    .replace(/([A-Za-z0-9_%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g, '$1***@$2')
    .replace(/\btelegram (-?\d*)(\d{3})\b/g, 'telegram …$2');
}

/** Who gets told, per region (or everywhere: '*'): level 0 at once, then each escalation level in turn. */
/** at most this many targets per level or person: each is a job per notification */
export const MAX_TARGETS = 20;
const Targets = z.array(NotifyTarget).max(MAX_TARGETS);
export const Contacts = z.object({
  /** the region's operators, told when an alert opens */
  operators: Targets.default([]),
  /** escalation level 1: the region's duty officer */
  duty: Targets.default([]),
  /** escalation level 2: the akimat's contact */
  akimat: Targets.default([]),
});
export type Contacts = z.infer<typeof Contacts>;
/** a region's contact levels, in the order an alert reaches them */
export const CONTACT_LEVELS = Contacts.keyof().options;

/** A school's own contacts (the alerting configuration's part the school's staff keep) and the version they are in. */
export const SchoolContacts = z.object({ contacts: z.array(NotifyTarget), version: z.int() });
export type SchoolContacts = z.infer<typeof SchoolContacts>;

export const RuleSettings = z.object({
  enabled: z.boolean().default(true),
  severity: Severity.optional(),
  /** the condition must last this long before the alert opens (flapping shorter than this never pages) */
  openAfterSeconds: z.number().nonnegative().optional(),
  /** the condition must be gone this long before the alert resolves by itself */
  resolveAfterSeconds: z.number().nonnegative().optional(),
  /**
   * the condition back within this long after its alert resolved by itself reopens that alert (one alert for a
   * camera that keeps failing, with its episodes in its events) instead of opening another (0: never)
   */
  reopenWithinMinutes: z.number().nonnegative().max(1440).optional(),
});

export const AckSla = z.object({
  critical: z.number().positive(),
  major: z.number().positive(),
  minor: z.number().positive(),
  info: z.number().positive(),
});
export type AckSla = z.infer<typeof AckSla>;

/**
 * Alerting configuration: rules with per-region and per-school overrides, escalation, contacts. Versioned like the
 * requirement document: a JSON file seeds it (KUZET_ALERTING), administrators change it from the dashboard (each
 * change the next version), and a file whose version is higher than the stored one wins at start.
 */
export const AlertingConfig = z
  .object({
    /** 0 for a file that does not say; every change stored is the one before + 1 */
    version: z.int().nonnegative().default(0),
    rules: z.partialRecord(AlertRule, RuleSettings).default({}),
    regions: z
      .record(z.string(), z.object({ rules: z.partialRecord(AlertRule, RuleSettings).default({}) }))
      .default({}),
    schools: z
      .record(
        z.string(),
        z.object({
          rules: z.partialRecord(AlertRule, RuleSettings).default({}),
          /**
           * the school's own people (its guard post, its deputy director for safety): told when an alert of the
           * school opens, reopens and resolves, beside the region's operators; never escalated to
           */
          contacts: Targets.default([]),
        }),
      )
      .default({}),
    escalation: z
      .object({
        /** a critical alert not acknowledged this long goes to the next level */
        afterMinutes: z.array(z.number().positive()).default([15, 30]),
        /** at the last level, told again this often while nobody acknowledges (0: never) */
        renotifyMinutes: z.number().nonnegative().default(60),
        maxRenotify: z.int().nonnegative().default(3),
      })
      .default({ afterMinutes: [15, 30], renotifyMinutes: 60, maxRenotify: 3 }),
    contacts: z.record(z.string(), Contacts).default({}),
    /** people's own contacts, by username: told when an alert is assigned to them */
    people: z.record(z.string(), Targets).default({}),
    /** how long an alert may stay unacknowledged, per severity (minutes): past it the dashboard highlights it */
    ackSlaMinutes: AckSla.default({ critical: 15, major: 60, minor: 240, info: 1440 }),
  })
  .superRefine((cfg, ctx) => {
    const check = (rules: Partial<Record<AlertRule, unknown>>, path: (string | number)[]) => {
      for (const rule of RETIRED_RULES)
        if (rules[rule] !== undefined) ctx.addIssue(schemaIssue('rule_retired', { rule }, [...path, rule]));
    };
    check(cfg.rules, ['rules']);
    for (const [id, r] of Object.entries(cfg.regions)) check(r.rules, ['regions', id, 'rules']);
    for (const [id, r] of Object.entries(cfg.schools)) check(r.rules, ['schools', id, 'rules']);
  });
export type AlertingConfig = z.infer<typeof AlertingConfig>;
