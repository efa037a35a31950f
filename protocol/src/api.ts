import { z } from 'zod';
import { Alert } from './alerts.ts';
import { AuditSay } from './audit-texts.ts';
import { AgentId, Bin, CameraStatus, IsoTime, Kato, Reason, RegionCode, RequirementProfile } from './common.ts';
import { ComplianceDelta, ComplianceReason, VerdictSummary } from './compliance.ts';

export { RegionCode };

/** Version of the REST and live-push contract (path prefix /api/v1). */
export const API_VERSION = 1 as const;

export const Region = z.object({
  code: RegionCode,
  nameEn: z.string(),
  nameRu: z.string(),
  nameKk: z.string(),
  kato: Kato.optional(),
});
export const District = z.object({
  id: z.string().min(1),
  regionCode: RegionCode,
  nameRu: z.string(),
  nameKk: z.string(),
  /** the district's official KATO code */
  kato: Kato.optional(),
});
export const School = z.object({
  id: z.string().min(1).max(64),
  districtId: z.string().min(1),
  regionCode: RegionCode,
  nameKk: z.string(),
  nameRu: z.string(),
  address: z.string(),
  lat: z.number().min(40).max(56),
  lon: z.number().min(46).max(88),
  agents: z.array(AgentId),
  profile: z.string(),
  /** the school's official business identification number (12 digits, check digit verified) */
  bin: Bin.optional(),
});
export type Region = z.infer<typeof Region>;
export type District = z.infer<typeof District>;
export type School = z.infer<typeof School>;

export const Registry = z.object({
  regions: z.array(Region),
  districts: z.array(District),
  schools: z.array(School),
  profiles: z.array(RequirementProfile),
});
export type Registry = z.infer<typeof Registry>;

/** Status of a camera as the centre sees it: the agent's verdict, or unknown while its school's link is down. */
export const CentreStatus = z.union([CameraStatus, z.literal('link_down')]);
export type CentreStatus = z.infer<typeof CentreStatus>;
export const StatusCounts = z.partialRecord(CentreStatus, z.number().int().nonnegative());
export type StatusCounts = z.infer<typeof StatusCounts>;
/** How many cameras carry each reason (the agent's last known verdict; kept while a link is down). */
export const ReasonCounts = z.partialRecord(Reason, z.number().int().nonnegative());
export type ReasonCounts = z.infer<typeof ReasonCounts>;

/** One character per status in the camera grid. */
export const STATUS_CODE = { online: 'o', degraded: 'd', offline: 'x', unknown: 'u', link_down: 'l' } as const;
export const STATUS_OF_CODE = Object.fromEntries(Object.entries(STATUS_CODE).map(([k, v]) => [v, k])) as Record<
  string,
  CentreStatus
>;

/** A school row of the tables: registry entry, counts by status and compliance (reason) counts. */
export const SchoolSummary = School.extend({
  counts: StatusCounts,
  reasons: ReasonCounts,
  /** the school's compliance verdict (absent until it was first evaluated) */
  compliance: VerdictSummary.optional(),
});
export type SchoolSummary = z.infer<typeof SchoolSummary>;
export const RegionSummary = Region.extend({ counts: StatusCounts, reasons: ReasonCounts, schools: z.int() });
export type RegionSummary = z.infer<typeof RegionSummary>;

/**
 * Every camera of a scope by status, compactly: cameras ordered by region, school and id; `status` has one
 * STATUS_CODE character per camera. The cameras' ids come separately (CameraGridIds: 16 hex digits per camera, 16×
 * the size of `status`): a view draws from this first and fetches the ids only to place live changes. `version`
 * names the camera list (the same cameras in the same order give the same version on every server instance).
 */
export const CameraGrid = z.object({
  at: IsoTime,
  version: z.string(),
  regions: z.array(z.object({ code: RegionCode, schools: z.array(z.tuple([z.string(), z.int()])) })),
  status: z.string(),
});
export type CameraGrid = z.infer<typeof CameraGrid>;

/**
 * The schools of a scope where they are (the registry's coordinates), for the map: [id, lat, lon, regionCode,
 * districtId, nameRu, nameKk] per school, and the districts' names. Their colours come from the grid (a school's
 * worst camera).
 */
export const SchoolMap = z.object({
  schools: z.array(z.tuple([z.string(), z.number(), z.number(), z.string(), z.string(), z.string(), z.string()])),
  districts: z.array(z.tuple([z.string(), z.string(), z.string()])),
});
export type SchoolMap = z.infer<typeof SchoolMap>;

/** The ids of a CameraGrid's cameras, in its order: the 16 hex digits of each camera id (cam-<hex>), concatenated. */
export const CameraGridIds = z.object({ version: z.string(), ids: z.string() });
export type CameraGridIds = z.infer<typeof CameraGridIds>;

/** One measurement of a camera over time (for its charts). */
export const MeasurementEntry = z.object({
  at: IsoTime,
  kind: z.enum(['stream', 'retention', 'clock']),
  width: z.number().optional(),
  height: z.number().optional(),
  fps: z.number().optional(),
  bitrateKbps: z.number().optional(),
  retainedDays: z.number().optional(),
  driftSeconds: z.number().optional(),
});
export type MeasurementEntry = z.infer<typeof MeasurementEntry>;

export const CameraView = z.object({
  cameraId: z.string(),
  schoolId: z.string(),
  agentId: z.string(),
  status: CentreStatus,
  reasons: z.array(Reason),
  since: IsoTime.optional(),
  lastSeen: IsoTime.optional(),
  manufacturer: z.string().optional(),
  model: z.string().optional(),
  serial: z.string().optional(),
  host: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  fps: z.number().optional(),
  retainedDays: z.number().optional(),
  clockDriftSeconds: z.number().optional(),
  /** when the latest picture was taken (the picture itself: GET /cameras/:id/snapshot, for the roles allowed) */
  snapshotAt: IsoTime.optional(),
  /** the confirmed reference view: when its picture was taken, who confirmed it (GET /cameras/:id/reference) */
  referenceAt: IsoTime.optional(),
  referenceBy: z.string().optional(),
  /** the latest deep check's similarity to the reference view (0–1; absent: no reference or not measured yet) */
  sceneSimilarity: z.number().optional(),
  /** the name people use (set by staff, else what the camera announces) and the zone it watches */
  name: z.string().optional(),
  zone: z.string().optional(),
  /** why it does not comply with its school's profile ([] compliant; absent: not evaluated yet) */
  compliance: z.array(ComplianceReason).optional(),
});
export type CameraView = z.infer<typeof CameraView>;

/** What the audit log records: views of pictures and video, and every security-relevant change. */
export const AuditAction = z.enum([
  'snapshot_view',
  'reference_view',
  'reference_confirmed',
  'live_view',
  'live_view_end',
  'login',
  'login_failed',
  'login_throttled',
  'logout',
  'user_created',
  'user_deleted',
  'user_updated',
  'password_changed',
  'password_reset',
  'enrolment_code',
  'agent_enrolled',
  'agent_revoked',
  'maintenance_created',
  'maintenance_deleted',
  'camera_released',
  'requirements_changed',
  'alerting_changed',
  'alerting_tested',
  'camera_placed',
  'registry_imported',
  'school_removed',
  'archive_verified',
  'archive_rejudged',
  'export',
  'api_token_created',
  'api_token_revoked',
  // the log itself: entries the stream dropped before they were copied to the object store
  'audit_gap',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** Who did what, when, from where (every view of a picture, every login and every change of access). */
export const AuditEntry = z.object({
  at: IsoTime,
  /** who (for a failed login: the name that was tried; '-' for an agent's own action) */
  username: z.string(),
  role: z.string(),
  action: AuditAction,
  cameraId: z.string().optional(),
  schoolId: z.string().optional(),
  agentId: z.string().optional(),
  ip: z.string().optional(),
  /** what it says beyond its action, in English (written from `say` where the entry has it) */
  detail: z.string().max(500).optional(),
  /** the same as a text of AUDIT_TEXTS with its values: said in the reader's language */
  say: AuditSay.optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AgentInfo = z.object({
  agentId: z.string(),
  schoolId: z.string().optional(),
  revoked: z.boolean(),
  enrolledAt: IsoTime.optional(),
  lastSeen: IsoTime.optional(),
  lastSeq: z.number(),
  linkDown: z.boolean(),
  hostname: z.string().optional(),
  /**
   * whether the registry lists it for the school its record names: one replaced in the education database's file, or
   * whose school was removed, is not — and still reports until an admin revokes it
   */
  listed: z.boolean(),
  /** its school's names (the registry's), for finding an agent by the school people know */
  school: z.object({ nameKk: z.string(), nameRu: z.string() }).optional(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

/** An agent that still reports though its school no longer lists it (an admin should revoke it if it was replaced). */
export const strayAgent = (a: Pick<AgentInfo, 'revoked' | 'listed'>): boolean => !a.revoked && !a.listed;

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ total: z.int(), offset: z.int(), items: z.array(item) });

export const Role = z.enum(['admin', 'operator', 'school', 'auditor']);
export type Role = z.infer<typeof Role>;
/** The roles that may see camera pictures (children appear in them): those that act on a camera, never auditors. */
export const PICTURE_ROLES: readonly Role[] = ['admin', 'operator', 'school'];
export const User = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,40}$/),
  role: Role,
  regions: z.array(RegionCode).default([]),
  schoolId: z.string().optional(),
});
export type User = z.infer<typeof User>;
/** a user as the Administration page lists them: school staff with their school's names */
export const UserRow = User.extend({ school: z.object({ nameKk: z.string(), nameRu: z.string() }).optional() });
export type UserRow = z.infer<typeof UserRow>;
/** a password a user is given or chooses: at least 10 characters (argon2id hashes it; 200 at most) */
export const NewPassword = z.string().min(10).max(200);
export const NewUser = User.extend({ password: NewPassword });
/** PUT /auth/password: the user's own, with the current one */
export const PasswordChange = z.object({ current: z.string().min(1).max(200), password: NewPassword });
/** PUT /users/:name: an administrator changes someone's role and scope (effective at their next request) */
export const UserChange = User.omit({ username: true });
/** PUT /users/:name/password: an administrator sets someone's (their sessions end) */
export const PasswordReset = z.object({ password: NewPassword });
export const Login = z.object({ username: z.string().min(1).max(40), password: z.string().min(1).max(200) });

export const EnrolmentCodeRequest = z.object({ schoolId: z.string().min(1), agentId: AgentId });
export const EnrolmentCode = z.object({ code: z.string(), agentId: AgentId, schoolId: z.string(), expiresAt: IsoTime });
export type EnrolmentCode = z.infer<typeof EnrolmentCode>;
export const EnrolRequest = z.object({ code: z.string().min(8).max(64), hostname: z.string().max(255).optional() });
export const EnrolResponse = z.object({ agentId: AgentId, token: z.string() });

export const HistoryEntry = z.object({
  /** when the agent observed the change */
  at: IsoTime,
  status: CentreStatus,
  reasons: z.array(Reason),
  cameraId: z.string().optional(),
  /** when the centre received it, when that was later (reports journaled during a link outage) */
  receivedAt: IsoTime.optional(),
});

/** Live push: the client subscribes to a scope; the server sends a snapshot, then batched deltas. */
export const LiveScope = z.discriminatedUnion('kind', [
  /** everything the user may see (the whole country, their regions, or their school) */
  z.object({ kind: z.literal('mine') }),
  z.object({ kind: z.literal('country') }),
  z.object({ kind: z.literal('region'), code: RegionCode }),
  z.object({ kind: z.literal('school'), id: z.string().min(1) }),
]);
export type LiveScope = z.infer<typeof LiveScope>;
export const LiveClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), scope: LiveScope }),
  z.object({ type: z.literal('ping') }),
]);
export const CameraDelta = z.object({
  cameraId: z.string(),
  schoolId: z.string(),
  regionCode: z.string(),
  districtId: z.string(),
  status: CentreStatus,
  reasons: z.array(Reason),
  at: IsoTime,
  /** when the agent produced the change (for latency measurement) */
  sourceAt: IsoTime.optional(),
  /** when the agent observed it (a journal replayed after an outage: hours before `at`) */
  observedAt: IsoTime.optional(),
  /**
   * What the roll-ups held before, so that a client can keep its own counts right: the previous status (none for a
   * new camera) and the reasons counted for compliance before and after (kept while a link is down).
   */
  previous: z
    .object({ status: CentreStatus.optional(), counted: z.array(Reason), countedNow: z.array(Reason) })
    .optional(),
});
export type CameraDelta = z.infer<typeof CameraDelta>;
export const LiveServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), scope: LiveScope, counts: StatusCounts, cameras: z.array(CameraView) }),
  z.object({ type: z.literal('deltas'), deltas: z.array(CameraDelta) }),
  z.object({ type: z.literal('alerts'), alerts: z.array(Alert) }),
  /** schools whose compliance verdict changed */
  z.object({ type: z.literal('compliance'), changes: z.array(ComplianceDelta) }),
  /** the requirement document has a new version: what was shown of it (and verdicts computed with it) is stale */
  z.object({ type: z.literal('requirements'), version: z.int() }),
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({ type: z.literal('pong') }),
]);

/** A read-only API token for another state system: scoped to regions (none: the whole country), revocable. */
export const NewApiToken = z.object({
  name: z.string().trim().min(2).max(80),
  regions: z.array(RegionCode).max(20).default([]),
});
export const ApiTokenInfo = NewApiToken.extend({
  id: z.string(),
  createdBy: z.string(),
  createdAt: IsoTime,
  lastUsedAt: IsoTime.optional(),
});
export type ApiTokenInfo = z.infer<typeof ApiTokenInfo>;
/** shown once, when made: only its hash is kept */
export const CreatedApiToken = ApiTokenInfo.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;
