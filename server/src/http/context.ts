import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AgentRepository } from '../repositories/agents.ts';
import type { AlertingRepository } from '../repositories/alerting.ts';
import type { AlertRepository } from '../repositories/alerts.ts';
import type { ApiTokenRepository } from '../repositories/api-tokens.ts';
import type { AuditRepository } from '../repositories/audit.ts';
import type { ClaimRepository } from '../repositories/claims.ts';
import type { MeasurementRepository } from '../repositories/measurements.ts';
import type { ObjectStore } from '../repositories/object-store.ts';
import type { Keys } from '../repositories/redis.ts';
import type { RegistryRepository } from '../repositories/registry.ts';
import type { StateRepository } from '../repositories/state.ts';
import type { UserRepository } from '../repositories/users.ts';
import type { AlertService } from '../services/alerts.ts';
import type { ArchiveService } from '../services/archive.ts';
import type { DeltaBus } from '../services/bus.ts';
import type { ComplianceService } from '../services/compliance.ts';
import type { GridCache } from '../services/grid-cache.ts';
import type { IntegrityService } from '../services/integrity.ts';
import type { LiveVideoService } from '../services/live-video.ts';
import type { Metrics } from '../services/metrics.ts';
import type { PdfThread } from '../services/pdf-offthread.ts';
import type { ReferenceService } from '../services/references.ts';

export interface AppContext {
  redis: Redis;
  keys: Keys;
  registry: RegistryRepository;
  state: StateRepository;
  measurements: MeasurementRepository;
  claims: ClaimRepository;
  integrity: IntegrityService;
  compliance: ComplianceService;
  /** the daily compliance archive (hash chain in the object store) */
  archive: ArchiveService;
  /** PDF reports, laid out in a worker thread */
  pdf: PdfThread;
  users: UserRepository;
  /** read-only tokens of other state systems */
  apiTokens: ApiTokenRepository;
  agents: AgentRepository;
  metrics: Metrics;
  grid: GridCache;
  alerts: AlertService;
  alertRepo: AlertRepository;
  /** the alerting configuration's versions (the one in force: alerts.alerting) */
  alerting: AlertingRepository;
  /** camera pictures */
  store: ObjectStore;
  /** the cameras' confirmed reference views */
  references: ReferenceService;
  /** live video sessions (who is watching) */
  video: LiveVideoService;
  audit: AuditRepository;
  /** live fan-out and orders to every instance (e.g. close a revoked agent's link) */
  bus: DeltaBus;
  log?: Logger;
  /** Secure cookies always, never, or (undefined) when the request came over TLS */
  secureCookies?: boolean;
  trustProxy?: string;
  /** origins besides the request's own from which state may be changed (see origin.ts) */
  allowedOrigins: ReadonlySet<string>;
  /** /metrics is served by its own listener, not here */
  metricsElsewhere: boolean;
  metricsToken?: string;
  sessionHours: number;
  /** directory of the built dashboard, if it is served */
  dashboardDir?: string;
}

/** What /readyz answers: ready only when the store is reachable, holds its data, and the instance has started. */
export interface Readiness {
  ok: boolean;
  redis: boolean;
  /** the store answered but had lost its data (its sentinel key was gone): being rebuilt */
  storeLost?: boolean;
  ready: boolean;
}
