import { readFileSync } from 'node:fs';
import { NATIONAL_DEFAULT_PROFILE, RequirementProfile } from '@kuzet/protocol';
import YAML from 'yaml';
import { z } from 'zod';

const Seconds = z.number().positive();
const WsUrl = z.string().regex(/^wss?:\/\//, 'ws:// or wss:// URL of the server (…/agent/link)');

export const CredentialRule = z.object({
  /** IPv4 addresses, ranges (a.b.c.d-e.f.g.h), CIDRs or '*'; the first rule that matches a camera's address wins */
  hosts: z.array(z.string()).default(['*']),
  username: z.string().min(1),
  password: z.string().min(1),
});
export type CredentialRule = z.infer<typeof CredentialRule>;

export const NvrConfig = z.object({
  xaddr: z.url(),
  username: z.string().min(1),
  password: z.string().min(1),
  /** recording token → camera (serial number or IPv4 address) when the NVR's SourceIds say too little */
  map: z.record(z.string(), z.string()).default({}),
});
export type NvrConfig = z.infer<typeof NvrConfig>;

export const AgentConfig = z.object({
  agentId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (max 64)'),
  schoolId: z.string().optional(),
  discovery: z
    .object({
      /** interface names or IPv4 addresses to run WS-Discovery on; empty = every non-loopback IPv4 interface */
      interfaces: z.array(z.string()).default([]),
      /** false: no multicast at all, only `unicast` ranges and `static` URLs (schools whose LAN blocks multicast) */
      multicast: z.boolean().default(true),
      /** how long one discovery round listens for ProbeMatches */
      waitMs: z.int().min(200).max(30_000).default(2_000),
      /** Probes per round (UDP may drop some) */
      repeats: z.int().min(1).max(5).default(2),
      intervalSeconds: Seconds.default(300),
      /** rounds a camera may be missing before it is reported gone */
      missingRounds: z.int().min(1).default(3),
      /** addresses probed one by one (unicast) for cameras that ignore multicast: IPs, ranges a-b, CIDRs */
      unicast: z.array(z.string()).default([]),
      /** device service URLs used without discovery */
      static: z.array(z.url()).default([]),
      listenHello: z.boolean().default(true),
      /**
       * service addresses a camera gives that point elsewhere (0.0.0.0, stale, behind NAT): 'auto' uses the address
       * the camera answered on when its own does not answer, 'always' always, 'off' never
       */
      serviceAddresses: z.enum(['auto', 'always', 'off']).default('auto'),
    })
    .prefault({}),
  credentials: z.array(CredentialRule).min(1, 'at least one credentials rule is needed'),
  nvrs: z.array(NvrConfig).default([]),
  intervals: z
    .object({
      reachabilitySeconds: Seconds.default(10),
      sessionSeconds: Seconds.default(60),
      rtspSeconds: Seconds.default(30),
      streamSeconds: Seconds.default(900),
      clockSeconds: Seconds.default(300),
      retentionSeconds: Seconds.default(3600),
      /** a recording search that failed (timed out, an error) is tried again after this, doubling up to retentionSeconds */
      retentionRetrySeconds: Seconds.default(60),
      stateSeconds: Seconds.default(60),
      heartbeatSeconds: Seconds.default(30),
    })
    .prefault({}),
  timeouts: z
    .object({
      onvifMs: z.int().positive().default(4_000),
      slowMs: z.int().positive().default(1_500),
      rtspMs: z.int().positive().default(4_000),
      streamMs: z.int().positive().default(25_000),
    })
    .prefault({}),
  concurrency: z
    .object({
      onvif: z.int().positive().default(32),
      rtsp: z.int().positive().default(16),
      stream: z.int().positive().default(2),
      identify: z.int().positive().default(32),
    })
    .prefault({}),
  stream: z
    .object({
      /** seconds of live video decoded to look for a black or frozen picture */
      analyseSeconds: z.number().min(2).max(30).default(4),
      transport: z.enum(['tcp', 'udp']).default('tcp'),
      /** take one small picture per deep check for the centre (shown only to roles that need it, views audited) */
      snapshots: z.boolean().default(true),
    })
    .prefault({}),
  retention: z.object({ maxGapWindowDays: z.number().positive().default(31) }).prefault({}),
  /** live views the centre orders: at most this many cameras relayed at once (each one ffmpeg and one upstream) */
  live: z.object({ maxSessions: z.int().positive().max(32).default(4) }).prefault({}),
  requirements: RequirementProfile.default(NATIONAL_DEFAULT_PROFILE),
  log: z.object({ level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info') }).prefault({}),
  /** the centre: one outbound websocket; messages wait in the on-disk journal while it is unreachable */
  server: z
    .object({
      /** the server's link URL, or several (instances of one deployment): the agent moves to the next when one is gone */
      url: z.union([WsUrl, z.array(WsUrl).min(1)]).transform((u) => (Array.isArray(u) ? u : [u])),
      /** file with the token from `kuzet-agent enrol` (0600) */
      tokenFile: z.string().min(1),
      journalDir: z.string().min(1),
      /** the journal's bound: a week-long outage of a 33-camera school takes ~45 MB (bench/RESULTS.md) */
      journalMaxMb: z.number().positive().default(128),
      /** CA certificate (PEM file) for wss with a private CA */
      caFile: z.string().optional(),
      /** pinned keys of the centre (`sha256/<base64 of the SPKI>`, agents/src/tls.ts): any other key is refused */
      pins: z.array(z.string().regex(/^sha256\/[A-Za-z0-9+/]{43}=$/, 'sha256/ and 44 base64 characters')).default([]),
    })
    .refine((s) => !s.pins.length || s.url.every((u) => u.startsWith('wss://')), {
      message: 'pins need wss:// URLs (a plain ws:// link has no key to pin)',
      path: ['pins'],
    })
    .optional(),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid agent configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Environment overrides: KUZET_AGENT_ID, KUZET_SCHOOL_ID, KUZET_INTERFACES (comma list), KUZET_CAMERA_USER/PASSWORD. */
function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out = { ...raw };
  if (env.KUZET_AGENT_ID) out.agentId = env.KUZET_AGENT_ID;
  if (env.KUZET_SCHOOL_ID) out.schoolId = env.KUZET_SCHOOL_ID;
  if (env.KUZET_INTERFACES)
    out.discovery = { ...(out.discovery as object), interfaces: env.KUZET_INTERFACES.split(',').map((s) => s.trim()) };
  if (env.KUZET_CAMERA_USER && env.KUZET_CAMERA_PASSWORD) {
    const rest = Array.isArray(out.credentials) ? out.credentials : [];
    out.credentials = [...rest, { hosts: ['*'], username: env.KUZET_CAMERA_USER, password: env.KUZET_CAMERA_PASSWORD }];
  }
  return out;
}

/** Validates a configuration object; lists every problem at once. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): AgentConfig {
  const obj = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const r = AgentConfig.safeParse(applyEnv(obj, env));
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  return r.data;
}

export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  let raw: unknown = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError([`cannot read ${file}: ${(err as Error).message}`]);
    }
    try {
      raw = YAML.parse(text);
    } catch (err) {
      throw new ConfigError([`${file} is not valid YAML/JSON: ${(err as Error).message}`]);
    }
  }
  return parseConfig(raw, env);
}
