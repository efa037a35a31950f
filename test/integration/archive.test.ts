import { execFile } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { RunningServer } from '@kuzet/server';
import type S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../server/src/repositories/object-store.ts';
import { addDays, dayBounds, dayOf } from '../../server/src/services/archive-day.ts';
import { parseCsv } from '../../server/src/services/registry-csv.ts';
import { enrolFakeAgent, type FakeAgent } from '../fake-agent.ts';
import { ROOT, startRedis, startS3rver } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

const run = promisify(execFile);
const TZ = 'Asia/Almaty';
const SCHOOL = 'KZ-75-01-0001';
const H = 3_600_000;
const cam = (n: number) => `cam-${n.toString(16).padStart(16, '0')}`;

describe('the daily compliance archive: a simulated week, its hash chain, late data, exports', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let s3: S3rver;
  let server: RunningServer;
  let prefix: string;
  let env: Record<string, string>;
  let api: Api;
  let agent: FakeAgent;
  const today = dayOf(Date.now(), TZ);
  const days = [6, 5, 4, 3, 2, 1].map((n) => addDays(today, -n)); // D1 … D6, the six days before today
  const at = (day: string, hours: number) => new Date(dayBounds(day, TZ).start + hours * H).toISOString();

  beforeAll(async () => {
    redis = await startRedis();
    let endpoint: string;
    ({ s3, endpoint } = await startS3rver());
    env = {
      KUZET_S3_ENDPOINT: endpoint,
      KUZET_S3_BUCKET: 'kuzet-archive',
      KUZET_S3_ACCESS_KEY: 'S3RVER',
      KUZET_S3_SECRET_KEY: 'S3RVER',
      // no housekeeping worker: the test runs the archive's days itself, with its clock
      KUZET_WORKERS: 'false',
    };
    ({ server, prefix } = await testServer(redis.url, undefined, env));
    api = new Api(server.url);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);
    agent = await enrolFakeAgent(api, server.url, SCHOOL, 'agent-almaty-1');
    // the week as the agent saw it: three cameras online from before D1; camera 2 offline on D3 10:00–16:00 and
    // from D5 23:00 to D6 01:00; camera 3 keeps 20 days of recordings where the profile asks for 45
    const before = at(days[0]!, -1);
    await agent.batch([1, 2, 3].map((n) => ({ cam: cam(n), status: 'online', since: before, at: before })));
    const change = (status: string, t: string) =>
      agent.batch([
        { cam: cam(2), status, since: t, at: t, ...(status === 'offline' ? { reasons: ['unreachable'] } : {}) },
      ]);
    await change('offline', at(days[2]!, 10));
    await change('online', at(days[2]!, 16));
    await change('offline', at(days[4]!, 23));
    await change('online', at(days[5]!, 1));
    const now = new Date().toISOString();
    await agent.messages(
      [1, 2, 3].flatMap((n) => [
        {
          type: 'stream',
          measurement: {
            cameraId: cam(n),
            at: now,
            profileToken: 'main',
            codec: 'H264',
            width: 1920,
            height: 1080,
            fps: 25,
            durationMs: 900,
          },
        },
        {
          type: 'retention',
          report: {
            state: 'known',
            cameraId: cam(n),
            at: now,
            source: 'camera',
            recordingToken: 'rec',
            oldest: new Date(Date.now() - (n === 3 ? 20 : 50) * 24 * H).toISOString(),
            newest: now,
            retainedDays: n === 3 ? 20 : 50,
            gaps: [],
            gapWindowDays: 7,
          },
        },
        { type: 'clock', reading: { cameraId: cam(n), at: now, driftSeconds: 0.4 } },
      ]),
    );
    // a deployment set up today claims no day before it: the days of the week are nobody's yet
    server.archive.clock = () => dayBounds(addDays(days.at(-1)!, 1), TZ).start + 20 * 60_000;
    expect((await server.archive.runDaily()).archived).toEqual([]);
    // set up before the week began (its sentinel's time, as StoreGuard writes it)
    await server.redis.set(server.keys.sentinel(), JSON.stringify({ since: at(days[0]!, 0) }));
    // each night after the day ended (its clock moved there), the day is archived
    for (const d of days) {
      server.archive.clock = () => dayBounds(addDays(d, 1), TZ).start + 20 * 60_000;
      expect((await server.archive.runDaily()).archived).toEqual([d]);
    }
    server.archive.clock = Date.now;
  });
  afterAll(async () => {
    agent?.ws.close();
    await server?.close();
    await s3?.close();
    await redis?.stop();
  });

  const schoolDays = async (from = days[0]!, to = days[5]!) =>
    (await api.get(`/archive/days?school=${SCHOOL}&from=${from}&to=${to}`)).json.days as {
      day: string;
      n: number;
      revised: boolean;
      school: {
        availablePct: number;
        verdict: { compliant: boolean; failing: Record<string, number>; cameras: { compliant: number } };
      };
    }[];

  it('judges each day from what happened that day: availability, outages at its end, recording days', async () => {
    const week = await schoolDays();
    expect(week.map((d) => d.day)).toEqual(days);
    expect(week.map((d) => d.n)).toEqual([1, 2, 3, 4, 5, 6]);
    // camera 2 lost 6 of 24 hours on D3 (mean of three cameras: (100 + 75 + 100) / 3), 1 hour on D5 and on D6
    expect(week.map((d) => d.school.availablePct)).toEqual([100, 100, 91.7, 100, 98.6, 98.6]);
    // camera 3's recording days fall short every day; camera 2 was offline when D5 ended: no signal that day
    for (const d of week) expect(d.school.verdict.failing.retention_short).toBe(1);
    expect(week.map((d) => d.school.verdict.failing.no_signal ?? 0)).toEqual([0, 0, 0, 0, 1, 0]);
    expect(week.map((d) => d.school.verdict.cameras.compliant)).toEqual([2, 2, 2, 2, 1, 2]);
    expect(week.every((d) => !d.school.verdict.compliant)).toBe(true);
    // the region's and the country's figures of a day
    const region = (await api.get(`/archive/days?region=KZ-75&from=${days[2]}&to=${days[2]}`)).json.days[0];
    expect(region.figures).toMatchObject({ schools: 2, covered: 1, compliant: 0, cameras: 3, camerasCompliant: 2 });
    expect(region.figures.offlineMin).toBe(360);
    // and the requirement version the day was judged by (the history says what it required)
    expect(region.requirementsVersion).toBe(1);
    expect((await api.get(`/archive/days?from=${days[0]}&to=${days[5]}`)).json.days).toHaveLength(6);
    // the archive run again changes nothing (a day is archived once)
    server.archive.clock = () => dayBounds(today, TZ).start + 30 * 60_000;
    expect((await server.archive.runDaily()).archived).toEqual([]);
    server.archive.clock = Date.now;
  });

  it('late data (a journal replayed after an outage) re-judges its day in a superseding entry', async () => {
    // camera 1 was offline on D4 12:00–13:00; the centre hears of it only now
    await agent.batch([
      { cam: cam(1), status: 'offline', reasons: ['unreachable'], since: at(days[3]!, 12), at: at(days[3]!, 12) },
    ]);
    await agent.batch([{ cam: cam(1), status: 'online', since: at(days[3]!, 13), at: at(days[3]!, 13) }]);
    expect(await server.archive.reviseLate()).toEqual({ revised: [days[3]] });
    const week = await schoolDays();
    const d4 = week.find((d) => d.day === days[3])!;
    expect(d4).toMatchObject({ n: 7, revised: true });
    expect(d4.school.availablePct).toBe(98.6);
    expect(week.filter((d) => d.revised)).toHaveLength(1);
    // nothing new: nothing written
    expect(await server.archive.reviseLate()).toEqual({ revised: [] });
  });

  const cli = async (...args: string[]) => {
    try {
      const r = await run(join(ROOT, 'server/bin/kuzet-server'), ['archive', 'verify', ...args], {
        env: { ...process.env, ...env, KUZET_REDIS_URL: redis.url, KUZET_PREFIX: prefix, KUZET_LOG_LEVEL: 'silent' },
      });
      return { code: 0, out: r.stdout };
    } catch (err) {
      const e = err as { code: number; stdout: string };
      return { code: e.code, out: e.stdout };
    }
  };

  it('archive verify proves the chain, and names a changed byte and a deleted manifest', async () => {
    const ok = await cli();
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toMatch(/archive verified: 7 entries, 28 objects/);
    expect((await api.post('/archive/verify', {})).json).toMatchObject({ ok: true, entries: 7 });
    const store = new S3ObjectStore({
      endpoint: env.KUZET_S3_ENDPOINT!,
      bucket: 'kuzet-archive',
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      region: 'us-east-1',
    });
    // one byte of one school's figures in D2's Almaty object, re-compressed so that it still reads
    const key = `archive/days/${days[1]}/2/KZ-75.schools.json.gz`;
    const original = (await store.get(key))!.body;
    const text = gunzipSync(original).toString();
    await store.put(
      key,
      gzipSync(Buffer.from(text.replace('"availablePct":100', '"availablePct":101'))),
      'application/gzip',
    );
    const changed = await cli();
    expect(changed.code).toBe(1);
    expect(changed.out).toContain(`first broken day ${days[1]}, entry 2, object ${key}`);
    // outside the range asked for, the object is not read (the chain's links are)
    expect((await cli('--from', days[2]!)).code).toBe(0);
    await store.put(key, original, 'application/gzip');
    expect((await cli()).code).toBe(0);
    // a deleted manifest breaks the chain where it was
    const manifest = 'archive/manifests/00000003.json';
    const m3 = (await store.get(manifest))!.body;
    await store.delete(manifest);
    const deleted = await cli();
    expect(deleted.code).toBe(1);
    expect(deleted.out).toContain('manifest 3 is missing');
    expect(deleted.out).toContain(`after day ${days[1]} (entry 2)`);
    const v = (await api.post('/archive/verify', {})).json;
    expect(v.ok).toBe(false);
    // and no entry can be added to a broken chain's end unnoticed: the newest deleted is found too
    await store.put(manifest, m3, 'application/json');
    const m7 = (await store.get('archive/manifests/00000007.json'))!.body;
    await store.delete('archive/manifests/00000007.json');
    expect((await cli()).out).toContain('the newest entry 7 is missing');
    await store.put('archive/manifests/00000007.json', m7, 'application/json');
    expect((await cli()).code).toBe(0);
    expect((await cli('--from', 'yesterday')).code).toBe(2);
  });

  it('exports the days as CSV an auditor opens in Excel, in kk, ru and en; each export audited', async () => {
    const heads = { kk: 'Күн', ru: 'День', en: 'Day' } as const;
    for (const lang of ['kk', 'ru', 'en'] as const) {
      const res = await api.get(`/exports/compliance.csv?school=${SCHOOL}&from=${days[0]}&to=${days[5]}&lang=${lang}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/csv; charset=utf-8/);
      const text = res.bytes!.toString('utf8');
      expect(text.charCodeAt(0)).toBe(0xfeff);
      // what Excel reads where it runs: ';' and a decimal comma in kk and ru (Windows in Kazakh or Russian), ',' in en
      const [sep, other] = lang === 'en' ? ([',', ';'] as const) : ([';', ','] as const);
      expect(parseCsv(text.slice(1), other)[0]!.length).toBeLessThan(15);
      const rows = parseCsv(text.slice(1), sep);
      expect(rows[0]).toHaveLength(15);
      // the requirement version each day was judged by, last
      expect(rows[0]!.at(-1)).toBe({ kk: 'Талаптар', ru: 'Требования', en: 'Requirements' }[lang]);
      expect(new Set(rows.slice(1).map((r) => r.at(-1)))).toEqual(new Set(['v1']));
      expect(rows[0]![0]).toBe(heads[lang]);
      expect(rows).toHaveLength(7);
      const col = (name: string) => rows[0]!.indexOf(name);
      expect(rows.slice(1).map((r) => r[0])).toEqual(days);
      const avail = rows
        .slice(1)
        .map((r) => r[col(lang === 'en' ? 'Availability, %' : lang === 'ru' ? 'Доступность, %' : 'Қолжетімділік, %')]);
      expect(avail).toEqual(
        lang === 'en' ? ['100', '100', '91.7', '98.6', '98.6', '98.6'] : ['100', '100', '91,7', '98,6', '98,6', '98,6'],
      );
      expect(rows[1]![4]).toBe(lang === 'kk' ? 'Тест мектебі №1 (синтетикалық)' : 'Тестовая школа №1 (синтетическая)');
      // the zones not watched, by their names in the export's language
      const zones = ((await api.get('/requirements')).json as { zones: Record<string, string>[] }).zones;
      const names = new Set(zones.map((z) => z[lang === 'kk' ? 'nameKk' : lang === 'ru' ? 'nameRu' : 'nameEn']));
      const missing = rows.slice(1).flatMap((r) => (r[rows[0]!.length - 3] ? r[rows[0]!.length - 3]!.split('; ') : []));
      expect(missing.length).toBeGreaterThan(0);
      expect(missing.filter((z) => !names.has(z))).toEqual([]);
    }
    const region = parseCsv(
      (await api.get(`/exports/compliance.csv?region=KZ-75&from=${days[0]}&to=${days[5]}&lang=en`))
        .bytes!.toString('utf8')
        .slice(1),
    );
    expect(region).toHaveLength(1 + 6 * 2); // both Almaty schools, every day
    const audit = (await api.get('/audit?limit=20')).json as { action: string; detail?: string }[];
    expect(audit.filter((a) => a.action === 'export' && a.detail?.startsWith('csv'))).toHaveLength(4);
    expect(audit.find((a) => a.action === 'export' && a.detail?.startsWith('csv'))?.detail).toMatch(
      /^csv region KZ-75 /,
    );
  });

  it('renders the PDF report in kk, ru and en with Cyrillic text, laid out in a thread; pdftoppm draws it', async () => {
    const words = {
      kk: ['Бейнебақылаудың талаптарға сәйкестігі', 'Тест мектебі №1', 'агент жоқ (6)', 'сәйкестігі: Алматы'],
      ru: ['Соответствие видеонаблюдения', 'Тестовая школа №1', 'нет агента (6)'],
      en: ['Video surveillance compliance', 'Тестовая школа №1', 'no agent (6)'],
    } as const;
    const dir = join(ROOT, 'test/artifacts/screenshots');
    mkdirSync(dir, { recursive: true });
    for (const lang of ['kk', 'ru', 'en'] as const) {
      const res = await api.get(`/exports/compliance.pdf?region=KZ-75&from=${days[0]}&to=${days[5]}&lang=${lang}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.bytes!.subarray(0, 5).toString()).toBe('%PDF-');
      const file = join(dir, `archive-report-${lang}.pdf`);
      writeFileSync(file, res.bytes!);
      const txt = (await run('pdftotext', ['-layout', file, '-'])).stdout;
      for (const w of words[lang]) expect(txt).toContain(w);
      // days as the language writes them: 30.11.2026 (kk, ru), 30/11/2026 (en)
      const written = (d: string) =>
        d
          .split('-')
          .reverse()
          .join(lang === 'en' ? '/' : '.');
      for (const d of days) expect(txt).toContain(written(d));
      expect(txt).toContain(`${written(days[3]!)} *`); // the revised day, marked
      // what the days were judged by: the version, its days, and the numbers of the region's profile then
      const req = { kk: ['Талаптар', 'күн'], ru: ['Требования', 'дн.'], en: ['Requirements', 'days'] }[lang];
      expect(txt.replace(/\s+/g, ' ')).toContain(
        `${req[0]} v1 (${written(days[0]!)} — ${written(days[5]!)}): almaty-city: 45 ${req[1]}, 1280×720, 12 fps`,
      );
      await run('pdftoppm', [
        '-png',
        '-r',
        '80',
        '-f',
        '1',
        '-l',
        '1',
        '-singlefile',
        file,
        file.replace(/\.pdf$/, ''),
      ]);
      expect(statSync(file.replace(/\.pdf$/, '.png')).size).toBeGreaterThan(10_000);
    }
    // a school's own report: its days
    const school = await api.get(`/exports/compliance.pdf?school=${SCHOOL}&from=${days[0]}&to=${days[5]}&lang=en`);
    const file = join(dir, 'archive-report-school.pdf');
    writeFileSync(file, school.bytes!);
    const txt = (await run('pdftotext', ['-layout', file, '-'])).stdout;
    expect(txt).toContain('recording days short');
    expect(txt).toContain('no signal');
  });

  it('shows each user only their scope', async () => {
    for (const u of [
      { username: 'auditor-ast', password: 'auditor-password-1', role: 'auditor', regions: ['KZ-71'] },
      { username: 'staff-1', password: 'staff-password-01', role: 'school', regions: [], schoolId: SCHOOL },
    ])
      expect((await api.post('/users', u)).status).toBe(200);
    const auditor = new Api(server.url);
    await auditor.login('auditor-ast', 'auditor-password-1');
    expect((await auditor.get(`/archive/days?school=${SCHOOL}&from=${days[0]}&to=${days[5]}`)).status).toBe(404);
    expect((await auditor.get(`/exports/compliance.csv?region=KZ-75&from=${days[0]}&to=${days[5]}`)).status).toBe(404);
    expect((await auditor.get(`/archive/days?region=KZ-71&from=${days[0]}&to=${days[5]}`)).json.days).toHaveLength(6);
    expect((await auditor.get(`/archive/days?from=${days[0]}&to=${days[5]}`)).status).toBe(404);
    const staff = new Api(server.url);
    await staff.login('staff-1', 'staff-password-01');
    expect((await staff.get(`/archive/days?school=${SCHOOL}&from=${days[0]}&to=${days[5]}`)).json.days).toHaveLength(6);
    expect((await staff.get(`/archive/days?region=KZ-75&from=${days[0]}&to=${days[5]}`)).status).toBe(404);
    expect((await staff.post('/archive/verify', {})).status).toBe(403);
    expect((await api.get(`/archive/days?from=${days[5]}&to=${days[0]}`)).status).toBe(400);
  });

  it('API tokens for other state systems: read-only, scoped to their regions, revocable, audited', async () => {
    const made = await api.post('/api-tokens', { name: 'Akimat of Almaty (reporting system)', regions: ['KZ-75'] });
    expect(made.status).toBe(200);
    const token = made.json.token as string;
    expect(token).toMatch(/^kzt_/);
    expect((await api.post('/api-tokens', { name: 'nobody', regions: ['KZ-99'] })).status).toBe(400);
    const bearer = (path: string, method = 'GET') =>
      fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    const q = `from=${days[0]}&to=${days[5]}`;
    const own = await bearer(`/archive/days?region=KZ-75&${q}`);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { days: unknown[] }).days).toHaveLength(6);
    expect((await bearer(`/exports/compliance.csv?district=KZ-75-01&${q}&lang=en`)).status).toBe(200);
    expect((await bearer(`/archive/days?region=KZ-71&${q}`)).status).toBe(404);
    expect((await bearer(`/archive/days?${q}`)).status).toBe(404);
    expect((await bearer('/compliance?region=KZ-75')).status).toBe(200);
    expect((await bearer('/archive/verify', 'POST')).status).toBe(403);
    expect((await bearer('/api-tokens')).status).toBe(403);
    // the list shows it (used just now), never the token
    const listed = (await api.get('/api-tokens')).json as { id: string; lastUsedAt?: string; token?: string }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]!.lastUsedAt).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(token);
    expect((await api.call('DELETE', `/api-tokens/${listed[0]!.id}`)).status).toBe(200);
    expect((await bearer(`/archive/days?region=KZ-75&${q}`)).status).toBe(401);
    expect(
      (await fetch(`${server.url}/api/v1/summary`, { headers: { authorization: 'Bearer kzt_forged' } })).status,
    ).toBe(401);
    const audit = (await api.get('/audit?limit=50')).json as { action: string; username: string; detail?: string }[];
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['api_token_created', 'api_token_revoked']));
    expect(audit.find((a) => a.action === 'export' && a.username === `api.${listed[0]!.id}`)?.detail).toMatch(
      /^csv district KZ-75-01 /,
    );
  });

  it('an admin re-judges an ended day: a superseding entry, the chain still whole', async () => {
    const r = await api.post(`/archive/days/${days[1]}/rejudge`, {});
    expect(r.status).toBe(200);
    expect(r.json.n).toBe(8);
    const d2 = (await schoolDays(days[1], days[1]))[0]!;
    expect(d2).toMatchObject({ n: 8, revised: true });
    expect(d2.school.availablePct).toBe(100);
    expect((await api.post(`/archive/days/${today}/rejudge`, {})).status).toBe(400);
    const auditor = new Api(server.url);
    await auditor.login('auditor-ast', 'auditor-password-1');
    expect((await auditor.post(`/archive/days/${days[1]}/rejudge`, {})).status).toBe(403);
    expect((await api.post('/archive/verify', {})).json).toMatchObject({ ok: true, entries: 8 });
  });
});
