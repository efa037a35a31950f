import type { RunningServer } from '@kuzet/server';
import { Redis } from 'ioredis';
import pino from 'pino';
import type S3rver from 's3rver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditRepository } from '../../server/src/repositories/audit.ts';
import { AuditArchiveRepository } from '../../server/src/repositories/audit-archive.ts';
import { type ObjectStore, objectStoreFor } from '../../server/src/repositories/object-store.ts';
import { Keys } from '../../server/src/repositories/redis.ts';
import { AuditArchiveService } from '../../server/src/services/audit-archive.ts';
import { runTag, startRedis, startS3rver, waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

const TZ = 'Asia/Almaty';
/** an entry's fields as the stream holds them */
const fields = (n: number, at: string) => ['at', at, 'username', `op-${n}`, 'role', 'operator', 'action', 'login'];

describe('the audit log kept beyond Redis (object store)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let s3: S3rver;
  let endpoint: string;
  let r: Redis;
  let store: ObjectStore;
  let keys: Keys;
  let audit: AuditRepository;
  let repo: AuditArchiveRepository;
  let service: AuditArchiveService;

  beforeAll(async () => {
    redis = await startRedis();
    ({ s3, endpoint } = await startS3rver());
    r = new Redis(redis.url);
  });
  afterAll(async () => {
    r?.disconnect();
    await redis?.stop();
    await s3?.close();
  });
  beforeEach(() => {
    // a bucket and a key prefix of each test's own
    const tag = runTag().toLowerCase();
    store = objectStoreFor({
      dir: '/nonexistent',
      s3: { endpoint, bucket: `audit-${tag}`, accessKey: 'S3RVER', secretKey: 'S3RVER', region: 'us-east-1' },
    });
    keys = new Keys(`a${tag}:`);
    repo = new AuditArchiveRepository(r, keys, store);
    audit = new AuditRepository(r, keys, repo);
    service = new AuditArchiveService(repo, audit, { timeZone: TZ, retentionDays: 30, log: pino({ level: 'silent' }) });
  });

  it('copies each entry once into its day, and reads a day after Redis lost the stream', async () => {
    for (let i = 0; i < 5; i++) await audit.record({ username: `op-${i}`, role: 'operator', action: 'login' });
    expect(await service.ship()).toEqual({ copied: 5, lost: 0 });
    for (let i = 5; i < 7; i++) await audit.record({ username: `op-${i}`, role: 'operator', action: 'login' });
    expect(await service.ship()).toEqual({ copied: 2, lost: 0 });
    expect(await service.ship()).toEqual({ copied: 0, lost: 0 });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
    await r.del(keys.audit());
    const day = await audit.read({ limit: 100, days: [today] });
    expect(day.map((e) => e.username)).toEqual(['op-6', 'op-5', 'op-4', 'op-3', 'op-2', 'op-1', 'op-0']);
    // filtered as the newest entries are
    expect((await audit.read({ limit: 100, days: [today], username: 'op-3' })).map((e) => e.username)).toEqual([
      'op-3',
    ]);
    expect(await audit.read({ limit: 100, days: ['2020-01-01'] })).toEqual([]);
  });

  it("puts an entry in its day of the deployment's time zone, and folds finished days into one object", async () => {
    // 23:59 and 00:01 in Almaty (UTC+5) on 1 and 2 December 2026: two days, though one UTC day
    const before = Date.parse('2026-12-01T18:59:00Z');
    const after = Date.parse('2026-12-01T19:01:00Z');
    await r.xadd(keys.audit(), `${before}-0`, ...fields(1, new Date(before).toISOString()));
    await service.ship();
    await r.xadd(keys.audit(), `${before}-1`, ...fields(2, new Date(before).toISOString()));
    await r.xadd(keys.audit(), `${after}-0`, ...fields(3, new Date(after).toISOString()));
    await service.ship();
    expect((await audit.read({ limit: 10, days: ['2026-12-01'] })).map((e) => e.username)).toEqual(['op-2', 'op-1']);
    expect((await audit.read({ limit: 10, days: ['2026-12-02'] })).map((e) => e.username)).toEqual(['op-3']);
    expect((await store.list('audit/2026-12-01/')).length).toBe(2);
    // both days at once, newest first, and the limit counted across them
    const both = await audit.read({ limit: 10, days: ['2026-12-03', '2026-12-02', '2026-12-01', '2026-11-30'] });
    expect(both.map((e) => e.username)).toEqual(['op-3', 'op-2', 'op-1']);
    expect((await audit.read({ limit: 2, days: ['2026-12-02', '2026-12-01'] })).map((e) => e.username)).toEqual([
      'op-3',
      'op-2',
    ]);
    // the next day's run: both days folded, each into one object, and nothing lost or doubled
    const r1 = await service.daily(Date.parse('2026-12-03T00:00:00Z'));
    expect(r1).toEqual({ compacted: ['2026-12-01'], removed: [] });
    expect((await store.list('audit/2026-12-01/')).map((o) => o.key)).toEqual(['audit/2026-12-01/day.jsonl.gz']);
    expect((await audit.read({ limit: 10, days: ['2026-12-01'] })).map((e) => e.username)).toEqual(['op-2', 'op-1']);
    // 30 days of retention: on 1 January 2027 (01:00 in Almaty) the first of December is gone, the second kept
    const r2 = await service.daily(Date.parse('2026-12-31T20:00:00Z'));
    expect(r2.removed).toEqual(['2026-12-01']);
    expect(await store.list('audit/2026-12-01/')).toEqual([]);
    expect((await audit.read({ limit: 10, days: ['2026-12-02'] })).map((e) => e.username)).toEqual(['op-3']);
  });

  it('says in the log itself how many entries the stream dropped before they were copied', async () => {
    for (let i = 0; i < 3; i++) await audit.record({ username: `op-${i}`, role: 'operator', action: 'login' });
    await service.ship();
    for (let i = 3; i < 13; i++) await audit.record({ username: `op-${i}`, role: 'operator', action: 'login' });
    // the stream's cap reached before the next copy: the oldest four not yet copied are gone
    await r.xtrim(keys.audit(), 'MAXLEN', 6);
    expect(await service.ship()).toEqual({ copied: 6, lost: 4 });
    const gap = (await audit.read({ limit: 1, action: 'audit_gap' }))[0];
    expect(gap?.detail).toBe('4 entries dropped from the log before they were copied to the object store');
    expect(gap?.say).toEqual({ text: 'audit_gap', args: { lost: 4 } });
    // counted once: the next copy takes the gap's own entry and finds nothing more missing
    expect(await service.ship()).toEqual({ copied: 1, lost: 0 });
  });

  it('copies each entry once when two instances copy at the same moment', async () => {
    for (let i = 0; i < 2500; i++) await audit.record({ username: `op-${i}`, role: 'operator', action: 'login' });
    const [a, b] = await Promise.all([service.ship(), service.ship()]);
    // both may write the same object (same name, same content); the count moves once
    expect(a.lost + b.lost).toBe(0);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
    const day = await audit.read({ limit: 10_000, days: [today] });
    expect(day.length).toBe(2500);
    expect(new Set(day.map((e) => e.username)).size).toBe(2500);
    expect(await service.ship()).toEqual({ copied: 0, lost: 0 });
  });
});

describe('the audit log of a running server, by day', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let s3: S3rver;
  let server: RunningServer;

  beforeAll(async () => {
    redis = await startRedis();
    let endpoint: string;
    ({ s3, endpoint } = await startS3rver());
    ({ server } = await testServer(redis.url, undefined, {
      KUZET_S3_ENDPOINT: endpoint,
      KUZET_S3_BUCKET: 'kuzet-audit',
      KUZET_S3_ACCESS_KEY: 'S3RVER',
      KUZET_S3_SECRET_KEY: 'S3RVER',
      KUZET_AUDIT_COPY_SECONDS: '5',
    }));
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
    await s3?.close();
  });

  it("answers GET /audit?from= from the object store, within a copy's interval", async () => {
    const api = new Api(server.url);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Almaty' }).format(new Date());
    const logins = await waitFor(
      async () => {
        const got = (await api.get(`/audit?from=${today}&action=login`)).json as { username: string }[];
        return got.length ? got : undefined;
      },
      20_000,
      "the admin's login in the day's archive",
    );
    expect(logins[0]!.username).toBe('admin');
    expect((await api.get('/audit?from=2026-13-01')).status).toBe(400);
    expect((await api.get('/audit?from=2026-12-02&to=2026-12-01')).status).toBe(400);
    // 32 days refused, 31 (1 November to 1 December) read
    expect((await api.get('/audit?from=2026-10-31&to=2026-12-01')).status).toBe(400);
    expect((await api.get('/audit?from=2026-10-31&to=2026-12-01')).json.error).toBe('at most 31 days');
    expect((await api.get('/audit?from=2026-11-01&to=2026-12-01')).status).toBe(200);
  });
});
