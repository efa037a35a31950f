import type { SimCamera } from './camera.ts';
import type { SimNvrConfig } from './config.ts';
import { onvifScopes, SimDevice } from './device.ts';
import type { MediaProfileModel, OnvifDeviceModel, RecordingModel } from './onvif/model.ts';
import { OnvifHttpServer } from './onvif/server.ts';
import { nvrBehaviour } from './personalities.ts';

/** A simulated NVR: answers ONVIF Profile G recording search for the cameras it records. */
export class SimNvr extends SimDevice<SimNvrConfig> implements OnvifDeviceModel {
  readonly kind = 'nvr' as const;
  readonly behaviour = nvrBehaviour;
  private readonly http: OnvifHttpServer;
  private running = false;

  constructor(
    config: SimNvrConfig,
    private readonly cameras: () => SimCamera[],
  ) {
    super(config);
    this.http = new OnvifHttpServer(this);
  }

  online() {
    return this.running;
  }
  nowMs() {
    return Date.now();
  }
  slowMs() {
    return 0;
  }
  endlessBody() {
    return false;
  }
  quirks() {
    return { clockNeedsAuth: false, legacyTime: false, servicesBroken: 'no', serviceAddress: 'right', noAuth: false };
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
