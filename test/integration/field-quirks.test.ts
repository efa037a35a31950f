import { Agent, MemorySink } from '@kuzet/agent';
import type { AgentMessage } from '@kuzet/protocol';
import { generateCameras, type Simulator } from '@kuzet/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identify, mainProfile } from '../../agents/src/identify.ts';
import { OnvifDevice } from '../../agents/src/onvif/client.ts';
import { describeStream } from '../../agents/src/probe/rtsp.ts';
import { agentConfig, freePortRange, generatedSimulator, runTag, startSimulator, waitFor } from '../helpers.ts';

const creds = { username: 'admin', password: 'camera-pass' };
const opts = { timeoutMs: 4000 };

/**
 * Quirks of real cameras' firmware (issue 15), each reproduced by the simulator: two Digest challenges in one
 * answer (MD5 and SHA-256, either order), GetSystemDateAndTime behind credentials, pre-2.0 local time with a POSIX
 * zone, GetServices failing without a SOAP fault.
 */
describe('real cameras quirks, reproduced by the simulator', () => {
  let sim: Simulator;
  const xaddr = (name: string) => {
    const c = sim.camera(name);
    return `http://${c.host}:${c.onvifPort}/onvif/device_service`;
  };

  beforeAll(async () => {
    // cam001 hikvista (Digest MD5 then SHA-256), cam002 dahuan (SHA-256 then MD5, HTTP Digest only),
    // cam003 budgetcam (UsernameToken only)
    ({ sim } = await generatedSimulator({ count: 3 }));
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('answers two Digest challenges in either order with the strongest, over HTTP and RTSP', async () => {
    for (const name of ['cam001', 'cam002']) {
      const { identity } = await identify(xaddr(name), creds, opts);
      expect(identity.media.length).toBeGreaterThan(0);
      const stream = mainProfile(identity)!.streamUri!;
      expect(await describeStream(stream, creds, 4000)).toMatchObject({ ok: true });
      // a wrong password is still an authentication failure, not a stream that is down
      expect(await describeStream(stream, { ...creds, password: 'wrong' }, 4000)).toMatchObject({
        ok: false,
        reason: 'auth_failed',
      });
    }
    const dahuan = await identify(xaddr('cam002'), creds, opts);
    expect(dahuan.identity.auth).toBe('httpDigest');
  });

  it('measures the clock of a camera that wants credentials for GetSystemDateAndTime', async () => {
    // (within the camera's own 10 s tolerance for a token's time: the offset is not known before this answer)
    await sim.setFaults('cam003', { clockNeedsAuth: true, clockDriftSeconds: 6 });
    const sample = await new OnvifDevice(xaddr('cam003'), creds, opts).clock();
    expect(Math.abs(sample.offsetMs - 6000)).toBeLessThan(1500);
    await sim.setFaults('cam003', 'clear');
  });

  it('reads a pre-2.0 answer: local time and a POSIX zone, no UTC time', async () => {
    await sim.setFaults('cam001', { legacyTime: true, clockDriftSeconds: -90 });
    const sample = await new OnvifDevice(xaddr('cam001'), creds, opts).clock();
    expect(Math.abs(sample.offsetMs + 90_000)).toBeLessThan(2000);
    await sim.setFaults('cam001', 'clear');
  });

  it('reaches services whose addresses point elsewhere (0.0.0.0, stale, port forwarding) where the device answered', async () => {
    for (const where of ['zero', 'stale', 'forwarded'] as const) {
      await sim.setFaults('cam001', { serviceAddress: where });
      const { identity } = await identify(xaddr('cam001'), creds, opts);
      expect(identity.media.length, where).toBeGreaterThan(0);
      expect(identity.recordingSearch, where).toMatchObject({
        kind: 'camera',
        xaddr: expect.stringContaining(new URL(xaddr('cam001')).host),
      });
      // as given when told so: the camera is then unusable, as it was before (0.0.0.0 happens to mean this host to
      // the kernel, so only the others)
      if (where !== 'zero')
        await expect(identify(xaddr('cam001'), creds, { ...opts, serviceAddresses: 'off' }), where).rejects.toThrow();
    }
    await sim.setFaults('cam001', 'clear');
  });

  it('identifies a camera whose GetServices fails without a SOAP fault, through GetCapabilities', async () => {
    for (const broken of ['http500', 'http404', 'http400', 'html', 'empty'] as const) {
      await sim.setFaults('cam001', { servicesBroken: broken });
      const { identity } = await identify(xaddr('cam001'), creds, opts);
      expect(identity.profiles, broken).toContain('S');
      expect(identity.media.length, broken).toBeGreaterThan(0);
    }
    await sim.setFaults('cam001', 'clear');
  });
});

describe('placeholder and cloned serial numbers: every camera its own id', () => {
  let sim: Simulator;
  const xaddr = (name: string) => {
    const c = sim.camera(name);
    return `http://${c.host}:${c.onvifPort}/onvif/device_service`;
  };
  beforeAll(async () => {
    const basePort = await freePortRange(10);
    const gen = generateCameras({ count: 4, width: 640, height: 360, basePort, personalities: ['hikvista'] });
    // two units of cheap firmware with the same placeholder serial; two with a cloned, credible-looking one
    const clone = `${runTag()}-CLONE`;
    const serials = ['00000000', '00000000', clone, clone];
    gen.cameras.forEach((c, i) => {
      c.serial = serials[i]!;
    });
    sim = await startSimulator({ ...gen, discoveryMaxDelayMs: 200 });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('a placeholder serial is not an identity: the MAC address is', async () => {
    const [a, b] = await Promise.all(['cam001', 'cam002'].map((n) => identify(xaddr(n), creds, opts)));
    expect(a!.identity.idBasis).toBe('mac');
    expect(a!.identity.mac).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    expect(a!.identity.cameraId).not.toBe(b!.identity.cameraId);
    // and it stays the same when identified again
    expect((await identify(xaddr('cam001'), creds, opts)).identity.cameraId).toBe(a!.identity.cameraId);
  });

  it('a running agent keeps two cameras with the same serial apart and reports the collision', async () => {
    const sink = new MemorySink();
    const agent = new Agent(
      agentConfig({
        discovery: {
          interfaces: ['lo'],
          multicast: false,
          static: ['cam001', 'cam002', 'cam003', 'cam004'].map(xaddr),
        },
        intervals: { streamSeconds: 3600, retentionSeconds: 3600 },
      }),
      sink,
    );
    await agent.start();
    try {
      const cams = await waitFor(
        () => {
          const ids = new Map<string, Extract<AgentMessage, { type: 'camera' }>['camera']>();
          for (const m of sink.messages) if (m.type === 'camera') ids.set(m.camera.cameraId, m.camera);
          return ids.size === 4 ? [...ids.values()] : undefined;
        },
        20_000,
        'four cameras',
      );
      const clones = cams.filter((c) => c.serial.endsWith('-CLONE'));
      expect(clones).toHaveLength(2);
      const [first, second] = clones.sort((x) => (x.collidesWith ? 1 : -1));
      expect(first!.idBasis).toBe('serial');
      expect(second!.collidesWith).toBe(first!.cameraId);
      expect(second!.idBasis).toBe('mac');
    } finally {
      await agent.stop();
    }
  });
});
