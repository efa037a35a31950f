import { type CameraState, type CameraStatus, type HealthTier, Reason } from '@kuzet/protocol';

const ORDER = new Map(Reason.options.map((r, i) => [r, i]));
const OFFLINE: Reason[] = ['unreachable', 'onvif_timeout'];

export interface Measured {
  width?: number;
  height?: number;
  fps?: number;
  retainedDays?: number;
  clockDriftSeconds?: number;
}

/** The agent's verdict on one camera, from the latest result of every check tier. */
export class CameraStateTracker {
  private readonly tiers = new Map<HealthTier, Reason[]>();
  status: CameraStatus = 'unknown';
  reasons: Reason[] = [];
  since = new Date().toISOString();
  lastSeen?: string;
  measured: Measured = {};

  constructor(readonly cameraId: string) {}

  get offline(): boolean {
    return this.status === 'offline';
  }

  /** Records one tier's result; returns true when status or reasons changed. */
  update(tier: HealthTier, reasons: Reason[]): boolean {
    this.tiers.set(tier, reasons);
    if (tier === 'reachability' && !reasons.some((r) => OFFLINE.includes(r))) this.lastSeen = new Date().toISOString();
    return this.recompute();
  }

  /** Whether a tier's latest result is a failure. */
  failing(tier: HealthTier): boolean {
    return (this.tiers.get(tier)?.length ?? 0) > 0;
  }

  /** Forgets a tier's result (it is stale, e.g. after the camera was offline). */
  forget(tier: HealthTier): boolean {
    this.tiers.delete(tier);
    return this.recompute();
  }

  private recompute(): boolean {
    const reach = this.tiers.get('reachability');
    let status: CameraStatus;
    let reasons: Reason[];
    if (!reach) {
      status = 'unknown';
      reasons = [];
    } else if (reach.some((r) => OFFLINE.includes(r))) {
      status = 'offline';
      reasons = [...reach];
    } else {
      reasons = [...new Set([...this.tiers.values()].flat())];
      status = reasons.length ? 'degraded' : 'online';
    }
    reasons.sort((a, b) => ORDER.get(a)! - ORDER.get(b)!);
    const changed = status !== this.status || reasons.join() !== this.reasons.join();
    if (status !== this.status) this.since = new Date().toISOString();
    this.status = status;
    this.reasons = reasons;
    return changed;
  }

  snapshot(): CameraState {
    return {
      cameraId: this.cameraId,
      at: new Date().toISOString(),
      status: this.status,
      reasons: this.reasons,
      since: this.since,
      lastSeen: this.lastSeen,
      ...this.measured,
    };
  }
}
