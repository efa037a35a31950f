import { readFileSync } from 'node:fs';
import type { DiscoveredDevice } from '@kuzet/protocol';
import { Command } from 'commander';
import pino from 'pino';
import { Agent } from './agent.ts';
import { checkMemoryFileOf } from './check-memory.ts';
import { type AgentConfig, ConfigError, loadConfig, parseConfig } from './config.ts';
import { discoverAll, WsDiscovery } from './discovery/index.ts';
import { enrol } from './enrol.ts';
import { mainProfile } from './identify.ts';
import { Journal } from './journal.ts';
import { ServerLink } from './link.ts';
import { relayLive } from './live/relay.ts';
import { resolveInterfaces } from './net.ts';
import { type MessageSink, NdjsonSink } from './output.ts';
import { configSecrets, Redactor } from './redact.ts';
import { ReferenceStore, referencesFileOf } from './references.ts';
import { checkStatusFile, keepStatusFile, statusFileOf } from './status-file.ts';
import type { CentreTls } from './tls.ts';

/** what the process prints or logs passes through this (secrets are added as the configuration is read) */
const redactor = new Redactor();

function die(msg: string): never {
  process.stderr.write(`kuzet-agent: ${redactor.text(msg)}\n`);
  process.exit(1);
}

function configOrDie(load: () => AgentConfig): AgentConfig {
  try {
    const config = load();
    for (const secret of configSecrets(config)) redactor.add(secret);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) die(err.message);
    throw err;
  }
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** how the agent trusts the centre: its CA file (read at start: a missing file stops the start) and pinned keys */
function centreTls(s: NonNullable<AgentConfig['server']>): CentreTls | undefined {
  if (!s.caFile && !s.pins.length) return undefined;
  let ca: string | undefined;
  try {
    ca = s.caFile ? readFileSync(s.caFile, 'utf8') : undefined;
  } catch (err) {
    die(`cannot read the CA file ${s.caFile}: ${(err as Error).message}`);
  }
  return { ca, pins: s.pins };
}
/** the configuration `enrol` and `run` use without -c (the Debian package's launcher sets /etc/kuzet/agent.yaml) */
const CONFIG_ENV = process.env.KUZET_AGENT_CONFIG || undefined;

/**
 * A device found several ways (multicast and a --static URL, or two announced addresses) is listed once: the same
 * camera id, else the same address; an identified finding wins over a failed one.
 */
function uniqueDevices(devices: DiscoveredDevice[]): DiscoveredDevice[] {
  const byKey = new Map<string, DiscoveredDevice>();
  for (const d of devices) {
    let key = d.identity?.cameraId;
    if (!key) {
      try {
        key = new URL(d.xaddr).host;
      } catch {
        key = d.endpointRef;
      }
    }
    const had = byKey.get(key);
    if (!had || (!had.identity && d.identity)) byKey.set(key, d);
  }
  return [...byKey.values()];
}

const program = new Command('kuzet-agent').description('Kuzet school agent: finds and watches ONVIF cameras');

program
  .command('scan')
  .description('find cameras once and print what they are')
  .option('-c, --config <file>', 'agent config (YAML/JSON); credentials and discovery settings come from it')
  .option(
    '-i, --interface <name|ipv4>',
    'interface to probe on (repeatable; default: all non-loopback IPv4)',
    collect,
    [],
  )
  .option('-u, --user <name>', 'camera user name (instead of a config)')
  .option('-p, --password <pw>', 'camera password (instead of a config)')
  .option('--unicast <range>', 'also probe these addresses one by one (IP, a-b, CIDR; repeatable)', collect, [])
  .option('--static <url>', 'device service URL to query directly (repeatable)', collect, [])
  .option('--wait <ms>', 'how long to listen for answers', (v) => Number(v))
  .option('--json', 'print JSON instead of a table')
  .action(async (o) => {
    const config = configOrDie(() => {
      const base = o.config
        ? (loadConfig(o.config) as unknown as Record<string, unknown>)
        : { agentId: 'scan', credentials: [] };
      const d = { ...(base.discovery as object) } as Record<string, unknown>;
      if (o.interface.length) d.interfaces = o.interface;
      if (o.unicast.length) d.unicast = o.unicast;
      if (o.static.length) d.static = o.static;
      if (o.wait) d.waitMs = o.wait;
      const credentials = o.user ? [{ hosts: ['*'], username: o.user, password: o.password ?? '' }] : base.credentials;
      return parseConfig({ ...base, discovery: d, credentials }, process.env);
    });
    // multicast only when the config allows it, and not when the command names only addresses (--static,
    // --unicast) and no interface: a scan of given addresses must not probe every network the machine is on
    const onlyAddresses = (o.static.length || o.unicast.length) && !o.interface.length;
    const multicast = config.discovery.multicast && !onlyAddresses;
    let interfaces: ReturnType<typeof resolveInterfaces> = [];
    try {
      if (multicast) interfaces = resolveInterfaces(config.discovery.interfaces);
    } catch (err) {
      die((err as Error).message);
    }
    const wsd = new WsDiscovery(interfaces, false);
    await wsd.start();
    const { found, durationMs } = await discoverAll(wsd, config);
    wsd.stop();
    const devices = uniqueDevices(found.map((f) => redactor.deep(f.device))).sort((a, b) =>
      a.xaddr.localeCompare(b.xaddr, 'en', { numeric: true }),
    );
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ durationMs, devices }, null, 2)}\n`);
    } else {
      const rows = devices.map((d) => {
        const id = d.identity;
        const main = id ? mainProfile(id) : undefined;
        return [
          id?.manufacturer ?? '?',
          id?.model ?? '?',
          id?.firmware ?? '',
          id?.serial ?? '',
          id ? `${id.host}:${new URL(id.xaddr).port || 80}` : d.xaddr || d.from,
          id?.profiles.join('+') ?? '',
          main ? `${main.width}x${main.height}@${main.fps}` : '',
          id ? (id.recordingSearch.kind === 'none' ? '-' : id.recordingSearch.kind) : '',
          id ? id.auth : (d.error ?? ''), // the error starts with its reason (auth_failed: …)
        ];
      });
      const head = [
        'VENDOR',
        'MODEL',
        'FIRMWARE',
        'SERIAL',
        'ADDRESS',
        'PROFILES',
        'MAIN STREAM',
        'REC SEARCH',
        'AUTH / ERROR',
      ];
      const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
      const line = (r: string[]) =>
        r
          .map((c, i) => c.slice(0, 48).padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      process.stdout.write(`${[line(head), ...rows.map(line)].join('\n')}\n`);
      process.stdout.write(`${devices.length} device(s) in ${durationMs} ms\n`);
    }
    // stdout may be a pipe: exit only once everything is written
    process.stdout.write('', () => process.exit(0));
  });

program
  .command('enrol')
  .description("trade a one-time enrolment code for this agent's token (written to the config's server.tokenFile)")
  .requiredOption('-c, --config <file>', 'agent config with a server section ($KUZET_AGENT_CONFIG)', CONFIG_ENV)
  .requiredOption('--code <code>', 'the one-time code from the centre')
  .action(async (o) => {
    const config = configOrDie(() => loadConfig(o.config));
    if (!config.server) die('the config has no server section');
    try {
      const { agentId } = await enrol(config.server.url[0]!, o.code, config.server.tokenFile, centreTls(config.server));
      if (agentId !== config.agentId) die(`the code is for agent ${agentId}, this config is ${config.agentId}`);
      process.stdout.write(`enrolled as ${agentId}; token saved to ${config.server.tokenFile}\n`);
    } catch (err) {
      die((err as Error).message);
    }
  });

program
  .command('run')
  .description('watch the cameras continuously and report to the server (or to stdout)')
  .requiredOption('-c, --config <file>', 'agent config (YAML/JSON; $KUZET_AGENT_CONFIG)', CONFIG_ENV)
  .option('--stdout', 'write protocol messages to stdout as NDJSON instead of sending them to the server')
  .action(async (o) => {
    const config = configOrDie(() => loadConfig(o.config));
    if (!o.stdout && !config.server) die('no output: give the config a server section, or use --stdout');
    const log = pino(
      {
        level: config.log.level,
        base: { agentId: config.agentId },
        // every log line, whatever put text in it (an error from a device, a tool's output), loses its secrets
        hooks: { streamWrite: (line) => redactor.text(line) },
      },
      pino.destination(2),
    );
    let link: ServerLink | undefined;
    let references: ReferenceStore | undefined;
    let checksFile: string | undefined;
    let sink: MessageSink;
    if (o.stdout) sink = new NdjsonSink();
    else {
      const s = config.server!;
      let token: string;
      try {
        token = readFileSync(s.tokenFile, 'utf8').trim();
      } catch {
        die(`no token in ${s.tokenFile}: run \`kuzet-agent enrol -c ${o.config} --code CODE\` first`);
      }
      redactor.add(token);
      const journal = new Journal(s.journalDir, s.journalMaxMb * 1024 * 1024);
      references = new ReferenceStore(referencesFileOf(s.tokenFile));
      checksFile = checkMemoryFileOf(s.tokenFile);
      const refs = references;
      link = new ServerLink({
        references: () => refs.versions(),
        urls: s.url,
        token,
        agentId: config.agentId,
        journal,
        tls: centreTls(s),
      });
      const l = link;
      const status = keepStatusFile(statusFileOf(s.tokenFile), () => ({
        link: l.connected ? 'up' : 'down',
        pending: journal.pending.length,
      }));
      link.on('connected', status.changed);
      link.on('disconnected', status.changed);
      link.on('connected', (resync) => log.info({ pending: journal.pending.length, resync }, 'link up'));
      link.on('disconnected', (why) => log.warn({ why }, 'link down; journaling'));
      link.on('refused', (why) => log.error({ why }, 'server refused the link'));
      link.on('rebased', (n) =>
        log.warn({ renumbered: n, lastSeq: journal.lastSeq }, 'journal renumbered above the centre'),
      );
      sink = link;
    }
    // without a centre (--stdout) the configuration's profile says which gaps to report; with one, the centre does
    const agent = new Agent(
      config,
      sink,
      log,
      redactor,
      o.stdout
        ? { maxGapMinutes: config.requirements.maxGapMinutes, gapWindowDays: config.retention.maxGapWindowDays }
        : undefined,
      references,
      checksFile,
    );
    const relay = link && relayLive(link, agent, log);
    link?.on('reference', (r) => {
      agent.setReference(r.cameraId, r.version, r.jpeg).then(
        () =>
          log.info(
            { cameraId: r.cameraId, version: r.version },
            r.jpeg ? 'reference view kept' : 'reference view dropped',
          ),
        (err) => log.error({ cameraId: r.cameraId, err: (err as Error).message }, 'reference view not usable'),
      );
    });
    link?.on('requirements', (r) => {
      log.info({ profile: r.profile, version: r.version }, 'requirements from the centre');
      agent.setThresholds(r);
    });
    link?.on('connected', (resync) => {
      if (resync) agent.resync();
    });
    link?.on('resync', (why) => {
      log.warn({ why }, 'the centre asked for a full resync');
      agent.resync();
    });
    const shutdown = async (sig: string) => {
      log.info({ sig }, 'stopping');
      relay?.stopAll();
      await agent.stop();
      await link?.stop();
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    link?.start();
    try {
      await agent.start();
    } catch (err) {
      die((err as Error).message);
    }
  });

program
  .command('health')
  .description('exit 0 when the agent that runs with this config is alive (its status is current), else 1')
  .requiredOption('-c, --config <file>', 'agent config with a server section ($KUZET_AGENT_CONFIG)', CONFIG_ENV)
  .option('--max-age <s>', 'how old the status may be', (v) => Number(v), 90)
  .action((o) => {
    const config = configOrDie(() => loadConfig(o.config));
    if (!config.server) die('the config has no server section (only a linked agent keeps a status)');
    const r = checkStatusFile(statusFileOf(config.server.tokenFile), o.maxAge * 1000);
    (r.ok ? process.stdout : process.stderr).write(`${r.text}\n`);
    process.exitCode = r.ok ? 0 : 1;
  });

program.parseAsync(process.argv).catch((err) => die((err as Error).stack ?? String(err)));
