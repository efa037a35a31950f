import { Redis } from 'ioredis';

/** Key names, all under one prefix (one deployment or one test per prefix). */
export class Keys {
  constructor(readonly prefix: string) {}
  cam = (id: string) => `${this.prefix}cam:${id}`;
  /** a camera's documents (identity, last stream measurement, last retention report): large values kept apart, so
   * that the camera's own hash stays small enough for Redis's compact encoding */
  camDocs = (id: string) => `${this.prefix}camdocs:${id}`;
  schoolCams = (id: string) => `${this.prefix}school:${id}:cams`;
  schoolFirstCamera = (id: string) => `${this.prefix}school:${id}:firstcam`;
  school = (id: string) => `${this.prefix}school:${id}`;
  schools = () => `${this.prefix}schools`;
  regionSchools = (code: string) => `${this.prefix}region:${code}:schools`;
  districtSchools = (id: string) => `${this.prefix}district:${id}:schools`;
  regions = () => `${this.prefix}regions`;
  districts = () => `${this.prefix}districts`;
  profiles = () => `${this.prefix}profiles`;
  counts = (scope: string) => `${this.prefix}count:${scope}`;
  reasonCounts = (scope: string) => `${this.prefix}rcount:${scope}`;
  grid = (region: string) => `${this.prefix}grid:${region}`;
  trouble = (scope: string) => `${this.prefix}trouble:${scope}`;
  measurements = (id: string) => `${this.prefix}meas:cam:${id}`;
  histCam = (id: string) => `${this.prefix}hist:cam:${id}`;
  histSchool = (id: string) => `${this.prefix}hist:school:${id}`;
  agent = (id: string) => `${this.prefix}agent:${id}`;
  agents = () => `${this.prefix}agents`;
  agentSeen = () => `${this.prefix}agents:seen`;
  /** agents not judged silent before their score (ms): their server went away, they are in reconnect backoff */
  agentGrace = () => `${this.prefix}agents:grace`;
  /** live server instances (score: last heartbeat, ms) and the agents each holds */
  instances = () => `${this.prefix}instances`;
  instanceAgents = (id: string) => `${this.prefix}instance:${id}:agents`;
  /** nobody is judged silent before this time (ms): the first instance came up after an outage */
  linkGrace = () => `${this.prefix}link:grace`;
  agentToken = (sha: string) => `${this.prefix}agenttoken:${sha}`;
  enrol = (code: string) => `${this.prefix}enrol:${code}`;
  user = (name: string) => `${this.prefix}user:${name}`;
  users = () => `${this.prefix}users`;
  /** the users of one role (an index: assigning an alert looks among operators and admins, not school staff) */
  usersWithRole = (role: string) => `${this.prefix}users:role:${role}`;
  /** set once the role index holds every user (stores from before the index are filled in on first use) */
  usersIndexed = () => `${this.prefix}users:role-index`;
  session = (sid: string) => `${this.prefix}session:${sid}`;
  lock = (name: string) => `${this.prefix}lock:${name}`;
  deltas = () => `${this.prefix}deltas`;
  audit = () => `${this.prefix}audit`;
  /** how far the audit stream has been copied to the object store (its last id, and how many entries up to it) */
  auditShipped = () => `${this.prefix}audit:shipped`;
  /** test messages sent to a school's contacts this minute (a counter that expires) */
  contactTests = (schoolId: string) => `${this.prefix}contacttests:${schoolId}`;
  quarantine = () => `${this.prefix}quarantine`;
  rollupReport = () => `${this.prefix}rollups:report`;
  /** the archive's last verification (JSON: ArchiveVerification) */
  archiveVerification = () => `${this.prefix}archive:verification`;
  requirements = () => `${this.prefix}requirements`;
  /** the alerting configuration in force (JSON: AlertingConfig, versioned) */
  alerting = () => `${this.prefix}alerting`;
  /** a school's compliance verdict (JSON) and what it adds to the figures above it */
  compliance = (schoolId: string) => `${this.prefix}compliance:school:${schoolId}`;
  /** compliance figures of a scope ('district:<id>', 'region:<code>', 'country') */
  complianceFigures = (scope: string) => `${this.prefix}ccount:${scope}`;
  /** covered schools that are not compliant, since when (ms): their alert opens after the rule's debounce */
  compliancePending = () => `${this.prefix}compliance:pending`;
  alertsChannel = () => `${this.prefix}alerts`;
  alert = (id: string) => `${this.prefix}alert:${id}`;
  alertOpen = (rule: string, subject: string) => `${this.prefix}alertopen:${rule}:${subject}`;
  /** the last alert of (rule, subject), for a day after it last opened or reopened: one that resolved by itself may
   * reopen */
  alertLast = (rule: string, subject: string) => `${this.prefix}alertlast:${rule}:${subject}`;
  alertsActive = () => `${this.prefix}alerts:active`;
  alertsAll = () => `${this.prefix}alerts:all`;
  alertsOf = (subject: string) => `${this.prefix}alerts:of:${subject}`;
  alertedCams = () => `${this.prefix}alerts:cams`;
  alertSeq = () => `${this.prefix}alerts:seq`;
  pending = (rule: string, subject: string) => `${this.prefix}alertpending:${rule}:${subject}`;
  clearing = (alertId: string) => `${this.prefix}alertclearing:${alertId}`;
  maintenanceOf = (schoolId: string) => `${this.prefix}maintenance:school:${schoolId}`;
  maintenanceEnds = () => `${this.prefix}maintenance:ends`;
  bullPrefix = () => `${this.prefix}bull`;
  /** written at bootstrap: a Redis that answers without it has lost the deployment's data */
  sentinel = () => `${this.prefix}sentinel`;
  /** live video (services/live-video.ts): a camera's session, its record, viewers, a school's viewers, its start */
  liveCamera = (cameraId: string) => `${this.prefix}live:camera:${cameraId}`;
  liveSession = (id: string) => `${this.prefix}live:session:${id}`;
  liveViewers = (id: string) => `${this.prefix}live:viewers:${id}`;
  liveSchool = (schoolId: string) => `${this.prefix}live:school:${schoolId}`;
  liveInit = (id: string) => `${this.prefix}live:init:${id}`;
  /** channels: the video, and the agent's messages about it (the session id last) */
  liveData = (id: string) => `${this.prefix}live:data:${id}`;
  liveControl = (id: string) => `${this.prefix}live:control:${id}`;
}

/**
 * A connection. `failFast` (the API's): while Redis is unreachable commands fail at once, and a command unanswered
 * for 3 s fails, so that REST calls answer 503 instead of hanging; otherwise (agents' ingest) commands wait for
 * Redis to come back — the agents wait for their acknowledgements, their journals hold the rest.
 * `subscriber` (pub/sub only): no ready check. ioredis writes a SUBSCRIBE issued while it connects (TCP up, ready
 * check pending: at start, or during any reconnect) before its INFO ready check; Redis refuses the INFO in
 * subscriber mode, ioredis reconnects and forgets the subscription — silently, for good (ioredis issue #2037,
 * 5.x; reproduced here 20 times in 20). That was the second instance hearing nothing of the first. A subscriber
 * connection has nothing to wait for anyway: SUBSCRIBE is allowed while Redis loads its data.
 */
export function connectRedis(url: string, o: { failFast?: boolean; subscriber?: boolean } = {}): Redis {
  const r = new Redis(url, {
    enableAutoPipelining: !o.subscriber,
    ...(o.subscriber ? { enableReadyCheck: false } : {}),
    lazyConnect: false,
    ...(o.failFast
      ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 3000 }
      : { maxRetriesPerRequest: null }),
  });
  // a lost connection shows in the failing commands and in readiness (StoreGuard logs it), not as an unhandled event
  r.on('error', () => undefined);
  return r;
}

/** Resolves once a connection is ready (a fail-fast one refuses commands before that). */
export function whenReady(r: Redis): Promise<void> {
  if (r.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => r.once('ready', () => resolve()));
}
