import { isIP } from 'node:net';
import { z } from 'zod';

/** a host name, an address, or a network (address/prefix length) */
function allowEntry(e: string): boolean {
  const [net, bits, extra] = e.split('/');
  if (extra !== undefined) return false;
  const v = isIP(net ?? '');
  if (bits !== undefined) return v > 0 && /^\d+$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128);
  return v > 0 || /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(e);
}

/** a comma-separated list (blanks and empty entries dropped); empty by default */
const commaList = () =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );

const Bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Server configuration from the environment, validated at start (every problem listed, exit 1). */
export const ServerEnv = z.object({
  KUZET_HOST: z.string().default('127.0.0.1'),
  KUZET_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  KUZET_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'redis://host:port')
    .default('redis://127.0.0.1:6379'),
  /** every key and channel starts with this: several deployments (or tests) can share one Redis */
  KUZET_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]+$/i)
    .default('kuzet:'),
  KUZET_HEARTBEAT_SECONDS: z.coerce.number().positive().default(15),
  /** agent frames read but not yet stored, over all links; past it the server stops reading links until half are */
  KUZET_AGENT_FRAMES_IN_FLIGHT: z.coerce.number().int().positive().default(2000),
  /** and their size: past it too every link stops being read (every agent's resync at once must not exhaust memory) */
  KUZET_AGENT_MB_IN_FLIGHT: z.coerce.number().positive().default(32),
  /** worker threads that parse and validate agents' frames; 0: on the event loop */
  KUZET_DECODE_THREADS: z.coerce.number().int().min(0).max(16).default(1),
  /** how often covered, non-compliant schools are checked for their alert's debounce */
  KUZET_COMPLIANCE_SWEEP_SECONDS: z.coerce.number().positive().default(30),
  /** schools changed at once above which their verdicts are computed in the compliance thread, not on the loop */
  KUZET_COMPLIANCE_THREAD_ABOVE: z.coerce.number().int().min(0).default(20),
  /** how often the roll-ups are verified against the cameras (and repaired, reported) */
  KUZET_ROLLUP_CHECK_MINUTES: z.coerce.number().positive().default(60),
  /** an agent silent this long has its school marked link-down */
  KUZET_LINK_DOWN_SECONDS: z.coerce.number().positive().default(45),
  /** the agents' longest reconnect backoff: after an outage of the centre nobody is judged before threshold + this */
  KUZET_AGENT_MAX_BACKOFF_SECONDS: z.coerce.number().nonnegative().default(60),
  KUZET_ADMIN_USER: z.string().min(1).default('admin'),
  /** bootstrap admin password, used only when no user exists yet */
  KUZET_ADMIN_PASSWORD: z.string().min(8, 'at least 8 characters').optional(),
  /**
   * the requirement profiles, zones, assignments and deadlines (JSON, protocol RequirementsDoc): seeds the stored
   * document, and replaces it when its version is higher. Default: the repository's config/requirements.json
   */
  KUZET_REQUIREMENTS: z.string().optional(),
  /** registry imported at start when given: JSON (protocol Registry) or a schools CSV (see registry-csv.ts) */
  KUZET_REGISTRY: z.string().optional(),
  /** Secure session cookies; unset: when the request came over TLS (directly or through a trusted proxy) */
  KUZET_SECURE_COOKIES: Bool.optional(),
  /** the reverse proxy in front (express "trust proxy": addresses, CIDRs or loopback); none: X-Forwarded-* ignored */
  KUZET_TRUST_PROXY: z.string().optional(),
  /** origins (besides the server's own and KUZET_PUBLIC_URL's) from which the dashboard may change state */
  KUZET_ALLOWED_ORIGINS: commaList().pipe(z.array(z.url())),
  /** /metrics wants this bearer token; without it (and without KUZET_METRICS_PORT) only loopback may scrape */
  KUZET_METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** serve /metrics on its own listener (KUZET_METRICS_HOST, default 127.0.0.1) instead of the main port */
  KUZET_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  KUZET_METRICS_HOST: z.string().default('127.0.0.1'),
  KUZET_SESSION_HOURS: z.coerce.number().positive().default(12),
  KUZET_TLS_CERT: z.string().optional(),
  KUZET_TLS_KEY: z.string().optional(),
  KUZET_LIVE_PUSH_MS: z.coerce.number().int().min(100).default(100),
  /** the built dashboard (vite build) served at /; empty: no dashboard. Default: the repository's dashboard/dist */
  KUZET_DASHBOARD_DIR: z.string().optional(),
  /** alerting rules, escalation and contacts: a JSON file (protocol AlertingConfig); defaults without it */
  KUZET_ALERTING: z.string().optional(),
  /** run the alert and notification workers in this process */
  KUZET_WORKERS: Bool.default(true),
  KUZET_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  /**
   * host names, addresses and networks (comma-separated: hooks.lan, 10.20.0.5, 10.30.0.0/16) a school's own webhook
   * may reach although they are internal (loopback, private, link-local); none by default (see WebhookPolicy)
   */
  KUZET_WEBHOOK_INTERNAL_ALLOW: commaList().refine(
    (list) => list.every(allowEntry),
    'host names, addresses or networks (10.30.0.0/16), comma-separated',
  ),
  KUZET_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'smtp://user:pass@host:port')
    .optional(),
  KUZET_SMTP_FROM: z.string().default('Kuzet <kuzet@localhost>'),
  KUZET_TELEGRAM_API: z.url().default('https://api.telegram.org'),
  KUZET_TELEGRAM_TOKEN: z.string().optional(),
  /** first retry of a failed notification after this long, then doubling */
  KUZET_NOTIFY_BACKOFF_MS: z.coerce.number().int().min(10).default(5000),
  /** the dashboard's address as people reach it, for links in notifications */
  KUZET_PUBLIC_URL: z.url().optional(),
  /** cameras found within this time of a school's first one are its inventory; later ones raise camera_new */
  KUZET_NEW_CAMERA_GRACE_SECONDS: z.coerce.number().nonnegative().default(3600),
  /** camera pictures: a directory on this server (default), or an S3 bucket when KUZET_S3_ENDPOINT is set */
  KUZET_OBJECT_DIR: z.string().default('var/objects'),
  /** camera pictures older than this are deleted (children appear in them: kept no longer than needed) */
  KUZET_PICTURE_DAYS: z.coerce.number().positive().default(7),
  /** live video: a viewer's time (extendable in the player) */
  KUZET_LIVE_SESSION_SECONDS: z.coerce.number().int().min(10).default(120),
  /** viewers of one camera at once (one upstream from the school however many) */
  KUZET_LIVE_VIEWERS_PER_CAMERA: z.coerce.number().int().positive().default(5),
  /** live viewers of one school at once */
  KUZET_LIVE_VIEWERS_PER_SCHOOL: z.coerce.number().int().positive().default(10),
  /** a school's uplink budget for all its live video (fits a 2 Mbit/s uplink beside the status link) */
  KUZET_LIVE_SCHOOL_KBPS: z.coerce.number().int().min(100).default(1500),
  /** how long a school's agent may take to start a stream */
  KUZET_LIVE_START_SECONDS: z.coerce.number().positive().default(15),
  /** how often the picture lifecycle runs */
  KUZET_PICTURE_SWEEP_MINUTES: z.coerce.number().positive().default(60),
  /** the deployment's time zone: days of the compliance archive end at its midnight */
  KUZET_TIMEZONE: z
    .string()
    .default('Asia/Almaty')
    .refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { message: 'not a time zone (e.g. Asia/Almaty)' },
    ),
  /** when the day that ended is archived (cron, in KUZET_TIMEZONE) */
  KUZET_ARCHIVE_CRON: z.string().default('15 0 * * *'),
  /** how long the audit log's days are kept in the object store (Redis keeps only the newest 100,000 entries) */
  KUZET_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3660).default(365),
  /** how often new audit entries are copied to the object store */
  KUZET_AUDIT_COPY_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** the fonts of PDF reports (DejaVu Sans, with Cyrillic and Kazakh letters: Debian's fonts-dejavu-core) */
  KUZET_PDF_FONT_DIR: z.string().default('/usr/share/fonts/truetype/dejavu'),
  /** how often days that got late status changes (journals replayed after outages) are re-judged */
  KUZET_ARCHIVE_LATE_SECONDS: z.coerce.number().positive().default(300),
  /** empty = unset (compose passes empty strings): pictures stay on the local disk */
  KUZET_S3_ENDPOINT: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  KUZET_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
    .default('kuzet'),
  KUZET_S3_ACCESS_KEY: z.string().optional(),
  KUZET_S3_SECRET_KEY: z.string().optional(),
  KUZET_S3_REGION: z.string().default('us-east-1'),
  KUZET_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});
export type ServerConfig = z.infer<typeof ServerEnv>;

export class ServerConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid server configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const r = ServerEnv.safeParse(env);
  if (!r.success) throw new ServerConfigError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  if (Boolean(r.data.KUZET_TLS_CERT) !== Boolean(r.data.KUZET_TLS_KEY))
    throw new ServerConfigError(['KUZET_TLS_CERT and KUZET_TLS_KEY go together']);
  if (r.data.KUZET_S3_ENDPOINT && !(r.data.KUZET_S3_ACCESS_KEY && r.data.KUZET_S3_SECRET_KEY))
    throw new ServerConfigError(['KUZET_S3_ENDPOINT needs KUZET_S3_ACCESS_KEY and KUZET_S3_SECRET_KEY']);
  return r.data;
}
