import type { Credentials } from './auth.ts';
import type { SimCamera } from './camera.ts';
import { endpointRefFor, onvifScopes } from './camera.ts';
import type { SimNvrConfig } from './config.ts';
import type { MediaProfileModel, OnvifDeviceModel, RecordingModel } from './onvif/model.ts';
import { OnvifHttpServer } from './onvif/server.ts';
import { nvrBehaviour } from './personalities.ts';

/** A simulated NVR: answers ONVIF Profile G recording search for the cameras it records. */
export class SimNvr implements OnvifDeviceModel {
  readonly kind = 'nvr' as const;
  readonly behaviour = nvrBehaviour;
  readonly endpointRef: string;
  private readonly http: OnvifHttpServer;
  private running = false;

  constructor(
    readonly config: SimNvrConfig,
    private readonly cameras: () => SimCamera[],
  ) {
    this.endpointRef = endpointRefFor(config.serial);
    this.http = new OnvifHttpServer(this);
  }

  get name() {
    return this.config.name;
  }
  get serial() {
    return this.config.serial;
  }
  get host() {
    return this.config.host;
  }
  get onvifPort() {
    return this.config.onvifPort;
  }
  online() {
    return this.running;
  }
  credentials(): Credentials {
    return { username: this.config.username, password: this.config.password };
  }
  nowMs() {
    return Date.now();
  }
  slowMs() {
    return 0;
  }
  malformedXml() {
    return false;
  }
  scopes() {
    return onvifScopes('NVR', this.behaviour, this.config.name);
  }
  mediaProfiles(): MediaProfileModel[] {
    return [];
  }
  async snapshot(): Promise<Buffer | null> {
    return null;
  }

  recordings(): RecordingModel[] {
    const names = new Set(this.config.cameras);
    return this.cameras()
      .filter((c) => names.has(c.name) && c.config.recording.on === 'nvr')
      .map((c) => c.recording())
      .filter((r): r is RecordingModel => r !== null);
  }

  async start() {
    this.running = true;
    await this.http.start();
  }
  async stop() {
    this.running = false;
    await this.http.stop();
  }
}
