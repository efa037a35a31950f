import client from 'prom-client';

/** Prometheus metrics of one server process (/metrics). */
export class Metrics {
  readonly registry = new client.Registry();
  readonly agentsConnected = new client.Gauge({
    name: 'kuzet_agents_connected',
    help: 'agent links open on this instance',
    registers: [this.registry],
  });
  readonly messages = new client.Counter({
    name: 'kuzet_agent_messages_total',
    help: 'agent messages stored',
    registers: [this.registry],
  });
  readonly batches = new client.Counter({
    name: 'kuzet_agent_batches_total',
    help: 'agent batches',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly badFrames = new client.Counter({
    name: 'kuzet_bad_frames_total',
    help: 'frames refused (schema, size, auth)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly storeLost = new client.Counter({
    name: 'kuzet_store_lost_total',
    help: 'times Redis answered without the deployment data (its sentinel gone): the server rebuilt it',
    registers: [this.registry],
  });
  readonly auditArchived = new client.Counter({
    name: 'kuzet_audit_archived_total',
    help: 'audit entries copied to the object store, and entries the stream dropped before they were copied (lost)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly rollupDrift = new client.Counter({
    name: 'kuzet_rollup_drift_total',
    help: 'roll-up values found wrong (and repaired) by the verification',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly foreignReports = new client.Counter({
    name: 'kuzet_foreign_camera_reports_total',
    help: 'reports refused (quarantined) because the camera belongs to another school',
    registers: [this.registry],
  });
  readonly sequenceResets = new client.Counter({
    name: 'kuzet_agent_sequence_resets_total',
    help: 'agents whose hello named a new journal (reinstalled): their stored sequence restarted at 0',
    registers: [this.registry],
  });
  readonly snapshots = new client.Counter({
    name: 'kuzet_snapshots_total',
    help: 'camera pictures from agents (stored, refused) and views of them (viewed, denied)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  /** agent frames read and not yet handled, and links not being read because of it (set by the agent link) */
  readonly agentFrames = new LazyGauge(this.registry, 'kuzet_agent_frames', 'agent frames in flight, links paused', [
    'inFlight',
    'paused',
  ]);
  readonly linkPauses = new client.Counter({
    name: 'kuzet_agent_link_pauses_total',
    help: 'times an agent link stopped being read because the server was behind',
    registers: [this.registry],
  });
  readonly liveViews = new client.Counter({
    name: 'kuzet_live_views_total',
    help: 'live views started, and sessions that ended for a reason other than the viewers leaving',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly liveBytes = new client.Counter({
    name: 'kuzet_live_bytes_total',
    help: 'bytes of live video received from agents by this instance',
    registers: [this.registry],
  });
  readonly busResubscribed = new client.Counter({
    name: 'kuzet_bus_resubscribed_total',
    help: "times this instance's pub/sub connection came back (changes of the gap were missed: caches reloaded)",
    registers: [this.registry],
  });
  readonly liveClients = new client.Gauge({
    name: 'kuzet_live_clients',
    help: 'live dashboard sockets',
    registers: [this.registry],
  });
  readonly pushLatency = new client.Histogram({
    name: 'kuzet_push_latency_seconds',
    help: 'agent message time to push to a live client',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly ingestSeconds = new client.Histogram({
    name: 'kuzet_ingest_batch_seconds',
    help: 'time to store one batch',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  readonly ackSeconds = new client.Histogram({
    name: 'kuzet_agent_ack_seconds',
    help: "an agent frame's arrival to its acknowledgement (decoding, queueing behind the link's earlier frames, storing)",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [this.registry],
  });
  /** Redis's memory, read from INFO when /metrics is scraped (set by the server with its connection) */
  readonly redisMemory = new LazyGauge(this.registry, 'kuzet_redis_memory_bytes', "Redis's used and maximum memory", [
    'used',
    'max',
  ]);

  readonly alertsOpened = new client.Counter({
    name: 'kuzet_alerts_opened_total',
    help: 'alerts opened',
    labelNames: ['rule', 'severity', 'suppressed'],
    registers: [this.registry],
  });
  readonly alertsReopened = new client.Counter({
    name: 'kuzet_alerts_reopened_total',
    help: 'alerts that resolved by themselves and reopened when their condition came back soon after',
    labelNames: ['rule'],
    registers: [this.registry],
  });
  readonly notifications = new client.Counter({
    name: 'kuzet_notifications_total',
    help: 'notifications delivered',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly jobSeconds = new client.Histogram({
    name: 'kuzet_job_latency_seconds',
    help: 'queue job latency: enqueued (plus its delay) to done',
    labelNames: ['queue'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 15, 60],
    registers: [this.registry],
  });
  /** queue depths, read from BullMQ when /metrics is scraped */
  readonly queueDepth = new QueueDepth(this.registry);

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
    // these walk every handle of the process on each scrape: with 7,500 agent sockets and their timers that is a
    // 30–50 ms stall of the event loop per scrape (profiled); kuzet_agents_connected and kuzet_live_clients say it
    for (const m of HANDLE_WALKERS) this.registry.removeSingleMetric(m);
  }
}

const HANDLE_WALKERS = [
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_requests',
  'nodejs_active_requests_total',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
];

/**
 * A gauge whose values are read from their owner when /metrics is scraped (never set on the hot path). A reading
 * that needs Redis is bounded: a scrape never hangs on a slow store (the gauge is left out of that scrape instead).
 */
class LazyGauge {
  collect?: () => Record<string, number> | Promise<Record<string, number>>;
  constructor(registry: client.Registry, name: string, help: string, kinds: string[]) {
    const self = this;
    new client.Gauge({
      name,
      help,
      labelNames: ['kind'],
      registers: [registry],
      async collect() {
        this.reset();
        const v = await Promise.race([
          Promise.resolve(self.collect?.() ?? {}).catch(() => undefined),
          new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000).unref()),
        ]);
        if (v) for (const kind of kinds) this.set({ kind }, v[kind] ?? 0);
      },
    });
  }
}

class QueueDepth {
  private readonly collectors: (() => Promise<[string, string, number][]>)[] = [];
  constructor(registry: client.Registry) {
    const self = this;
    new client.Gauge({
      name: 'kuzet_queue_jobs',
      help: 'jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        // a scrape never hangs on a Redis that is slow to answer: the depths are left out of that one instead
        const depths = await Promise.race([
          Promise.all(self.collectors.map((c) => c().catch(() => []))).then((x) => x.flat()),
          new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000).unref()),
        ]);
        for (const [queue, state, n] of depths ?? []) this.set({ queue, state }, n);
      },
    });
  }
  addCollector(f: () => Promise<[string, string, number][]>): void {
    this.collectors.push(f);
  }
}
