/**
 * Backup and restore of Redis (issue 18), step by step as README "Backup and restore" says: a live, consistent RDB
 * copy of a production-like Redis (AOF on) with `redis-cli --rdb`; restored into a fresh Redis (RDB loaded with AOF
 * off, then AOF switched on so it is written from the loaded data — an instance started with AOF on ignores an RDB
 * file); then a fresh server on it holds everything: users, the agent's token (it reconnects without enrolling
 * again), cameras and their state; and it was not taken for a Redis that came back empty.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '@kuzet/server';
import { afterAll, describe, expect, it } from 'vitest';
import { enrolFakeAgent, FakeAgent } from '../fake-agent.ts';
import { startRedis, waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

const SCHOOL = 'KZ-75-01-0001';
const AGENT_ID = 'agent-almaty-1';
const camOf = (n: number) => `cam-${n.toString(16).padStart(16, '0')}`;
const cli = (port: number, ...args: string[]) =>
  execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim();

describe('Redis backup and restore into a fresh server', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f().catch(() => undefined);
  });

  it('restores users, agent tokens and cameras; the new server sees no data loss', async () => {
    // production: AOF on
    const prodDir = mkdtempSync(join(tmpdir(), 'kuzet-redis-prod-'));
    const prod = await startRedis(['--dir', prodDir, '--appendonly', 'yes']);
    cleanup.push(prod.stop);
    const { server: s1, prefix } = await testServer(prod.url);
    cleanup.push(() => s1.close());
    const api = new Api(s1.url);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);
    const op = { username: 'op-backup', role: 'operator', regions: ['KZ-75'], password: 'operator-pass-1' };
    expect((await api.post('/users', op)).status).toBe(200);
    const agent = await enrolFakeAgent(api, s1.url, SCHOOL, AGENT_ID);
    cleanup.push(async () => agent.ws.close());
    await agent.batch([
      { cam: camOf(1), status: 'online' },
      { cam: camOf(2), status: 'degraded', reasons: ['black_picture'] },
    ]);
    await waitFor(async () => (await api.get(`/cameras/${camOf(2)}`)).json?.status === 'degraded', 10_000);

    // backup, live: a consistent snapshot streamed from the running instance
    const backup = join(mkdtempSync(join(tmpdir(), 'kuzet-backup-')), 'kuzet.rdb');
    execFileSync('redis-cli', ['-p', String(prod.port), '--rdb', backup], { stdio: 'pipe' });
    expect(existsSync(backup)).toBe(true);
    // production is lost
    agent.ws.close();
    await s1.close();
    await prod.stop();

    // restore: the file as dump.rdb in an empty directory, loaded with AOF off, then AOF on (rewritten from memory)
    const freshDir = mkdtempSync(join(tmpdir(), 'kuzet-redis-fresh-'));
    copyFileSync(backup, join(freshDir, 'dump.rdb'));
    let fresh = await startRedis(['--dir', freshDir, '--dbfilename', 'dump.rdb', '--appendonly', 'no']);
    cleanup.push(() => fresh.stop());
    expect(Number(cli(fresh.port, 'DBSIZE'))).toBeGreaterThan(10);
    cli(fresh.port, 'CONFIG', 'SET', 'appendonly', 'yes');
    await waitFor(
      () => /aof_rewrite_in_progress:0/.test(cli(fresh.port, 'INFO', 'persistence')) || undefined,
      10_000,
      'the AOF written',
    );
    // and it is production-like from here on: restarted with AOF on, the data comes back from the AOF
    const keys = Number(cli(fresh.port, 'DBSIZE'));
    await fresh.stop();
    fresh = await startRedis(['--dir', freshDir, '--appendonly', 'yes']);
    expect(readdirSync(join(freshDir, 'appendonlydir')).length).toBeGreaterThan(0);
    expect(Number(cli(fresh.port, 'DBSIZE'))).toBe(keys);

    // a fresh server on the restored store
    let s2: RunningServer;
    ({ server: s2 } = await testServer(fresh.url, prefix, { KUZET_REGISTRY: '' }));
    cleanup.push(() => s2.close());
    const api2 = new Api(s2.url);
    expect(await api2.login(op.username, op.password)).toBe(200);
    const cam = (await api2.get(`/cameras/${camOf(2)}`)).json;
    expect(cam).toMatchObject({ status: 'degraded', reasons: ['black_picture'] });
    expect((await api2.get(`/cameras/${camOf(1)}`)).json.status).toBe('online');
    // the agent's token still opens its link, and the centre remembers what it acknowledged
    const again = new FakeAgent(`${s2.url.replace('http', 'ws')}/agent/link`, agent.token, AGENT_ID);
    cleanup.push(async () => again.ws?.close());
    again.seq = agent.seq; // the same agent, the same journal
    await again.connect();
    expect(again.ackedSeq).toBe(agent.seq);
    expect(again.closed).toBeUndefined();
    // not mistaken for a Redis that came back empty
    const metrics = await (await fetch(`${s2.url}/metrics`)).text();
    expect(metrics).toMatch(/^kuzet_store_lost_total 0$/m);
  }, 90_000);
});
