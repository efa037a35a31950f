/**
 * Operations (issue 18): the Prometheus alert rules (ops/prometheus) and the Grafana dashboard (ops/grafana) name
 * only metrics a real server exports — with the label values they select — and the rules are valid and behave as
 * their unit tests say (promtool, from Debian's prometheus package, extracted into .cache by scripts/lib.sh).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningServer } from '@kuzet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ROOT, startRedis } from '../helpers.ts';
import { testServer } from '../server-helpers.ts';

const RULES = join(ROOT, 'ops/prometheus/kuzet-rules.yaml');
const DASHBOARD = join(ROOT, 'ops/grafana/kuzet-dashboard.json');
/** Grafana's reference to the dashboard's datasource variable (chosen on import) */
const DATASOURCE_VARIABLE = ['$', '{datasource}'].join('');
const PROMTOOL = join(ROOT, '.cache/promtool/usr/bin/promtool');

interface Panel {
  id: number;
  title: string;
  datasource?: { uid?: string };
  gridPos?: object;
  targets?: { expr: string; datasource?: { uid?: string } }[];
}
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[]; templating: object };
const rules = YAML.parse(readFileSync(RULES, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
const exprs = [
  ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `rule ${r.alert}`, expr: r.expr }))),
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
];

/** the metric families an expression reads (a histogram's _bucket/_count/_sum are its family) */
const familiesOf = (expr: string) =>
  [...expr.matchAll(/\b((?:kuzet|nodejs|process)_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, ''));
/** exact label matchers: name{label="value"} */
const matchersOf = (expr: string) =>
  [...expr.matchAll(/\b((?:kuzet|nodejs|process)_[a-z0-9_]+)\{([^}]*)\}/g)].flatMap((m) =>
    [...m[2]!.matchAll(/(\w+)="([^"]*)"/g)]
      .filter((l) => l[1] !== 'job')
      .map((l) => ({ family: m[1]!, label: l[1]!, value: l[2]! })),
  );

describe('monitoring: alert rules and dashboard', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let server: RunningServer;
  let scrape = '';

  beforeAll(async () => {
    execFileSync('bash', ['-c', 'source scripts/lib.sh && ensure_promtool'], { cwd: ROOT, stdio: 'inherit' });
    redis = await startRedis();
    ({ server } = await testServer(redis.url));
    scrape = await (await fetch(`${server.url}/metrics`)).text();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  it('every metric the rules and the dashboard name is exported, with the label values they select', () => {
    const exported = new Set([...scrape.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    expect(exprs.length).toBeGreaterThan(20);
    const missing = exprs.flatMap(({ where, expr }) =>
      familiesOf(expr)
        .filter((f) => !exported.has(f))
        .map((f) => `${where}: ${f}`),
    );
    expect(missing).toEqual([]);
    const unmatched = exprs.flatMap(({ where, expr }) =>
      matchersOf(expr)
        .filter(({ family, label, value }) => !new RegExp(`^${family}\\{[^}]*${label}="${value}"`, 'm').test(scrape))
        .map(({ family, label, value }) => `${where}: ${family}{${label}="${value}"}`),
    );
    expect(unmatched).toEqual([]);
    // what the issue asks to watch is there: ingest rate, ack latency, links, paused links, queues, failures, Redis
    const all = exprs.map((e) => e.expr).join('\n');
    for (const needle of [
      'kuzet_agent_messages_total',
      'kuzet_agent_ack_seconds_bucket',
      'kuzet_agents_connected',
      'kuzet_agent_frames{kind="paused"}',
      'kuzet_queue_jobs',
      'state="failed"',
      'kuzet_redis_memory_bytes',
    ])
      expect(all).toContain(needle);
    // Redis's memory is read at each scrape
    expect(Number(/^kuzet_redis_memory_bytes\{kind="used"\} (\d+)/m.exec(scrape)?.[1])).toBeGreaterThan(100_000);
  });

  it('the rules are valid and fire as their unit tests say (promtool)', () => {
    const run = (...args: string[]) =>
      execFileSync(PROMTOOL, args, { cwd: join(ROOT, 'ops/prometheus'), encoding: 'utf8', stdio: 'pipe' });
    expect(run('check', 'rules', 'kuzet-rules.yaml')).toMatch(/SUCCESS: 10 rules found/);
    expect(run('test', 'rules', 'kuzet-rules.test.yaml')).toMatch(/SUCCESS/);
  });

  it('the dashboard is well-formed: every panel placed, queried, on the chosen Prometheus', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) {
      expect(p.gridPos, p.title).toBeDefined();
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      expect(p.datasource?.uid, p.title).toBe(DATASOURCE_VARIABLE);
    }
    expect(JSON.stringify(dashboard.templating)).toContain('"type":"datasource"');
  });
});
