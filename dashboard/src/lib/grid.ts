import { type CameraDelta, type CameraGrid, type CentreStatus, STATUS_CODE, STATUS_OF_CODE } from '@kuzet/protocol';
import { STATUS_META } from './status.ts';

const ID_HEX = 16;

/**
 * The country's (or the user's) cameras as a pixel buffer: one pixel per camera in region → school → camera order.
 * Deltas update the buffer in place; the canvas redraws at most once per animation frame (one putImageData), so
 * a storm of changes costs one draw, not one per change.
 */
export class GridModel {
  readonly size: number;
  readonly pixels: Uint32Array;
  private readonly codes: string[];
  private readonly index = new Map<string, number>();
  /** first camera index of each school, in order (for lookups by index) */
  private readonly schoolStarts: number[] = [];
  private readonly schoolIds: string[] = [];
  private readonly schoolRegion: string[] = [];

  constructor(readonly grid: CameraGrid) {
    this.size = grid.status.length;
    this.pixels = new Uint32Array(this.size);
    this.codes = grid.status.split('');
    let i = 0;
    for (const r of grid.regions)
      for (const [school, n] of r.schools) {
        this.schoolStarts.push(i);
        this.schoolIds.push(school);
        this.schoolRegion.push(r.code);
        i += n;
      }
    for (let k = 0; k < this.size; k++) {
      this.index.set(grid.ids.slice(k * ID_HEX, (k + 1) * ID_HEX), k);
      this.pixels[k] = STATUS_META[STATUS_OF_CODE[this.codes[k]!] ?? 'unknown'].rgba;
    }
  }

  /** Applies deltas; returns how many cameras of this grid changed (0: nothing to redraw). */
  apply(deltas: CameraDelta[]): number {
    let changed = 0;
    for (const d of deltas) {
      const k = this.index.get(d.cameraId.slice(4));
      if (k === undefined) continue;
      const code = STATUS_CODE[d.status];
      if (this.codes[k] === code) continue;
      this.codes[k] = code;
      this.pixels[k] = STATUS_META[d.status].rgba;
      changed++;
    }
    return changed;
  }

  /** Whether a delta names a camera this grid does not know (a new camera: time to reload). */
  knows(cameraId: string): boolean {
    return this.index.has(cameraId.slice(4));
  }

  statusAt(k: number): CentreStatus {
    return STATUS_OF_CODE[this.codes[k] ?? 'u'] ?? 'unknown';
  }

  cameraAt(k: number): { cameraId: string; schoolId: string; regionCode: string } | undefined {
    if (k < 0 || k >= this.size) return undefined;
    let lo = 0;
    let hi = this.schoolStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.schoolStarts[mid]! <= k) lo = mid;
      else hi = mid - 1;
    }
    return {
      cameraId: `cam-${this.grid.ids.slice(k * ID_HEX, (k + 1) * ID_HEX)}`,
      schoolId: this.schoolIds[lo]!,
      regionCode: this.schoolRegion[lo]!,
    };
  }

  /** Schools with at least one camera whose link is down. */
  linkDownSchools(): number {
    let n = 0;
    for (let s = 0; s < this.schoolStarts.length; s++) {
      const end = this.schoolStarts[s + 1] ?? this.size;
      for (let k = this.schoolStarts[s]!; k < end; k++)
        if (this.codes[k] === STATUS_CODE.link_down) {
          n++;
          break;
        }
    }
    return n;
  }

  schools(): number {
    return this.schoolIds.length;
  }
}
