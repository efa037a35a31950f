import type { Credentials } from './auth.ts';
import type { Clip, ClipLibrary, ClipSpec } from './clips.ts';
import { type FaultPatch, Faults, type SimCameraConfig } from './config.ts';
import { onvifScopes, SimDevice } from './device.ts';
import type { MediaProfileModel, OnvifDeviceModel, RecordingModel } from './onvif/model.ts';
import { OnvifHttpServer } from './onvif/server.ts';
import { behaviours, type VendorBehaviour } from './personalities.ts';
import { RtspServer } from './rtsp/server.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const SUB = { width: 640, height: 360 };

/** One simulated IP camera: ONVIF over HTTP, RTSP, its recordings, and its faults. */
export class SimCamera extends SimDevice<SimCameraConfig> implements OnvifDeviceModel {
  readonly kind = 'camera' as const;
  readonly behaviour: VendorBehaviour;
  faults: Faults;
  private http: OnvifHttpServer;
  private rtsp: RtspServer;
  private running = false;
  private rtspRunning = false;
  private offlineSinceMs?: number;

  constructor(
    config: SimCameraConfig,
    private readonly clips: ClipLibrary,
  ) {
    super(config);
    this.behaviour = behaviours[config.personality];
    this.faults = Faults.parse(config.faults);
    this.http = new OnvifHttpServer(this);
    this.rtsp = this.makeRtsp();
  }

  get soapStats() {
    return this.http.stats;
  }
  /** each RTP frame sent (stream path, its number in the session, when): for benchmarks of live delay */
  onFrame?: (path: string, frameNo: number, atMs: number) => void;

  get rtspPlaying() {
    return this.rtsp.playing;
  }

  private makeRtsp(): RtspServer {
    return new RtspServer({
      host: this.config.host,
      port: this.config.rtspPort,
      realm: `${this.behaviour.manufacturer} ${this.config.serial}`,
      digestAlgorithms: this.behaviour.rtspDigestAlgorithms,
      credentials: () => this.credentials(),
      resolveStream: (path) => this.streamFor(path),
      onFrame: (path, n, at) => this.onFrame?.(path, n, at),
    });
  }

  online(): boolean {
    return this.running && !this.faults.offline;
  }

  override credentials(): Credentials {
    const c = super.credentials();
    return this.faults.wrongPassword ? { ...c, password: `${c.password}-changed-by-someone` } : c;
  }

  nowMs(): number {
    return Date.now() + this.faults.clockDriftSeconds * 1000;
  }
  slowMs(): number {
    return this.faults.slowMs;
  }
  endlessBody(): boolean {
    return this.faults.endlessBody;
  }
  quirks() {
    const f = this.faults;
    return {
      clockNeedsAuth: f.clockNeedsAuth,
      legacyTime: f.legacyTime,
      servicesBroken: f.servicesBroken,
      serviceAddress: f.serviceAddress,
      noAuth: f.noAuth,
    };
  }
  malformedXml(): boolean {
    return this.faults.malformedXml;
  }

  scopes(): string[] {
    return onvifScopes('NetworkVideoTransmitter', this.behaviour, this.config.name);
  }

  mediaProfiles(): MediaProfileModel[] {
    const c = this.config;
    const rtsp = (path: string) => `rtsp://${c.host}:${c.rtspPort}${path}`;
    return [
      {
        token: 'Profile_1',
        name: 'mainStream',
        width: c.width,
        height: c.height,
        fps: c.fps,
        bitrateKbps: c.bitrateKbps,
        streamUri: rtsp(this.behaviour.streamPath.main),
        snapshotPath: '/onvif/snapshot/Profile_1.jpg',
      },
      {
        token: 'Profile_2',
        name: 'subStream',
        ...SUB,
        fps: c.fps,
        bitrateKbps: 512,
        streamUri: rtsp(this.behaviour.streamPath.sub),
        snapshotPath: '/onvif/snapshot/Profile_2.jpg',
      },
    ];
  }

  /** The clip a stream really delivers, faults included. */
  clipSpec(profile: 'main' | 'sub'): ClipSpec {
    const c = this.config;
    const f = this.faults;
    const fps = f.streamFps ?? c.fps;
    if (profile === 'sub') return { ...SUB, fps, picture: f.picture };
    return { width: f.streamWidth ?? c.width, height: f.streamHeight ?? c.height, fps, picture: f.picture };
  }

  private async streamFor(path: string): Promise<Clip | null> {
    const p = this.behaviour.streamPath;
    if (path === p.main) return this.clips.get(this.clipSpec('main'));
    if (path === p.sub) return this.clips.get(this.clipSpec('sub'));
    return null;
  }

  async snapshot(token: string): Promise<Buffer | null> {
    if (token !== 'Profile_1' && token !== 'Profile_2') return null;
    return (await this.clips.get(this.clipSpec(token === 'Profile_1' ? 'main' : 'sub'))).jpeg;
  }

  /** The recording this camera would show in a recording search (on itself or on an NVR). */
  recording(): RecordingModel | null {
    const r = this.config.recording;
    if (r.on === 'none') return null;
    const latestMs = this.offlineSinceMs ?? this.nowMs();
    const days = this.faults.retentionDays ?? r.days;
    const gaps = [...r.gaps, ...this.faults.gaps].map((g) => {
      const startMs = this.nowMs() - g.startHoursAgo * HOUR_MS;
      return { startMs, endMs: Math.min(startMs + g.hours * HOUR_MS, latestMs) };
    });
    return {
      token: r.on === 'camera' ? 'RecordMediaProfile_1' : `REC_${this.config.name}`,
      sourceId: `http://${this.config.host}:${this.config.onvifPort}/onvif/device_service`,
      sourceName: `${this.config.name} (${this.config.serial})`,
      earliestMs: this.nowMs() - days * DAY_MS,
      latestMs,
      gaps,
    };
  }

  recordings(): RecordingModel[] | null {
    if (this.config.recording.on !== 'camera') return null;
    const r = this.recording();
    return r ? [r] : null;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.sync();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.sync();
  }

  /** Applies a fault patch and brings the listeners into line with it. */
  async applyFaults(patch: FaultPatch | 'clear'): Promise<void> {
    this.faults = patch === 'clear' ? Faults.parse({}) : Faults.parse({ ...this.faults, ...patch });
    await this.sync();
  }

  /** Moves the camera to another address (a DHCP lease change); its identity stays the same. */
  async readdress(host: string): Promise<void> {
    const wasRunning = this.running;
    await this.stop();
    this.config = { ...this.config, host };
    this.http = new OnvifHttpServer(this);
    this.rtsp = this.makeRtsp();
    if (wasRunning) await this.start();
  }

  private async sync(): Promise<void> {
    const up = this.online();
    if (up) {
      this.offlineSinceMs = undefined;
      await this.http.start();
    } else {
      this.offlineSinceMs ??= this.nowMs();
      await this.http.stop();
    }
    const rtspUp = up && !this.faults.rtspDown;
    if (rtspUp && !this.rtspRunning) await this.rtsp.start();
    if (!rtspUp && this.rtspRunning) await this.rtsp.stop();
    this.rtspRunning = rtspUp;
  }
}
