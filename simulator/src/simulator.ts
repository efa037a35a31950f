import { resolve } from 'node:path';
import { SimCamera } from './camera.ts';
import { ClipLibrary } from './clips.ts';
import { type FaultPatch, SimConfig, type SimConfigInput } from './config.ts';
import { DiscoveryResponder } from './discovery.ts';
import { SimNvr } from './nvr.ts';

export interface CameraView {
  name: string;
  kind: 'camera';
  personality: string;
  manufacturer: string;
  serial: string;
  host: string;
  onvifPort: number;
  rtspPort: number;
  xaddr: string;
  username: string;
  password: string;
  recording: SimCamera['config']['recording'];
  faults: SimCamera['faults'];
  rtspPlaying: number;
}

/** The whole simulator: N cameras, optional NVRs, WS-Discovery. */
export class Simulator {
  readonly config: SimConfig;
  readonly clips: ClipLibrary;
  readonly cameras = new Map<string, SimCamera>();
  readonly nvrs = new Map<string, SimNvr>();
  readonly discovery: DiscoveryResponder;

  constructor(input: SimConfigInput, baseDir = process.cwd()) {
    this.config = SimConfig.parse(input);
    this.clips = new ClipLibrary(resolve(baseDir, this.config.clipsDir));
    for (const c of this.config.cameras) {
      if (this.cameras.has(c.name)) throw new Error(`duplicate camera name ${c.name}`);
      this.cameras.set(c.name, new SimCamera(c, this.clips));
    }
    for (const n of this.config.nvrs) this.nvrs.set(n.name, new SimNvr(n, () => [...this.cameras.values()]));
    this.discovery = new DiscoveryResponder(
      () => [...this.cameras.values(), ...this.nvrs.values()],
      this.config.multicastInterface,
      this.config.discoveryMaxDelayMs,
    );
  }

  /** Encodes (or loads from the cache) every clip the cameras will serve, so the first PLAY is instant. */
  async warmClips(): Promise<void> {
    const specs = new Map<string, Parameters<ClipLibrary['get']>[0]>();
    for (const cam of this.cameras.values()) {
      for (const p of ['main', 'sub'] as const) {
        const s = cam.clipSpec(p);
        specs.set(JSON.stringify(s), s);
      }
    }
    for (const s of specs.values()) await this.clips.get(s);
  }

  async start(): Promise<void> {
    await this.warmClips();
    await this.discovery.start();
    await Promise.all([...this.cameras.values()].map((c) => c.start()));
    await Promise.all([...this.nvrs.values()].map((n) => n.start()));
    for (const d of [...this.cameras.values(), ...this.nvrs.values()]) if (d.online()) this.discovery.hello(d);
  }

  async stop(): Promise<void> {
    for (const d of [...this.cameras.values(), ...this.nvrs.values()]) if (d.online()) this.discovery.bye(d);
    await Promise.all([...this.cameras.values()].map((c) => c.stop()));
    await Promise.all([...this.nvrs.values()].map((n) => n.stop()));
    await this.discovery.stop();
  }

  camera(name: string): SimCamera {
    const c = this.cameras.get(name);
    if (!c) throw new Error(`no camera ${name}`);
    return c;
  }

  nvr(name: string): SimNvr {
    const n = this.nvrs.get(name);
    if (!n) throw new Error(`no NVR ${name}`);
    return n;
  }

  async setFaults(name: string, patch: FaultPatch | 'clear'): Promise<CameraView> {
    const cam = this.camera(name);
    const wasOnline = cam.online();
    await cam.applyFaults(patch);
    if (wasOnline && !cam.online()) {
      // unplugged: no Bye, it just vanishes
    } else if (!wasOnline && cam.online()) this.discovery.hello(cam);
    return this.view(cam);
  }

  async readdress(name: string, host: string): Promise<CameraView> {
    const cam = this.camera(name);
    await cam.readdress(host);
    await this.discovery.refreshUnicast();
    if (cam.online()) this.discovery.hello(cam);
    return this.view(cam);
  }

  view(cam: SimCamera): CameraView {
    const c = cam.config;
    return {
      name: c.name,
      kind: 'camera',
      personality: c.personality,
      manufacturer: cam.behaviour.manufacturer,
      serial: c.serial,
      host: c.host,
      onvifPort: c.onvifPort,
      rtspPort: c.rtspPort,
      xaddr: `http://${c.host}:${c.onvifPort}/onvif/device_service`,
      username: c.username,
      password: c.password,
      recording: c.recording,
      faults: cam.faults,
      rtspPlaying: cam.rtspPlaying,
    };
  }

  list(): CameraView[] {
    return [...this.cameras.values()].map((c) => this.view(c));
  }
}
