import { Agent, discoverAll, identify, MemorySink, WsDiscovery } from '@kuzet/agent';
import type { AgentMessage } from '@kuzet/protocol';
import type { Simulator } from '@kuzet/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentConfig, generatedSimulator, waitFor } from '../helpers.ts';

const N = 48;

describe('discovery of simulated cameras over real WS-Discovery on lo', () => {
  let sim: Simulator;
  let tag: string;

  beforeAll(async () => {
    ({ sim, tag } = await generatedSimulator({ count: N, ownAddresses: true }));
  });
  afterAll(async () => sim?.stop());

  const ours = (serial?: string) => Boolean(serial?.startsWith(tag));

  it('finds and identifies all N cameras (three vendor personalities) and the NVR by multicast', async () => {
    const config = agentConfig();
    const wsd = new WsDiscovery([{ name: 'lo', address: '127.0.0.1' }], false);
    await wsd.start();
    try {
      const { found } = await discoverAll(wsd, config);
      const cams = found.filter((f) => ours(f.device.identity?.serial));
      expect(cams).toHaveLength(N);
      for (const f of cams) {
        const id = f.device.identity!;
        // 0.0.0.0, link-local and IPv6 XAddrs were fixed up to the camera's own address
        expect(id.host).toMatch(/^127\.0\.1\.\d+$/);
        expect(f.device.from).toBe(id.host);
        expect(id.media.length).toBe(2);
        expect(id.media[0]!.streamUri).toContain(`rtsp://${id.host}:`);
      }
      const byVendor = (m: string) =>
        cams.filter((f) => f.device.identity!.manufacturer === m).map((f) => f.device.identity!);
      expect(byVendor('Dahuan').every((i) => i.auth === 'httpDigest' && i.recordingSearch.kind === 'none')).toBe(true);
      expect(byVendor('Hikvista').every((i) => i.auth === 'usernameToken' && i.profiles.includes('G'))).toBe(true);
      // BudgetCam answers ProbeMatch without Scopes and only with UsernameToken: its scopes (its name) are asked for
      const budget = cams.filter((f) => f.device.identity!.manufacturer === 'BudgetCam');
      expect(budget.length).toBe(N / 3);
      expect(budget.every((f) => f.device.identity!.auth === 'usernameToken')).toBe(true);
      expect(budget.every((f) => f.device.identity!.name && sim.camera(f.device.identity!.name))).toBe(true);
      // the NVR offers a Media service (a profile per channel) and says what it is in its scopes
      const nvr = found.find((f) => f.device.identity?.serial === 'NVR0001');
      expect(nvr?.device.identity?.media.length).toBeGreaterThan(0);
      expect(nvr?.device.scopes).toContain('onvif://www.onvif.org/type/NVR');
      expect(new Set(cams.map((f) => f.device.identity!.cameraId)).size).toBe(N);
    } finally {
      wsd.stop();
    }
  });

  it('finds them by unicast probing of an address range, without multicast', async () => {
    const config = agentConfig({
      discovery: { interfaces: ['lo'], unicast: [`127.0.1.1-127.0.1.${N + 5}`], waitMs: 1500 },
    });
    const wsd = new WsDiscovery([], false); // no interface: no multicast at all
    await wsd.start();
    try {
      const { found } = await discoverAll(wsd, config);
      const cams = found.filter((f) => ours(f.device.identity?.serial));
      expect(cams).toHaveLength(N);
      expect(cams.every((f) => f.device.via === 'unicast')).toBe(true);
    } finally {
      wsd.stop();
    }
  });

  it("keeps a camera's id when it moves to another IP address", async () => {
    const cam = sim.camera('cam004');
    const before = await identify(
      `http://${cam.host}:${cam.onvifPort}/onvif/device_service`,
      { username: 'admin', password: 'camera-pass' },
      { timeoutMs: 4000 },
    );
    await sim.readdress('cam004', '127.0.2.44');
    const after = await identify(
      `http://127.0.2.44:${cam.onvifPort}/onvif/device_service`,
      { username: 'admin', password: 'camera-pass' },
      { timeoutMs: 4000 },
    );
    expect(after.identity.host).toBe('127.0.2.44');
    expect(after.identity.cameraId).toBe(before.identity.cameraId);
  });

  it('a running agent picks up Hello from a camera that comes online and Bye when it leaves', async () => {
    await sim.setFaults('cam005', { offline: true });
    const sink = new MemorySink();
    const agent = new Agent(agentConfig({ intervals: { streamSeconds: 3600, retentionSeconds: 3600 } }), sink);
    await agent.start();
    try {
      const serial = sim.camera('cam005').serial;
      const isCam5 = (m: AgentMessage) => m.type === 'camera' && m.camera.serial === serial;
      expect(sink.messages.some(isCam5)).toBe(false);
      await sim.setFaults('cam005', { offline: false }); // sends Hello
      const msg = await sink.waitFor<Extract<AgentMessage, { type: 'camera' }>>(isCam5, 10_000);
      const id = msg.camera.cameraId;
      // the NVR was heard too, and is no camera: its channels are its cameras, watched directly
      expect(sink.messages.some((m) => m.type === 'camera' && m.camera.serial === 'NVR0001')).toBe(false);
      await sink.waitFor((m) => m.type === 'state' && m.state.cameraId === id && m.state.status === 'online', 15_000);
      sim.discovery.bye(sim.camera('cam005'));
      await sink.waitFor((m) => m.type === 'camera_gone' && m.cameraId === id && m.how === 'bye', 5_000);
      // a reboot: Hello again seconds later, at the same address — announced again (the centre clears "gone")
      const announced = sink.messages.filter((m) => m.type === 'camera' && m.camera.cameraId === id).length;
      sim.discovery.hello(sim.camera('cam005'));
      await waitFor(
        () => sink.messages.filter((m) => m.type === 'camera' && m.camera.cameraId === id).length > announced,
        5_000,
        'the camera announced again',
      );
      // a resync: each camera's identity and state, in batches of nothing else (the centre's packed path)
      const before = sink.messages.length;
      agent.resync();
      const sent = sink.messages.slice(before);
      const cameras = sent.filter((m) => m.type === 'camera').length;
      expect(cameras).toBeGreaterThan(1);
      expect(sent.slice(0, cameras * 2).map((m) => m.type)).toEqual(
        Array.from({ length: cameras }, () => ['camera', 'state']).flat(),
      );
      expect(sink.flushes.slice(-2)).toEqual([before, before + cameras * 2]);
    } finally {
      await agent.stop();
    }
  });
});
