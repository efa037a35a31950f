import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AlertingConfig, CONTRIBUTION_VERSION, type RequirementsDoc } from '@kuzet/protocol';
import express from 'express';
import type { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { type ServerConfig, ServerConfigError } from './config.ts';
import { createApp, metricsHandler } from './http/app.ts';
import { allowedOrigins } from './http/origin.ts';
import { AccountBackup } from './repositories/accounts-backup.ts';
import { AgentRepository } from './repositories/agents.ts';
import { AlertingRepository, readAlertingFile } from './repositories/alerting.ts';
import { AlertRepository } from './repositories/alerts.ts';
import { ApiTokenRepository } from './repositories/api-tokens.ts';
import { ArchiveRepository } from './repositories/archive.ts';
import { AuditRepository } from './repositories/audit.ts';
import { AuditArchiveRepository } from './repositories/audit-archive.ts';
import { type ObjectStore, objectStoreFor, type S3Options } from './repositories/object-store.ts';
import { connectRedis, Keys, whenReady } from './repositories/redis.ts';
import { RegistryRepository } from './repositories/registry.ts';
import { RequirementsError, RequirementsRepository, readRequirementsFile } from './repositories/requirements.ts';
import { StateRepository } from './repositories/state.ts';
import { UserRepository } from './repositories/users.ts';
import { DocumentError } from './repositories/versioned-doc.ts';
import { withNames } from './services/alert-names.ts';
import { AlertService } from './services/alerts.ts';
import { ArchiveService } from './services/archive.ts';
import { addDays } from './services/archive-day.ts';
import { AuditArchiveService } from './services/audit-archive.ts';
import { DeltaBus } from './services/bus.ts';
import { ComplianceService } from './services/compliance.ts';
import { ComplianceAlerts } from './services/compliance-alerts.ts';
import { ComplianceThread } from './services/compliance-offthread.ts';
import { GridCache } from './services/grid-cache.ts';
import { Housekeeping } from './services/housekeeping.ts';
import { IngestService } from './services/ingest.ts';
import { IntegrityService } from './services/integrity.ts';
import { LinkMonitor } from './services/link-monitor.ts';
import { LiveVideoService } from './services/live-video.ts';
import { Metrics } from './services/metrics.ts';
import { Notifier } from './services/notifier.ts';
import { PdfThread } from './services/pdf-offthread.ts';
import { expirePictures } from './services/picture-lifecycle.ts';
import { ReferenceService } from './services/references.ts';
import { registryFromCsv } from './services/registry-csv.ts';
import { StoreGuard } from './services/store-guard.ts';
import { WebhookPolicy } from './services/webhook-policy.ts';
import { ThreadRpc } from './threads/rpc.ts';
import { AgentLinkServer } from './ws/agent-link.ts';
import { FrameDecoder } from './ws/frame-decoder.ts';
import { LiveServer } from './ws/live.ts';
import { refuseUpgrade } from './ws/upgrade.ts';
import { VideoSockets } from './ws/video.ts';

/** The repository's requirement document (config/requirements.json). */
function defaultRequirementsFile(): string {
  return fileURLToPath(new URL('../../config/requirements.json', import.meta.url));
}

/** The dashboard to serve: the configured directory, else the repository's build when there is one. */
function dashboardDir(configured: string | undefined): string | undefined {
  if (configured !== undefined) return configured || undefined;
  const built = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));
  return existsSync(join(built, 'index.html')) ? built : undefined;
}

export interface RunningServer {
  url: string;
  port: number;
  redis: Redis;
  keys: Keys;
  registry: RegistryRepository;
  users: UserRepository;
  agents: AgentRepository;
  ingest: IngestService;
  monitor: LinkMonitor;
  bus: DeltaBus;
  alerts: AlertService;
  archive: ArchiveService;
  close(): Promise<void>;
}

/** Where objects are kept (camera pictures, the archive): S3 (MinIO) when configured, else a directory here. */
export function storeConfig(cfg: ServerConfig): { dir: string; s3?: S3Options } {
  return {
    dir: cfg.KUZET_OBJECT_DIR,
    ...(cfg.KUZET_S3_ENDPOINT
      ? {
          s3: {
            endpoint: cfg.KUZET_S3_ENDPOINT,
            bucket: cfg.KUZET_S3_BUCKET,
            accessKey: cfg.KUZET_S3_ACCESS_KEY!,
            secretKey: cfg.KUZET_S3_SECRET_KEY!,
            region: cfg.KUZET_S3_REGION,
          },
        }
      : {}),
  };
}
export const objectStore = (cfg: ServerConfig): ObjectStore => objectStoreFor(storeConfig(cfg));

/** Waits for a step of a shutdown, at most `ms` (its failure is not the shutdown's). */
const bounded = (p: Promise<unknown>, ms = 3000): Promise<unknown> =>
  Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, ms).unref())]);

/** Starts one stateless server instance: everything it knows lives in Redis under the configured prefix. */
export async function startServer(
  cfg: ServerConfig,
  log: Logger = pino({ level: cfg.KUZET_LOG_LEVEL }),
): Promise<RunningServer> {
  // the requirement document first: a bad file stops the start with every problem listed
  let requirementsFile: RequirementsDoc;
  try {
    requirementsFile = readRequirementsFile(cfg.KUZET_REQUIREMENTS ?? defaultRequirementsFile());
  } catch (err) {
    if (err instanceof RequirementsError) throw new ServerConfigError(err.problems);
    throw err;
  }
  let alertingFile: AlertingConfig;
  try {
    alertingFile = readAlertingFile(cfg.KUZET_ALERTING);
  } catch (err) {
    if (err instanceof DocumentError) throw new ServerConfigError(err.problems.map((p) => `KUZET_ALERTING ${p}`));
    throw err;
  }
  // the API's connection fails fast while Redis is away (REST answers 503 instead of hanging)
  const redis = connectRedis(cfg.KUZET_REDIS_URL, { failFast: true });
  // the pub/sub connection: its own (see connectRedis on subscribers)
  const sub = connectRedis(cfg.KUZET_REDIS_URL, { subscriber: true });
  if (redis.status !== 'ready') log.info('waiting for Redis');
  await whenReady(redis);
  const keys = new Keys(cfg.KUZET_PREFIX);
  const metrics = new Metrics();
  metrics.redisMemory.collect = async () => {
    const info = String(await redis.info('memory'));
    const field = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    return { used: field('used_memory'), max: field('maxmemory') };
  };
  const registry = new RegistryRepository(redis, keys);
  const store = objectStore(cfg);
  const backup = new AccountBackup(store);
  const backupFailed = (err: unknown) => log.error({ err }, 'copying an account to the object store failed');
  const users = new UserRepository(redis, keys, backup, backupFailed);
  const agents = new AgentRepository(redis, keys, backup, backupFailed);
  // ingest has its own connection: a burst of agent batches (every agent resyncing after a restart) must not
  // queue the API's and the live push's reads behind it on one socket
  const ingestRedis = connectRedis(cfg.KUZET_REDIS_URL);
  // and the steady flood of health batches has one more: a state change (a camera going offline) must not wait
  // behind hundreds of queued health scripts before it is stored and pushed
  const healthRedis = connectRedis(cfg.KUZET_REDIS_URL);
  const ingest = new IngestService(ingestRedis, keys, cfg.KUZET_NEW_CAMERA_GRACE_SECONDS * 1000, store, healthRedis);
  const state = new StateRepository(redis, keys);
  const bus = new DeltaBus(redis, sub, keys.deltas());
  bus.onListenerError = (err) => log.error({ err }, 'a live listener failed');
  await whenReady(sub);
  await bus.start();
  const references = new ReferenceService({ store, state, bus });
  const grid = new GridCache(state);
  bus.on('deltas', (d) => grid.apply(d));
  bus.on('resubscribed', () => {
    metrics.busResubscribed.inc();
    log.warn('the pub/sub connection to Redis came back: changes of the gap reloaded');
    grid.invalidateAll();
  });
  bus.on('control', (m) => {
    if (m.kind !== 'grid_changed') return;
    if (m.regionCode) grid.invalidate(m.regionCode);
    else grid.invalidateAll();
  });
  const integrity = new IntegrityService(redis, keys, registry, bus, metrics, log);
  const housekeeping = new Housekeeping(cfg.KUZET_REDIS_URL, keys, log, metrics, cfg.KUZET_WORKERS);
  await housekeeping.schedule('rollups', { everyMs: cfg.KUZET_ROLLUP_CHECK_MINUTES * 60_000 }, () =>
    integrity.verifyNow(),
  );
  const monitor = new LinkMonitor(
    redis,
    keys,
    registry,
    ingest.state,
    bus,
    cfg.KUZET_LINK_DOWN_SECONDS * 1000,
    log,
    cfg.KUZET_AGENT_MAX_BACKOFF_SECONDS * 1000,
  );
  const alertRepo = new AlertRepository(redis, keys);
  const alerts = new AlertService({
    redisUrl: cfg.KUZET_REDIS_URL,
    keys,
    state,
    alerts: alertRepo,
    bus,
    metrics,
    notifier: new Notifier({
      webhookSecret: cfg.KUZET_WEBHOOK_SECRET,
      smtpUrl: cfg.KUZET_SMTP_URL,
      smtpFrom: cfg.KUZET_SMTP_FROM,
      telegramApi: cfg.KUZET_TELEGRAM_API,
      telegramToken: cfg.KUZET_TELEGRAM_TOKEN,
      timeoutMs: 10_000,
      webhookPolicy: new WebhookPolicy(cfg.KUZET_WEBHOOK_INTERNAL_ALLOW),
    }),
    config: alertingFile,
    log,
    workers: cfg.KUZET_WORKERS,
    notifyBackoffMs: cfg.KUZET_NOTIFY_BACKOFF_MS,
    dashboardUrl: cfg.KUZET_PUBLIC_URL,
  });
  const requirements = new RequirementsRepository(redis, keys, store);
  const alerting = new AlertingRepository(redis, keys, store);
  const compliance = new ComplianceService(redis, keys, registry, requirements, bus, log);
  // alerts by the names people use, in live pushes and in what is sent out
  alerts.nameAlerts = (a) => withNames({ redis, keys, registry, compliance }, a);
  const complianceThread = new ComplianceThread(cfg.KUZET_REDIS_URL, cfg.KUZET_PREFIX, log, {
    store: storeConfig(cfg),
    timeZone: cfg.KUZET_TIMEZONE,
  });
  compliance.thread = complianceThread;
  compliance.threadAbove = cfg.KUZET_COMPLIANCE_THREAD_ABOVE;
  const complianceAlerts = new ComplianceAlerts(compliance, alerts, registry);
  compliance.onChanged = (changes) => complianceAlerts.changed(changes);
  monitor.onLink = async (e) => {
    compliance.markDirty(e.place.schoolId); // its signal, and whether it has a working agent, changed
    await alerts.linkChanged(e.agentId, e.place, e.down, e.at, e.cameras);
  };

  const guard = new StoreGuard(
    redis,
    keys,
    {
      registry: async () => {
        const r = await requirements.seed(requirementsFile);
        log.info({ version: r.doc.version, source: r.source }, 'requirement profiles');
        const a = await alerting.seed(alertingFile);
        alerts.setConfig(a.doc);
        log.info({ version: a.doc.version, source: a.source }, 'alerting configuration');
        if (a.fileIgnored && cfg.KUZET_ALERTING)
          log.warn(
            { file: cfg.KUZET_ALERTING, version: a.doc.version },
            "the alerting file differs from the stored configuration, which is in force (changed from the dashboard): raise the file's version above it to make the file win",
          );
        if (!cfg.KUZET_REGISTRY) return;
        const text = readFileSync(cfg.KUZET_REGISTRY, 'utf8');
        const { moved, agentsMoved, ...counts } = await registry.import(
          cfg.KUZET_REGISTRY.endsWith('.csv') ? registryFromCsv(text) : JSON.parse(text),
        );
        await integrity.moveSchools(moved, agentsMoved);
        log.info({ ...counts, moved: moved.length }, 'registry imported');
      },
      admin: async () => {
        if ((await users.count()) > 0 || !cfg.KUZET_ADMIN_PASSWORD) return;
        await users.create({
          username: cfg.KUZET_ADMIN_USER,
          password: cfg.KUZET_ADMIN_PASSWORD,
          role: 'admin',
          regions: [],
        });
        log.info({ user: cfg.KUZET_ADMIN_USER }, 'bootstrap admin created');
      },
    },
    users,
    agents,
    backup,
    bus,
    metrics,
    log,
  );
  await guard.init();
  await compliance.reload();
  await housekeeping.schedule('compliance', { everyMs: 3_600_000 }, () => compliance.evaluateAll());
  // the pictures' lifecycle: none older than KUZET_PICTURE_DAYS, in whichever store holds them
  await housekeeping.schedule('pictures', { everyMs: cfg.KUZET_PICTURE_SWEEP_MINUTES * 60_000 }, () =>
    expirePictures(store, cfg.KUZET_PICTURE_DAYS * 86_400_000, async (ids) => {
      const p = redis.pipeline();
      for (const id of ids) p.hdel(keys.cam(id), 'snapshotAt');
      await p.exec();
    }),
  );
  await housekeeping.schedule('compliance-alerts', { everyMs: cfg.KUZET_COMPLIANCE_SWEEP_SECONDS * 1000 }, () =>
    complianceAlerts.sweep(),
  );
  // the alerting configuration changed on any instance: every instance pages and escalates by the new one
  bus.on('control', (m) => {
    if (m.kind !== 'alerting_changed') return;
    void alerting
      .current()
      .then((c) => c && alerts.setConfig(c))
      .catch((err) => log.error({ err }, 'reloading the alerting configuration failed'));
  });
  // a profile changed on any instance: every instance uses it (and tells its agents); the changing one re-evaluates
  bus.on('control', (m) => {
    if (m.kind !== 'requirements_changed') return;
    void compliance
      .reload()
      .then(() => {
        bus.emit('requirements', m.version);
        return link.requirementsChanged();
      })
      .catch((err) => log.error({ err }, 'reloading the requirements failed'));
  });
  const pdf = new PdfThread(cfg.KUZET_PDF_FONT_DIR);
  if (!existsSync(join(cfg.KUZET_PDF_FONT_DIR, 'DejaVuSans.ttf')))
    log.error(
      { dir: cfg.KUZET_PDF_FONT_DIR },
      'no DejaVuSans.ttf there: PDF reports will fail (apt-get install fonts-dejavu-core)',
    );
  const archive = new ArchiveService({
    redis,
    keys,
    registry,
    compliance,
    repo: new ArchiveRepository(store, redis, keys),
    timeZone: cfg.KUZET_TIMEZONE,
    log,
  });
  // a day of every camera is seconds of work at full size: in the compliance thread, off the event loop
  archive.offThread = (kind, now, day) => complianceThread.archive(kind, now, day);
  // the day that ended, once (one instance runs it; a day already archived is skipped, so a rerun changes nothing);
  // then the chain is verified (its links, and the objects of the last month)
  const archiveDaily = async () => {
    const r = await archive.runDaily();
    const v = await archive.verify(addDays(archive.today(), -31));
    return { ...r, verified: v.ok };
  };
  await housekeeping.schedule('archive', { pattern: cfg.KUZET_ARCHIVE_CRON, tz: cfg.KUZET_TIMEZONE }, archiveDaily);
  // and at start, a day missed while no instance was up (one job per day: its id)
  await housekeeping.queue.add('archive', {}, { jobId: `archive-start-${archive.today()}` });
  await housekeeping.schedule('archive-late', { everyMs: cfg.KUZET_ARCHIVE_LATE_SECONDS * 1000 }, () =>
    archive.reviseLate(),
  );
  // verdicts for every school of the registry when there are none yet (a first start, a rebuilt store), or when the
  // figures hold contributions of an older kind (see CONTRIBUTION_VERSION)
  const country = await compliance.figures('country');
  if (Object.keys(country).length === 0 || (country[CONTRIBUTION_VERSION] ?? 0) < (country.schools ?? 0))
    void compliance.evaluateAll().then(
      (r) => log.info(r, 'compliance evaluated for every school'),
      (err) => log.error({ err }, 'evaluating compliance failed'),
    );

  void registry.regions().then((rs) => grid.warm(rs.map((r) => r.code)));
  const audit = new AuditRepository(redis, keys);
  const auditThread = new ThreadRpc(
    new URL('./threads/audit-thread.ts', import.meta.url),
    'audit thread',
    { redisUrl: cfg.KUZET_REDIS_URL, prefix: cfg.KUZET_PREFIX, store: storeConfig(cfg) },
    { log, idleMs: 120_000 },
  );
  audit.offThread = (q) => auditThread.call({ kind: 'read', q });
  // the log beyond Redis's newest entries: copied every minute, a day per object, kept for the retention
  const auditArchive = new AuditArchiveService(new AuditArchiveRepository(redis, keys, store), audit, {
    timeZone: cfg.KUZET_TIMEZONE,
    retentionDays: cfg.KUZET_AUDIT_RETENTION_DAYS,
    log,
    metrics,
  });
  auditArchive.compactOffThread = (day) => auditThread.call({ kind: 'compact', day });
  await housekeeping.schedule('audit-copy', { everyMs: cfg.KUZET_AUDIT_COPY_SECONDS * 1000 }, () =>
    auditArchive.ship(),
  );
  await housekeeping.schedule('audit-daily', { pattern: '20 0 * * *', tz: cfg.KUZET_TIMEZONE }, () =>
    auditArchive.daily(),
  );
  const videoSub = connectRedis(cfg.KUZET_REDIS_URL, { subscriber: true });
  const video = new LiveVideoService({
    redis,
    sub: videoSub,
    keys,
    bus,
    audit,
    metrics,
    log,
    limits: {
      sessionSeconds: cfg.KUZET_LIVE_SESSION_SECONDS,
      perCamera: cfg.KUZET_LIVE_VIEWERS_PER_CAMERA,
      perSchool: cfg.KUZET_LIVE_VIEWERS_PER_SCHOOL,
      schoolKbps: cfg.KUZET_LIVE_SCHOOL_KBPS,
      startSeconds: cfg.KUZET_LIVE_START_SECONDS,
    },
  });
  let ready = false;
  const app = createApp(
    {
      redis,
      keys,
      registry,
      state,
      measurements: ingest.measurements,
      claims: ingest.claims,
      integrity,
      compliance,
      archive,
      pdf,
      users,
      apiTokens: new ApiTokenRepository(redis, keys),
      agents,
      metrics,
      grid,
      alerts,
      alertRepo,
      alerting,
      store,
      references,
      audit,
      video,
      bus,
      log,
      secureCookies: cfg.KUZET_SECURE_COOKIES,
      trustProxy: cfg.KUZET_TRUST_PROXY,
      allowedOrigins: allowedOrigins(cfg.KUZET_PUBLIC_URL, cfg.KUZET_ALLOWED_ORIGINS),
      metricsElsewhere: cfg.KUZET_METRICS_PORT !== undefined,
      metricsToken: cfg.KUZET_METRICS_TOKEN,
      sessionHours: cfg.KUZET_SESSION_HOURS,
      dashboardDir: dashboardDir(cfg.KUZET_DASHBOARD_DIR),
    },
    async () => {
      const r = await guard.readiness();
      return { ok: r.redis && !r.storeLost && ready, ...r, ready };
    },
  );
  // /metrics on an internal listener of its own, when configured
  const metricsServer =
    cfg.KUZET_METRICS_PORT === undefined
      ? undefined
      : http.createServer(
          express()
            .get('/metrics', metricsHandler({ metrics, metricsToken: cfg.KUZET_METRICS_TOKEN }))
            .use((_req, res) => void res.status(404).end()),
        );
  if (metricsServer)
    await new Promise<void>((resolve) =>
      metricsServer.listen(cfg.KUZET_METRICS_PORT, cfg.KUZET_METRICS_HOST, () => resolve()),
    );
  const server =
    cfg.KUZET_TLS_CERT && cfg.KUZET_TLS_KEY
      ? https.createServer({ cert: readFileSync(cfg.KUZET_TLS_CERT), key: readFileSync(cfg.KUZET_TLS_KEY) }, app)
      : http.createServer(app);
  const link = new AgentLinkServer({
    agents,
    registry,
    ingest,
    decoder: new FrameDecoder(cfg.KUZET_DECODE_THREADS, log),
    compliance,
    archive,
    alerts,
    references,
    bus,
    monitor,
    metrics,
    log,
    heartbeatSeconds: cfg.KUZET_HEARTBEAT_SECONDS,
    maxFramesInFlight: cfg.KUZET_AGENT_FRAMES_IN_FLIGHT,
    maxBytesInFlight: cfg.KUZET_AGENT_MB_IN_FLIGHT * 1024 * 1024,
  });
  // acknowledgements first: agents waiting on a backlog (every resync at once) are not kept waiting by verdicts
  compliance.busy = () => link.backlogged();
  const live = new LiveServer({
    users,
    registry,
    nameAlerts: alerts.nameAlerts,
    state,
    bus,
    metrics,
    pushMs: cfg.KUZET_LIVE_PUSH_MS,
    allowedOrigins: allowedOrigins(cfg.KUZET_PUBLIC_URL, cfg.KUZET_ALLOWED_ORIGINS),
    heartbeatSeconds: cfg.KUZET_HEARTBEAT_SECONDS,
  });
  const videoSockets = new VideoSockets({
    redis,
    keys,
    registry,
    users,
    agents,
    video,
    metrics,
    log,
    allowedOrigins: allowedOrigins(cfg.KUZET_PUBLIC_URL, cfg.KUZET_ALLOWED_ORIGINS),
  });
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const h =
      path === '/agent/link'
        ? link
        : path === '/api/v1/live'
          ? live
          : VideoSockets.handles(path)
            ? videoSockets
            : undefined;
    if (!h) return refuseUpgrade(socket, '404 Not Found');
    h.handleUpgrade(req, socket, head).catch(() => socket.destroy());
  });
  await monitor.join();
  // after a restart thousands of agents reconnect at once: with Node's default backlog (511) the kernel drops the
  // connections beyond it and each waits out TCP's retransmission (1, 3, 7, 15 s…); the kernel caps this at somaxconn
  await new Promise<void>((resolve) =>
    server.listen({ port: cfg.KUZET_PORT, host: cfg.KUZET_HOST, backlog: 8192 }, () => resolve()),
  );
  monitor.start();
  guard.start();
  ready = true;
  const port = (server.address() as AddressInfo).port;
  const scheme = cfg.KUZET_TLS_CERT ? 'https' : 'http';
  log.info({ port }, 'server listening');
  return {
    url: `${scheme}://${cfg.KUZET_HOST}:${port}`,
    port,
    redis,
    keys,
    registry,
    users,
    agents,
    ingest,
    monitor,
    bus,
    alerts,
    archive,
    async close() {
      ready = false;
      guard.stop();
      compliance.stop();
      await bounded(complianceThread.close());
      await bounded(pdf.close());
      await bounded(auditThread.close());
      metricsServer?.close();
      monitor.stop();
      live.close();
      videoSockets.close();
      await bounded(video.close());
      grid.stop();
      await link.close();
      // each step that needs Redis is bounded: with Redis gone, a graceful close must still end
      await bounded(monitor.leave());
      // graceful: workers finish the jobs they hold; waiting and delayed jobs stay in Redis for the next start
      await bounded(alerts.close(), 10_000);
      await bounded(housekeeping.close());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      sub.disconnect();
      videoSub.disconnect();
      for (const r of [redis, ingestRedis, healthRedis]) {
        if (r.status === 'ready') await bounded(r.quit());
        r.disconnect();
      }
    },
  };
}
