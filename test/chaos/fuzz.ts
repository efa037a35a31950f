/**
 * Fuzzing for the chaos probe: mutated agent frames over the real link, mutated REST requests over every route of
 * the OpenAPI document, mutated camera answers against the agent's ONVIF client. Seeded: a failure is repeatable.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { identify } from '../../agents/src/identify.ts';
import { OnvifError } from '../../agents/src/onvif/errors.ts';
import { generatedSimulator } from '../helpers.ts';
import { CountingAgent, Deployment, sleep, verify } from './harness.ts';
import type { Outcome } from './scenarios.ts';

/** mulberry32: a small seeded generator */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}
type Rng = ReturnType<typeof rng>;

const NASTY: unknown[] = [
  null,
  true,
  -1,
  0,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  'x'.repeat(70_000),
  '%E0%A4%A',
  '\u0000\uffff\ud800',
  '../../etc/passwd',
  '<s:Envelope/>',
  [],
  {},
  { __proto__: { polluted: 1 } },
  [[[[[[[[[[]]]]]]]]]],
  '2026-02-30T25:61:00Z',
  'cam-zzzzzzzzzzzzzzzz',
];

/** A structural mutation of a JSON value: a field changed, dropped, duplicated or replaced by something nasty. */
export function mutateJson(v: unknown, r: Rng, depth = 0): unknown {
  if (depth > 6 || r.next() < 0.15) return r.pick(NASTY);
  if (Array.isArray(v)) {
    const out = [...v];
    if (out.length && r.next() < 0.5) out[r.int(out.length)] = mutateJson(out[r.int(out.length)], r, depth + 1);
    else if (r.next() < 0.5) out.push(r.pick(NASTY));
    else out.splice(r.int(out.length + 1), 1);
    return out;
  }
  if (v && typeof v === 'object') {
    const o = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(o);
    const k = keys.length ? r.pick(keys) : 'x';
    const roll = r.next();
    if (roll < 0.5) o[k] = mutateJson(o[k], r, depth + 1);
    else if (roll < 0.7) delete o[k];
    else o[`${k}_${r.int(9)}`] = r.pick(NASTY);
    return o;
  }
  return r.pick(NASTY);
}

/** Byte-level damage: flips, truncation, garbage. */
function damage(text: string, r: Rng): string | Buffer {
  const b = Buffer.from(text);
  switch (r.int(4)) {
    case 0:
      for (let i = 0; i < 1 + r.int(8); i++) b[r.int(b.length)] = r.int(256);
      return b;
    case 1:
      return text.slice(0, r.int(text.length));
    case 2:
      return `${text}${'}'.repeat(r.int(5))}garbage`;
    default:
      return '['.repeat(10_000 + r.int(10_000));
  }
}

function validFrames(agentId: string, seq: number): object[] {
  const at = new Date().toISOString();
  const cameraId = 'cam-00000000000000f1';
  const m = (x: object) => ({ v: 1, agentId, at, ...x });
  return [
    { type: 'hello', v: 1, agentId, lastSeq: seq },
    { type: 'ping', t: Date.now() },
    {
      type: 'batch',
      seq,
      messages: [
        m({ type: 'state', state: { cameraId, at, status: 'online', reasons: [], since: at } }),
        m({ type: 'health', sample: { cameraId, at, tier: 'rtsp', ok: true, reasons: [] } }),
        m({ type: 'clock', reading: { cameraId, at, driftSeconds: 1 } }),
        m({
          type: 'retention',
          report: { state: 'unknown', cameraId, at, reason: 'x' },
        }),
      ],
    },
  ];
}

/** ≥ n malformed frames over real links while a counting agent sends: no crash, nothing of its lost. */
export async function malformedFrames(o: { frames: number; seed?: number }): Promise<Outcome> {
  const d = await Deployment.start({ schools: 4 });
  const r = rng(o.seed ?? 17);
  const good = new CountingAgent(await d.enrol(0), d.linkUrls(), 5);
  const bad = await d.enrol(1);
  let sent = 0;
  let refused = 0;
  let closedByServer = 0;
  try {
    good.start(50);
    while (sent < o.frames) {
      const ws = new WebSocket(d.linkUrls()[0]!, { headers: { authorization: `Bearer ${bad.token}` } });
      ws.on('message', (x) => {
        if (String(x).includes('"error"')) refused++;
      });
      const open = await new Promise<boolean>((resolve) => {
        ws.once('open', () => resolve(true));
        ws.once('error', () => resolve(false));
      });
      if (!open) throw new Error('the server stopped accepting links');
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      for (let i = 0; i < 200 && ws.readyState === WebSocket.OPEN; i++, sent++) {
        const f = r.pick(validFrames(bad.agentId, 1 + r.int(1e6)));
        const text = JSON.stringify(mutateJson(f, r));
        const out = r.next() < 0.3 ? damage(text, r) : text;
        ws.send(out, { binary: r.next() < 0.02 });
        if (i % 50 === 49) await sleep(5);
      }
      if (ws.readyState === WebSocket.OPEN) ws.close();
      else closedByServer++;
      await closed;
    }
    await good.drain();
    const v = await verify(d.redisClient(), [good]);
    const alive = d.servers.get(d.ports[0]!)?.proc.exitCode === null;
    return {
      scenario: `${o.frames.toLocaleString('en')} malformed agent frames`,
      messages: v.sent,
      lost: v.lost,
      duplicated: v.duplicated,
      malformedSent: sent,
      refusedWithError: refused,
      linksClosedForBadFrames: closedByServer,
      crashes: alive ? 0 : 1,
    };
  } finally {
    await good.stop();
    await d.stop();
  }
}

/** percent-encoding of any string (a lone surrogate is sent as its UTF-8 replacement bytes) */
const safeEncode = (x: string) => encodeURIComponent(x.replace(/[\ud800-\udfff]/g, '\ufffd'));

const FUZZ_STRINGS = ['%E0%A4%A', '%', '..%2F..', 'x'.repeat(5000), '\u0000', 'ø', '-1', '1e999', '[]', '{}'];

/** ≥ n mutated requests over every route of the OpenAPI document, as admin and anonymous: no 5xx. */
export async function restFuzz(o: { requests: number; seed?: number }): Promise<Outcome> {
  const d = await Deployment.start({ schools: 4 });
  const r = rng(o.seed ?? 23);
  const base = d.urlOf(d.ports[0]!);
  const admin = await d.api();
  const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>>;
  };
  const ops = Object.entries(doc.paths).flatMap(([path, m]) =>
    Object.entries(m).map(([method, op]) => ({ path, method, op })),
  );
  const statuses = new Map<number, number>();
  const fiveXX: string[] = [];
  let sent = 0;
  try {
    while (sent < o.requests) {
      const { path, method, op } = r.pick(ops);
      const url = new URL(
        path.replace(/\{(\w+)\}/g, () =>
          r.next() < 0.3 ? 'KZ-75-01-0001' : r.next() < 0.5 ? r.pick(FUZZ_STRINGS) : safeEncode(String(r.pick(NASTY))),
        ),
        base,
      );
      for (const p of op.parameters ?? [])
        if (p.in === 'query' && r.next() < 0.7)
          url.searchParams.set(p.name, String(r.pick([...FUZZ_STRINGS, ...NASTY])));
      const headers: Record<string, string> = {};
      if (r.next() < 0.8) headers.cookie = r.next() < 0.9 ? admin.cookie : `kuzet_session=${r.pick(FUZZ_STRINGS)}`;
      let body: string | undefined;
      if (method !== 'get') {
        headers['content-type'] = r.pick([
          'application/json',
          'application/json; charset=latin9',
          'text/plain',
          'application/json',
        ]);
        if (r.next() < 0.1) headers['content-encoding'] = r.pick(['gzip', 'compress', 'br', 'x']);
        body =
          r.next() < 0.2 ? String(damage('{"a":1}', r)) : JSON.stringify(mutateJson({ schoolId: 'KZ-75-01-0001' }, r));
      }
      const res = await fetch(url, {
        method: method.toUpperCase(),
        headers: { ...headers, origin: base },
        body,
      }).catch(() => undefined);
      sent++;
      if (!res) continue;
      await res.arrayBuffer().catch(() => undefined);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) fiveXX.push(`${method.toUpperCase()} ${url.pathname}${url.search} → ${res.status}`);
    }
    return {
      scenario: `${o.requests.toLocaleString('en')} mutated REST requests over ${ops.length} routes`,
      messages: 0,
      lost: 0,
      duplicated: 0,
      requests: sent,
      answers4xx: [...statuses].filter(([s]) => s >= 400 && s < 500).reduce((n, [, c]) => n + c, 0),
      answers5xx: fiveXX.length,
      first5xx: fiveXX[0] ?? '',
    };
  } finally {
    await d.stop();
  }
}

/** ≥ n mutated camera answers (a proxy damages what a simulated camera says): only OnvifErrors, never a crash. */
export async function cameraAnswers(o: { answers: number; seed?: number }): Promise<Outcome> {
  const { sim } = await generatedSimulator({ count: 1, personalities: ['hikvista'] });
  const cam = sim.list()[0]!;
  const r = rng(o.seed ?? 31);
  let mutated = 0;
  const proxy = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const up = await fetch(`http://127.0.0.1:${cam.onvifPort}${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: Buffer.concat(chunks),
    });
    const text = await up.text();
    mutated++;
    let out: string | Buffer = text;
    const roll = r.next();
    if (roll < 0.25) out = damage(text, r);
    else if (roll < 0.5)
      out = text.replace(/>([^<]{1,40})</g, (m) => (r.next() < 0.2 ? `>${String(r.pick(NASTY)).slice(0, 100)}<` : m));
    else if (roll < 0.7) out = text.replace(/<(\/?)([\w:]+)/g, (m, s, t) => (r.next() < 0.05 ? `<${s}${t}x` : m));
    else if (roll < 0.85) out = text.replace(/(<[\w:]+>)/g, (m) => (r.next() < 0.05 ? `${m}${m}` : m));
    const headers: Record<string, string> = { 'content-type': up.headers.get('content-type') ?? 'text/xml' };
    const auth = up.headers.get('www-authenticate');
    if (auth) headers['www-authenticate'] = auth;
    res.writeHead(r.next() < 0.05 ? r.pick([200, 400, 404, 500]) : up.status, headers).end(out);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  const xaddr = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/onvif/device_service`;
  let ok = 0;
  let onvifErrors = 0;
  const crashes: string[] = [];
  try {
    while (mutated < o.answers) {
      try {
        await identify(xaddr, { username: 'admin', password: 'camera-pass' }, { timeoutMs: 2000 });
        ok++;
      } catch (err) {
        if (err instanceof OnvifError) onvifErrors++;
        else crashes.push(String((err as Error).stack ?? err).slice(0, 300));
      }
    }
    return {
      scenario: `${o.answers.toLocaleString('en')} mutated camera answers to the agent's ONVIF client`,
      messages: 0,
      lost: 0,
      duplicated: 0,
      answers: mutated,
      identified: ok,
      clearErrors: onvifErrors,
      crashes: crashes.length,
      firstCrash: crashes[0] ?? '',
    };
  } finally {
    proxy.close();
    await sim.stop();
  }
}
