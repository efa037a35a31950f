import { z } from 'zod';
import { AgentId, CameraStatus, IsoTime, Reason, RequirementProfile } from './common.ts';

/** Version of the REST and live-push contract (path prefix /api/v1). */
export const API_VERSION = 1 as const;

export const RegionCode = z.string().regex(/^KZ-\d{2}$/);
export const Region = z.object({ code: RegionCode, nameEn: z.string(), nameRu: z.string(), nameKk: z.string() });
export const District = z.object({
  id: z.string().min(1),
  regionCode: RegionCode,
  nameRu: z.string(),
  nameKk: z.string(),
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
export const StatusCounts = z.record(CentreStatus, z.number().int().nonnegative());
export type StatusCounts = z.infer<typeof StatusCounts>;

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
});
export type CameraView = z.infer<typeof CameraView>;

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ total: z.int(), offset: z.int(), items: z.array(item) });

export const Role = z.enum(['admin', 'operator', 'school', 'auditor']);
export type Role = z.infer<typeof Role>;
export const User = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,40}$/),
  role: Role,
  regions: z.array(RegionCode).default([]),
  schoolId: z.string().optional(),
});
export type User = z.infer<typeof User>;
export const NewUser = User.extend({ password: z.string().min(10) });
export const Login = z.object({ username: z.string().min(1).max(40), password: z.string().min(1).max(200) });

export const EnrolmentCodeRequest = z.object({ schoolId: z.string().min(1), agentId: AgentId });
export const EnrolmentCode = z.object({ code: z.string(), agentId: AgentId, schoolId: z.string(), expiresAt: IsoTime });
export const EnrolRequest = z.object({ code: z.string().min(8).max(64), hostname: z.string().max(255).optional() });
export const EnrolResponse = z.object({ agentId: AgentId, token: z.string() });

export const HistoryEntry = z.object({
  at: IsoTime,
  status: CentreStatus,
  reasons: z.array(Reason),
  cameraId: z.string().optional(),
});

/** Live push: the client subscribes to a scope; the server sends a snapshot, then batched deltas. */
export const LiveScope = z.discriminatedUnion('kind', [
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
});
export type CameraDelta = z.infer<typeof CameraDelta>;
export const LiveServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), scope: LiveScope, counts: StatusCounts, cameras: z.array(CameraView) }),
  z.object({ type: z.literal('deltas'), deltas: z.array(CameraDelta) }),
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({ type: z.literal('pong') }),
]);
