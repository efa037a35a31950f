import type { CameraIdentity } from '@kuzet/protocol';
import type { NvrConfig } from './config.ts';
import { OnvifDevice } from './onvif/client.ts';
import type { RecordingInformation } from './onvif/parse.ts';
import type { SoapOptions } from './onvif/soap.ts';

function hostPort(s: string | undefined): string | undefined {
  if (!s) return undefined;
  try {
    const u = new URL(s);
    return `${u.hostname}:${u.port || (u.protocol === 'rtsp:' ? '554' : '80')}`;
  } catch {
    return undefined;
  }
}

/** Which of an NVR's recordings belongs to a camera: explicit map, serial in the source, or the camera's address. */
export function matchRecording(
  recordings: RecordingInformation[],
  camera: Pick<CameraIdentity, 'serial' | 'xaddr' | 'host'>,
  map: Record<string, string> = {},
): RecordingInformation | undefined {
  const explicit = recordings.find((r) => {
    const target = map[r.RecordingToken];
    return target !== undefined && (target === camera.serial || target === camera.host);
  });
  if (explicit) return explicit;
  if (camera.serial) {
    const bySerial = recordings.find((r) =>
      [r.Source?.SourceId, r.Source?.Name, r.Source?.Address].some((v) => v?.includes(camera.serial)),
    );
    if (bySerial) return bySerial;
  }
  const camHp = hostPort(camera.xaddr);
  const byAddress = recordings.find((r) => [r.Source?.SourceId, r.Source?.Address].some((v) => hostPort(v) === camHp));
  if (byAddress) return byAddress;
  const byHost = recordings.filter((r) => [r.Source?.SourceId, r.Source?.Address].some((v) => v === camera.host));
  return byHost.length === 1 ? byHost[0] : undefined;
}

export interface NvrRecording {
  nvr: OnvifDevice;
  searchUrl: string;
  recordingToken: string;
}

/** The school's NVRs and the recordings they hold, refreshed on demand. */
export class NvrIndex {
  private readonly entries: {
    config: NvrConfig;
    device: OnvifDevice;
    searchUrl?: string;
    recordings: RecordingInformation[];
    error?: string;
  }[];

  constructor(configs: NvrConfig[], opts: SoapOptions) {
    this.entries = configs.map((config) => ({
      config,
      device: new OnvifDevice(config.xaddr, { username: config.username, password: config.password }, opts),
      recordings: [],
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  async refresh(): Promise<void> {
    await Promise.all(
      this.entries.map(async (e) => {
        try {
          if (!e.searchUrl) {
            await e.device.clock().catch(() => undefined);
            const s = await e.device.serviceAddresses();
            if (!s.search) throw new Error(`NVR ${e.config.xaddr} has no recording search service`);
            e.searchUrl = s.search;
          }
          e.recordings = await e.device.findRecordings(e.searchUrl);
          e.error = undefined;
        } catch (err) {
          e.error = (err as Error).message;
        }
      }),
    );
  }

  /** The NVR recording of this camera, or why there is none. */
  find(camera: Pick<CameraIdentity, 'serial' | 'xaddr' | 'host'>): NvrRecording | { reason: string } {
    const errors: string[] = [];
    for (const e of this.entries) {
      if (e.error) errors.push(e.error);
      if (!e.searchUrl) continue;
      const r = matchRecording(e.recordings, camera, e.config.map);
      if (r) return { nvr: e.device, searchUrl: e.searchUrl, recordingToken: r.RecordingToken };
    }
    if (this.entries.length === 0) return { reason: 'the camera offers no recording search and no NVR is configured' };
    return {
      reason: `the camera offers no recording search and no configured NVR holds a recording of it${errors.length ? ` (${errors.join('; ')})` : ''}`,
    };
  }
}

/**
 * A recorder (NVR/DVR), not a camera: it has no media profiles, or it says what it is in its discovery scopes or
 * types — real recorders also offer a Media service, one profile per channel, relaying their cameras' streams.
 */
export function isRecorder(
  device: { scopes: readonly string[]; types: readonly string[] },
  identity: { media: readonly unknown[] },
): boolean {
  if (identity.media.length === 0) return true;
  if (device.types.some((t) => /NetworkVideoStorage|NetworkVideoRecorder/i.test(t))) return true;
  return device.scopes.some((s) =>
    /^onvif:\/\/www\.onvif\.org\/type\/(nvr|dvr|nvs|network_video_(recorder|storage)|video_recorder)\b/i.test(s),
  );
}
