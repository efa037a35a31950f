import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Simulator } from '@kuzet/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Journal } from '../../agents/src/journal.ts';
import { type Chain, startChain } from '../chain.ts';
import { enrolFakeAgent, FakeAgent } from '../fake-agent.ts';
import { waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api } from '../server-helpers.ts';

const SCHOOL = 'KZ-75-01-0001';
const AGENT = 'agent-almaty-1';

describe('simulated cameras → agent → link → server → REST and live push', () => {
  let chain: Chain;
  let sim: Simulator;
  let tag: string;
  let journal: Journal;
  let port: number;
  let dir: string;
  const admin = () => new Api(chain.server.url);

  beforeAll(async () => {
    chain = await startChain({ school: SCHOOL, agentId: AGENT, cameras: 3 });
    ({ sim, tag, journal, port, dir } = chain);
    const api = admin();
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);
    expect(
      (await api.get(`/agents`)).json.find((a: { agentId: string }) => a.agentId === AGENT)?.enrolledAt,
    ).toBeTruthy();
    // a code works once
    const code = await api.post('/enrolment-codes', { schoolId: 'KZ-71-01-0001', agentId: 'agent-astana-1' });
    expect((await api.post('/enrol', { code: code.json.code })).status).toBe(200);
    expect((await api.post('/enrol', { code: code.json.code })).status).toBe(403);
  });

  afterAll(async () => {
    await chain?.stop();
  });

  const ourCams = async (api: Api) => {
    const r = await api.get(`/schools/${SCHOOL}/cameras`);
    return (r.json as { serial?: string; status: string; reasons: string[]; cameraId: string }[]).filter((c) =>
      c.serial?.startsWith(tag),
    );
  };

  const onlineCamera = (api: Api) =>
    waitFor(async () => (await ourCams(api)).find((c) => c.status === 'online'), 30_000, 'an online camera');

  it("shows the school's cameras online through the REST API, with roll-ups", async () => {
    const api = admin();
    await api.login('admin', ADMIN_PASSWORD);
    const cams = await waitFor(
      async () => {
        const c = await ourCams(api);
        return c.length === 3 && c.every((x) => x.status === 'online') ? c : undefined;
      },
      30_000,
      'three online cameras',
    );
    expect(cams).toHaveLength(3);
    const summary = await api.get(`/summary?school=${SCHOOL}`);
    expect(summary.json.online).toBeGreaterThanOrEqual(3);
    const region = (await api.get('/regions')).json.find((r: { code: string }) => r.code === 'KZ-75');
    expect(region.counts.online).toBeGreaterThanOrEqual(3);
    const doc = (await (await fetch(`${chain.server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toContain('/api/v1/schools/{id}/cameras');
  });

  it('a fault injected in the simulator reaches the REST API and a live subscriber with its reason', async () => {
    const api = admin();
    await api.login('admin', ADMIN_PASSWORD);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`, { headers: { cookie: api.cookie } });
    const frames: {
      type: string;
      cameras?: unknown[];
      deltas?: { cameraId: string; status: string; reasons: string[] }[];
    }[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', scope: { kind: 'school', id: SCHOOL } }));
    const snapshot = await waitFor(() => frames.find((f) => f.type === 'snapshot'), 5000, 'snapshot');
    expect(snapshot.cameras?.length).toBeGreaterThanOrEqual(3);
    const target = await waitFor(
      async () => (await ourCams(api)).find((c) => c.status === 'online'),
      30_000,
      'an online camera',
    );
    const name = sim.list().find((c) => c.serial === target.serial)!.name;
    await sim.setFaults(name, { rtspDown: true });
    const delta = await waitFor(
      () =>
        frames
          .flatMap((f) => f.deltas ?? [])
          .find((d) => d.cameraId === target.cameraId && d.reasons.includes('rtsp_down')),
      20_000,
      `rtsp_down delta (frames: ${JSON.stringify(frames).slice(0, 600)})`,
    );
    expect(delta.status).toBe('degraded');
    const rest = (await ourCams(api)).find((c) => c.cameraId === target.cameraId)!;
    expect(rest.reasons).toContain('rtsp_down');
    const hist = await api.get(`/cameras/${target.cameraId}/history`);
    expect(hist.json[0]).toMatchObject({ status: 'degraded', reasons: ['rtsp_down'] });
    await sim.setFaults(name, 'clear');
    ws.close();
  });

  it("takes a camera's picture in the deep stream check; an admin sees it (and is recorded), an auditor does not", async () => {
    const api = admin();
    await api.login('admin', ADMIN_PASSWORD);
    const target = await onlineCamera(api);
    expect(chain.agent.checkNow(target.cameraId, 'stream')).toBe(true);
    const cam = await waitFor(
      async () =>
        ((await api.get(`/schools/${SCHOOL}/cameras`)).json as { cameraId: string; snapshotAt?: string }[]).find(
          (c) => c.cameraId === target.cameraId && c.snapshotAt,
        ),
      40_000,
      'a picture of the camera',
    );
    expect(Date.parse(cam.snapshotAt!)).toBeGreaterThan(Date.now() - 60_000);
    const pic = await api.get(`/cameras/${target.cameraId}/snapshot`);
    expect(pic.status).toBe(200);
    expect(pic.bytes!.subarray(0, 2).toString('hex')).toBe('ffd8'); // a JPEG, made by ffmpeg from the RTSP stream
    expect(pic.bytes!.length).toBeGreaterThan(500);
    const audit = (await api.get(`/audit?cameraId=${target.cameraId}`)).json as { username: string }[];
    expect(audit[0]?.username).toBe('admin');
    // an auditor works with compliance figures: no pictures
    expect(
      (await api.post('/users', { username: 'aud-pic', role: 'auditor', regions: [], password: 'auditor-pw-1' }))
        .status,
    ).toBe(200);
    const aud = admin();
    await aud.login('aud-pic', 'auditor-pw-1');
    expect((await aud.get(`/cameras/${target.cameraId}/snapshot`)).status).toBe(403);
  });

  it("staff confirm a camera's view; each check compares with it: turned away is scene_changed, back is online", async () => {
    const api = admin();
    await api.login('admin', ADMIN_PASSWORD);
    const target = await onlineCamera(api);
    const id = target.cameraId;
    const name = sim.list().find((c) => c.serial === target.serial)!.name;
    const view = async () => (await api.get(`/cameras/${id}`)).json as Record<string, unknown> & { reasons: string[] };
    chain.agent.checkNow(id, 'stream');
    const snapshotAt = (await waitFor(async () => (await view()).snapshotAt, 40_000, 'a picture')) as string;
    const user = (username: string, role: string) =>
      api.post('/users', { username, role, regions: [], schoolId: SCHOOL, password: `${username}-password-1` });
    expect((await user('ref-staff', 'school')).status).toBe(200);
    expect(
      (await api.post('/users', { username: 'ref-aud', role: 'auditor', regions: [], password: 'aud-pw-12345' }))
        .status,
    ).toBe(200);
    const staff = admin();
    await staff.login('ref-staff', 'ref-staff-password-1');
    const aud = admin();
    await aud.login('ref-aud', 'aud-pw-12345');
    const confirm = (who: Api, at: string) => who.post(`/cameras/${id}/reference`, { snapshotAt: at });
    expect((await confirm(aud, snapshotAt)).status).toBe(403); // auditors see no pictures, confirm none
    expect((await confirm(staff, '2020-01-01T00:00:00.000Z')).status).toBe(409); // not the picture there now
    expect((await staff.get(`/cameras/${id}/reference`)).status).toBe(404);
    expect((await confirm(staff, snapshotAt)).status).toBe(200);
    // the agent holds it (told at once over its link) and compares at once: the same view
    await waitFor(
      () => chain.agent.references.versions()[id] === snapshotAt || undefined,
      10_000,
      'the agent to hold it',
    );
    const same = await waitFor(
      async () => {
        const v = await view();
        return typeof v.sceneSimilarity === 'number' ? v : undefined;
      },
      40_000,
      'a similarity',
    );
    expect(same).toMatchObject({ referenceAt: snapshotAt, referenceBy: 'ref-staff' });
    expect(same.sceneSimilarity).toBeGreaterThan(0.6);
    expect(same.reasons).not.toContain('scene_changed');
    const ref = await staff.get(`/cameras/${id}/reference`);
    expect(ref.bytes!.subarray(0, 2).toString('hex')).toBe('ffd8');
    const audit = (await api.get(`/audit?cameraId=${id}`)).json as { action: string; username: string }[];
    expect(audit.map((a) => `${a.action}:${a.username}`)).toEqual(
      expect.arrayContaining(['reference_confirmed:ref-staff', 'reference_view:ref-staff']),
    );
    // turned away: a sharp, live picture of another view
    await sim.setFaults(name, { picture: 'turned' });
    chain.agent.checkNow(id, 'stream');
    const turned = await waitFor(
      async () => {
        const v = await view();
        return v.reasons.includes('scene_changed') ? v : undefined;
      },
      40_000,
      'scene_changed',
    );
    expect(turned.status).toBe('degraded');
    expect(turned.sceneSimilarity).toBeLessThan(0.4);
    expect(turned.reasons).not.toContain('blurred_picture');
    // another agent of the school is given the reference on connecting; one that names it at its version is not
    const fresh = await enrolFakeAgent(api, chain.server.url, SCHOOL, 'agent-almaty-spare');
    const given = await waitFor(() => fresh.frames.find((f) => f.type === 'reference'), 5000, 'the reference');
    expect(given).toMatchObject({ cameraId: id, version: snapshotAt });
    fresh.ws.close();
    const holder = new FakeAgent(fresh.url, fresh.token, fresh.agentId);
    const other = (await ourCams(api)).find((c) => c.cameraId !== id)!.cameraId;
    // (and a camera of another school it names is none of its business)
    holder.references = { [id]: snapshotAt, [other]: snapshotAt, 'cam-00000000000000ff': snapshotAt };
    await holder.connect();
    await new Promise((r) => setTimeout(r, 500));
    // the camera it holds at its version: nothing; one without a reference at the centre: dropped
    expect(holder.frames.filter((f) => f.type === 'reference')).toEqual([
      { type: 'reference', cameraId: other, version: snapshotAt },
    ]);
    holder.ws.close();
    // turned back
    await sim.setFaults(name, 'clear');
    chain.agent.checkNow(id, 'stream');
    await waitFor(async () => ((await view()).status === 'online' ? true : undefined), 40_000, 'online again');
  });

  it('loses no report while the server is down for 30 s (sequence numbers prove it)', async () => {
    await waitFor(() => journal.pending.length === 0 || undefined, 10_000, 'journal drained');
    await chain.server.close();
    const target = sim.list().find((c) => c.serial.startsWith(tag))!;
    await sim.setFaults(target.name, { offline: true }); // happens while the centre is away
    await new Promise((r) => setTimeout(r, 30_000));
    const pendingDuringOutage = journal.pending.length;
    expect(pendingDuringOutage).toBeGreaterThan(5);
    const seqs = journal.pending.map((b) => b.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i)); // contiguous, nothing dropped
    await chain.restartServer();
    await waitFor(() => journal.pending.length === 0 || undefined, 30_000, 'journal drained after restart');
    // the agent keeps producing batches: once nothing is pending, the server's last sequence is the agent's
    await waitFor(
      async () =>
        journal.pending.length === 0 && (await chain.server.ingest.lastSeq(AGENT)) === journal.lastSeq
          ? true
          : undefined,
      10_000,
      'server lastSeq = agent lastSeq',
    );
    const api = admin();
    await api.login('admin', ADMIN_PASSWORD);
    const cam = await waitFor(
      async () => (await ourCams(api)).find((c) => c.serial === target.serial && c.status === 'offline'),
      15_000,
      'offline seen after restart',
    );
    expect(cam.reasons).toEqual(['unreachable']);
    await sim.setFaults(target.name, 'clear');
  }, 120_000);

  it('refuses an agent whose token was revoked', async () => {
    const api = admin();
    await api.login('admin', ADMIN_PASSWORD);
    expect((await api.post(`/agents/${AGENT}/revoke`)).status).toBe(200);
    const token = readFileSync(join(dir, 'token'), 'utf8').trim();
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/agent/link`, { headers: { authorization: `Bearer ${token}` } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(refused).toBe(401);
  });
});
