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
  /** one profile per channel (a recorded camera's main stream, relayed as real NVRs do), sources VS1, VS2... */
  mediaProfiles(): MediaProfileModel[] {
    return this.channels().map(({ camera, n }) => {
      const main = camera.mediaProfiles()[0]!;
      return {
        ...main,
        token: `ch${n}`,
        name: `${camera.config.name} main`,
        sourceToken: `VS${n}`,
        snapshotPath: `/onvif/snapshot/ch${n}.jpg`,
      };
    });
  }
  async snapshot(token: string): Promise<Buffer | null> {
    const ch = this.channels().find(({ n }) => token === `ch${n}`);
    return ch ? ch.camera.snapshot(ch.camera.mediaProfiles()[0]!.token) : null;
  }
  private channels(): { camera: SimCamera; n: number }[] {
    const names = new Set(this.config.cameras);
    return this.cameras()
      .filter((c) => names.has(c.name))
      .map((camera, i) => ({ camera, n: i + 1 }));
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
