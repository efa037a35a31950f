/**
 * The simulator against two independent ONVIF clients — node-onvif and the maintained `onvif` package (agsh) — for
 * every personality and the NVR: what a Profile S/G client does on connect, stream and snapshot URIs, recording
 * search, and a WS-Discovery probe (on loopback only).
 */
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import type { Simulator } from '@kuzet/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedSimulator } from '../helpers.ts';

const require = createRequire(import.meta.url);
const PASSWORD = 'camera-pass';

type Callback<T> = (err: Error | null, data?: T) => void;
const call = <T>(f: (cb: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) => f((err, data) => (err ? reject(err) : resolve(data as T))));

interface AgshCam {
  connect(cb: Callback<void>): void;
  getStreamUri(o: { protocol: string }, cb: Callback<{ uri: string }>): void;
  getSnapshotUri(cb: Callback<{ uri: string }>): void;
  getRecordingSummary(cb: Callback<{ numberRecordings: number; dataFrom: string }>): void;
  getHostname(cb: Callback<{ name: string }>): void;
  getNTP(cb: Callback<unknown>): void;
  getDNS(cb: Callback<unknown>): void;
  getVideoEncoderConfigurationOptions(o: unknown, cb: Callback<{ H264?: unknown }>): void;
  on(event: 'warning', f: (w: unknown) => void): void;
  profiles: { $: { token: string }; videoEncoderConfiguration: { multicast?: unknown; H264?: unknown } }[];
  videoSources: unknown[];
  uri: { search?: unknown; media?: unknown };
}

describe('the simulator is a conformant ONVIF device to independent clients', () => {
  let sim: Simulator;
  const devices: { name: string; port: number; personality: string; search: boolean; stream?: string }[] = [];

  beforeAll(async () => {
    ({ sim } = await generatedSimulator({ count: 3 }));
    for (const name of ['cam001', 'cam002', 'cam003']) {
      const c = sim.camera(name);
      devices.push({
        name,
        port: c.config.onvifPort,
        personality: c.config.personality,
        search: c.config.recording.on === 'camera',
        stream: c.mediaProfiles()[0]!.streamUri,
      });
    }
    const nvr = sim.nvr('nvr1');
    devices.push({ name: 'nvr1', port: nvr.config.onvifPort, personality: 'nvr', search: true });
  });
  afterAll(async () => sim?.stop());

  it('the `onvif` client connects to every personality and the NVR, with profiles, sources and search', async () => {
    const { Cam } = require('onvif') as { Cam: new (o: object) => AgshCam };
    for (const d of devices) {
      const cam = new Cam({
        hostname: '127.0.0.1',
        port: d.port,
        username: 'admin',
        password: PASSWORD,
        autoconnect: false,
        timeout: 5000,
      });
      const warnings: unknown[] = [];
      cam.on('warning', (w) => warnings.push(w));
      await call<void>((cb) => cam.connect(cb));
      expect(warnings, d.name).toEqual([]); // a failed GetVideoSources/GetProfiles is a warning and no profiles
      expect(cam.profiles.length, d.name).toBeGreaterThan(0);
      expect(cam.videoSources.length, d.name).toBeGreaterThan(0);
      // schema-required parts of an encoder configuration
      expect(cam.profiles[0]!.videoEncoderConfiguration.multicast, d.name).toBeDefined();
      // no profile token given: the client takes its active source's
      const stream = await call<{ uri: string }>((cb) => cam.getStreamUri({ protocol: 'RTSP' }, cb));
      expect(stream.uri, d.name).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\//);
      if (d.stream) expect(stream.uri, d.name).toBe(d.stream);
      const snap = await call<{ uri: string }>((cb) => cam.getSnapshotUri(cb));
      expect(snap.uri, d.name).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${d.port}/onvif/snapshot/`));
      expect((await call<{ name: string }>((cb) => cam.getHostname(cb))).name, d.name).toBe(d.name);
      await call((cb) => cam.getNTP(cb));
      await call((cb) => cam.getDNS(cb));
      const options = await call<{ H264?: unknown }>((cb) =>
        cam.getVideoEncoderConfigurationOptions({ profileToken: cam.profiles[0]!.$.token }, cb),
      );
      expect(options.H264, d.name).toBeDefined();
      if (d.search) {
        expect(cam.uri.search, d.name).toBeDefined();
        const summary = await call<{ numberRecordings: number }>((cb) => cam.getRecordingSummary(cb));
        expect(summary.numberRecordings, d.name).toBeGreaterThan(0);
      } else expect(cam.uri.search, d.name).toBeUndefined();
    }
    // a wrong password: the pre-auth calls answer, everything else is refused (the client warns, keeps no profile)
    const wrong = new Cam({
      hostname: '127.0.0.1',
      port: devices[0]!.port,
      username: 'admin',
      password: 'nope',
      autoconnect: false,
    });
    const refused: unknown[] = [];
    wrong.on('warning', (w) => refused.push(w));
    await call<void>((cb) => wrong.connect(cb));
    expect(refused.length).toBeGreaterThan(0);
    expect(wrong.profiles).toEqual([]);
  });

  it('node-onvif reads every device whose authentication it speaks (UsernameToken), and gets 401 from the rest', async () => {
    const onvif = require('node-onvif');
    for (const d of devices) {
      const device = new onvif.OnvifDevice({
        xaddr: `http://127.0.0.1:${d.port}/onvif/device_service`,
        user: 'admin',
        pass: PASSWORD,
      });
      // node-onvif has no HTTP Digest: a Digest-only device (dahuan) refuses it as it refuses any such client
      if (d.personality === 'dahuan') {
        await expect(device.init(), d.name).rejects.toThrow(/401/);
        continue;
      }
      const info = await device.init();
      expect(info.Manufacturer, d.name).toBeTruthy();
      const profile = device.getCurrentProfile();
      expect(profile.stream.rtsp, d.name).toMatch(/^rtsp:\/\//);
      if (d.stream) expect(profile.stream.rtsp, d.name).toBe(d.stream);
      expect(profile.video.encoder.resolution.width, d.name).toBeGreaterThan(0);
    }
  });

  it("the `onvif` client's WS-Discovery probe finds every camera (on loopback)", async () => {
    const { Discovery } = require('onvif') as {
      Discovery: {
        probe(o: object, cb: (err: Error | null, cams: { hostname: string; port: string }[]) => void): void;
      };
    };
    // its socket is bound to 127.0.0.1 (device 'lo'); its multicast interface is set to loopback too before any
    // send, so that nothing leaves the machine whatever the routing table says
    const create = dgram.createSocket;
    const patched = ((...args: Parameters<typeof dgram.createSocket>) => {
      const s = create(...args);
      const send = s.send.bind(s) as (...a: unknown[]) => void;
      (s as unknown as { send: (...a: unknown[]) => void }).send = (...a: unknown[]) => {
        s.setMulticastInterface('127.0.0.1');
        send(...a);
      };
      return s;
    }) as typeof dgram.createSocket;
    dgram.createSocket = patched;
    try {
      const found = await new Promise<{ hostname: string; port: string }[]>((resolve, reject) =>
        Discovery.probe({ device: 'lo', timeout: 2500, resolve: true }, (err, cams) =>
          err ? reject(err) : resolve(cams),
        ),
      );
      const ports = new Set(found.map((c) => Number(c.port)));
      for (const d of devices.filter((x) => x.personality !== 'nvr')) expect(ports.has(d.port), d.name).toBe(true);
    } finally {
      dgram.createSocket = create;
    }
  });
});
