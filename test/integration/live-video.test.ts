import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIVE_INIT, LIVE_KEY_FRAGMENT, type LiveVideoFrame } from '@kuzet/protocol';
import type { RunningServer } from '@kuzet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { thumbnailOf } from '../../agents/src/probe/ffmpeg.ts';
import { ssim } from '../../agents/src/probe/similarity.ts';
import { type Chain, startChain } from '../chain.ts';
import { waitFor } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

const SCHOOL = 'KZ-75-01-0001';
const AGENT = 'agent-almaty-1';

/** A viewer over the websocket: the player's messages, and the video pieces as they come. */
class Viewer {
  readonly ws: WebSocket;
  readonly frames: LiveVideoFrame[] = [];
  readonly pieces: Buffer[] = [];
  closed = false;
  constructor(base: string, cookie: string, cameraId: string) {
    this.ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/video?camera=${cameraId}`, { headers: { cookie } });
    this.ws.on('message', (d, binary) => {
      if (binary) this.pieces.push(d as Buffer);
      else this.frames.push(JSON.parse(String(d)));
    });
    this.ws.on('close', () => {
      this.closed = true;
    });
  }
  ended() {
    return this.frames.find((f) => f.type === 'ended');
  }
  /** the MP4 received so far: the initialisation segment and every fragment */
  mp4(): Buffer {
    return Buffer.concat(this.pieces.map((p) => p.subarray(1)));
  }
}

/** Decodes an MP4 with ffmpeg: the number of frames, and the md5 of the first and of the last. */
function decode(mp4: Buffer): { frames: number; first: string; last: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kuzet-live-'));
  writeFileSync(join(dir, 'v.mp4'), mp4);
  const out = execFileSync('ffmpeg', ['-v', 'error', '-i', join(dir, 'v.mp4'), '-f', 'framemd5', '-'], {
    encoding: 'utf8',
  });
  const md5s = out
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
  return { frames: md5s.length, first: md5s[0] ?? '', last: md5s.at(-1) ?? '' };
}

/** The first frame of an MP4 as the 64×36 greyscale picture scene checks compare. */
function firstFrame(mp4: Buffer): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'kuzet-live-'));
  writeFileSync(join(dir, 'v.mp4'), mp4);
  const args = ['-v', 'error', '-i', join(dir, 'v.mp4'), '-frames:v', '1', '-vf', 'scale=64:36:flags=area,format=gray'];
  return new Uint8Array(execFileSync('ffmpeg', [...args, '-f', 'rawvideo', '-']));
}

describe('live video: relayed by the school agent, watched through either instance', () => {
  let chain: Chain;
  let s2: RunningServer;
  let admin: Api;
  let cameraId: string;

  beforeAll(async () => {
    const env = {
      KUZET_LIVE_SESSION_SECONDS: '10',
      KUZET_LIVE_VIEWERS_PER_CAMERA: '2',
      KUZET_LIVE_START_SECONDS: '10',
    };
    chain = await startChain({ school: SCHOOL, agentId: AGENT, cameras: 2, env });
    ({ server: s2 } = await testServer(chain.redis.url, chain.prefix, { ...env, KUZET_REGISTRY: '' }));
    admin = new Api(chain.server.url);
    expect(await admin.login('admin', ADMIN_PASSWORD)).toBe(200);
    const cams = await waitFor(
      async () => {
        const c = (await admin.get(`/schools/${SCHOOL}/cameras`)).json as { cameraId: string; status: string }[];
        return c.filter((x) => x.status === 'online').length === 2 ? c : undefined;
      },
      30_000,
      'two online cameras',
    );
    cameraId = cams[0]!.cameraId;
  });
  afterAll(async () => {
    await s2?.close();
    await chain?.stop();
  });

  it('an operator watching through the other instance gets a playable stream that moves; one upstream for two', async () => {
    const op = { username: 'live-op', role: 'operator', regions: ['KZ-75'], password: 'live-op-password-1' };
    expect((await admin.post('/users', op)).status).toBe(200);
    const api2 = new Api(s2.url);
    expect(await api2.login(op.username, op.password)).toBe(200);
    const a = new Viewer(s2.url, api2.cookie, cameraId);
    await waitFor(
      () => a.pieces.some((p) => p[0] === LIVE_KEY_FRAGMENT) || undefined,
      15_000,
      () => {
        return `a key frame (frames: ${JSON.stringify(a.frames)})`;
      },
    );
    expect(a.frames[0]).toMatchObject({ type: 'starting' });
    expect(a.frames.find((f) => f.type === 'info')).toMatchObject({
      info: { codec: expect.stringMatching(/^avc1\./), transcoded: false },
    });
    expect(a.pieces[0]![0]).toBe(LIVE_INIT);
    // a second viewer, on the agent's own instance, joins the same session (the agent relays the camera once)
    const b = new Viewer(chain.server.url, admin.cookie, cameraId);
    await waitFor(() => b.pieces.some((p) => p[0] === LIVE_KEY_FRAGMENT) || undefined, 15_000, 'the second viewer');
    expect(chain.relay.active).toBe(1);
    const startingOf = (v: Viewer) => (v.frames[0] as { sessionId?: string }).sessionId;
    expect(startingOf(b)).toBe(startingOf(a));
    // two seconds of video later: what arrived decodes, and the picture moved on
    await new Promise((r) => setTimeout(r, 2500));
    const d = decode(a.mp4());
    expect(d.frames).toBeGreaterThan(20);
    expect(d.first).not.toBe(d.last);
    const db = decode(b.mp4());
    expect(db.frames).toBeGreaterThan(10);
    // the simulated camera's own picture (its test pattern), not another one
    const seen = firstFrame(a.mp4());
    const pattern = (src: string) =>
      thumbnailOf(
        execFileSync('ffmpeg', [
          '-v',
          'error',
          '-f',
          'lavfi',
          '-i',
          `${src}=s=640x360:d=1`,
          '-frames:v',
          '1',
          '-f',
          'mjpeg',
          '-',
        ]),
      );
    expect(ssim(seen, await pattern('testsrc'))).toBeGreaterThan(0.5);
    expect(ssim(seen, await pattern('testsrc2'))).toBeLessThan(0.3);
    const viewers = (await admin.get(`/cameras/${cameraId}/viewers`)).json as { username: string }[];
    expect(viewers.map((x) => x.username).sort()).toEqual(['admin', 'live-op']);
    // a third viewer of the camera is refused: its limit is two
    const c = new Viewer(chain.server.url, admin.cookie, cameraId);
    await waitFor(() => c.ended(), 5000, 'the third viewer refused');
    expect(c.ended()).toMatchObject({ reason: 'limit_camera' });
    a.ws.close();
    b.ws.close();
    // nobody watches: the agent stops pulling the camera
    await waitFor(() => chain.relay.active === 0 || undefined, 10_000, 'the relay to stop');
    const audit = (await admin.get(`/audit?cameraId=${cameraId}&limit=50`)).json as { action: string }[];
    expect(audit.filter((e) => e.action === 'live_view')).toHaveLength(2);
    expect(audit.filter((e) => e.action === 'live_view_end').length).toBeGreaterThanOrEqual(2);
    expect(
      audit.find((e) => e.action === 'live_view' && (e as { username?: string }).username === 'live-op'),
    ).toBeTruthy();
  });

  it('a viewer sending text that is not JSON is ignored, and its session goes on', async () => {
    const v = new Viewer(chain.server.url, admin.cookie, cameraId);
    await waitFor(() => v.frames.find((f) => f.type === 'starting'), 10_000, 'the session');
    v.ws.send('not json at all');
    v.ws.send(JSON.stringify({ type: 'extend' }));
    await waitFor(() => v.frames.find((f) => f.type === 'extended'), 5000, 'the extension after the bad frame');
    v.ws.close();
    await waitFor(() => chain.relay.active === 0 || undefined, 10_000, 'the relay to stop');
    expect((await admin.get('/summary')).status).toBe(200);
  });

  it('refuses an auditor and a camera outside the scope, each with its reason', async () => {
    expect(
      (await admin.post('/users', { username: 'live-aud', role: 'auditor', regions: [], password: 'live-aud-pw-1' }))
        .status,
    ).toBe(200);
    const aud = new Api(chain.server.url);
    await aud.login('live-aud', 'live-aud-pw-1');
    const v = new Viewer(chain.server.url, aud.cookie, cameraId);
    await waitFor(() => v.ended(), 5000, 'the auditor refused');
    expect(v.ended()).toMatchObject({ reason: 'not_allowed' });
    expect(v.pieces).toHaveLength(0);
    const nobody = new Viewer(chain.server.url, admin.cookie, 'cam-00000000000000ff');
    await waitFor(() => nobody.ended(), 5000, 'an unknown camera refused');
    expect(nobody.ended()).toMatchObject({ reason: 'not_allowed' });
  });

  it('ends a session when its time runs out, unless extended', async () => {
    const v = new Viewer(chain.server.url, admin.cookie, cameraId);
    await waitFor(() => v.pieces.some((p) => p[0] === LIVE_KEY_FRAGMENT) || undefined, 15_000, 'video');
    const first = v.frames.find((f) => f.type === 'starting') as { expiresAt: string };
    await new Promise((r) => setTimeout(r, 3000));
    v.ws.send(JSON.stringify({ type: 'extend' }));
    const ext = await waitFor(() => v.frames.find((f) => f.type === 'extended'), 5000, 'extended');
    expect(Date.parse((ext as { expiresAt: string }).expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
    await waitFor(() => v.ended(), 20_000, 'the end of its time');
    expect(v.ended()).toMatchObject({ reason: 'expired' });
    await waitFor(() => chain.relay.active === 0 || undefined, 10_000, 'the relay to stop');
  });

  it("re-encodes a camera whose stream does not fit the school's live budget", async () => {
    const { server: s3 } = await testServer(chain.redis.url, chain.prefix, {
      KUZET_LIVE_SCHOOL_KBPS: '100',
      KUZET_REGISTRY: '',
    });
    try {
      const api3 = new Api(s3.url);
      await api3.login('admin', ADMIN_PASSWORD);
      const v = new Viewer(s3.url, api3.cookie, cameraId);
      await waitFor(() => v.frames.some((f) => f.type === 'restart') || undefined, 20_000, 'a restart');
      const infos = await waitFor(
        () => {
          const i = v.frames.flatMap((f) => (f.type === 'info' ? [f.info] : []));
          return i.length >= 2 ? i : undefined;
        },
        20_000,
        () => `the re-encoded stream (frames ${JSON.stringify(v.frames)})`,
      );
      expect(infos.map((i) => i.transcoded)).toEqual([false, true]);
      expect(infos[1]!.codec).toMatch(/^avc1\./);
      // after the restart: a new initialisation segment, then fragments of the re-encoded stream
      const restartAt = v.pieces.findLastIndex((p) => p[0] === LIVE_INIT);
      await waitFor(() => v.pieces.length > restartAt + 5 || undefined, 10_000, 're-encoded fragments');
      expect(decode(Buffer.concat(v.pieces.slice(restartAt).map((p) => p.subarray(1)))).frames).toBeGreaterThan(3);
      v.ws.close();
      await waitFor(() => chain.relay.active === 0 || undefined, 10_000, 'the relay to stop');
    } finally {
      await s3.close();
    }
  });

  it('tells the viewer when the camera refuses its stream', async () => {
    const cam = chain.sim.list().find((c) => c.serial.startsWith(chain.tag))!;
    const cams = (await admin.get(`/schools/${SCHOOL}/cameras`)).json as { cameraId: string; serial: string }[];
    const id = cams.find((c) => c.serial === cam.serial)!.cameraId;
    await chain.sim.setFaults(cam.name, { rtspDown: true });
    const v = new Viewer(chain.server.url, admin.cookie, id);
    await waitFor(() => v.ended(), 20_000, 'the refusal');
    expect(v.ended()).toMatchObject({ reason: 'camera_refused' });
    await chain.sim.setFaults(cam.name, 'clear');
  });

  it("tells the viewer when the school's agent has no link to the centre (last: the agent goes away)", async () => {
    await chain.link.stop();
    // an instance that judges links within a second marks the silent agent down (the others wait 45 s)
    const { server: quick } = await testServer(chain.redis.url, chain.prefix, {
      KUZET_LINK_DOWN_SECONDS: '1',
      KUZET_AGENT_MAX_BACKOFF_SECONDS: '0',
      KUZET_REGISTRY: '',
    });
    try {
      await waitFor(
        async () => {
          const c = (await admin.get(`/schools/${SCHOOL}/cameras`)).json as { status: string }[];
          return c.every((x) => x.status === 'link_down') || undefined;
        },
        30_000,
        "the school's cameras link_down",
      );
      const v = new Viewer(chain.server.url, admin.cookie, cameraId);
      await waitFor(() => v.ended(), 10_000, 'the answer');
      expect(v.ended()).toMatchObject({ reason: 'agent_offline' });
      await waitFor(() => v.closed || undefined, 5_000, 'the socket closed');
      expect(v.pieces).toHaveLength(0);
      expect(chain.relay.active).toBe(0);
    } finally {
      await quick.close();
    }
  });
});
