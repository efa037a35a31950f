import { type CameraDelta, type CameraGrid, type CentreStatus, STATUS_CODE, STATUS_OF_CODE } from '@kuzet/protocol';
import { STATUS_META } from './status.ts';

const ID_HEX = 16;
const LINK_DOWN = STATUS_CODE.link_down.charCodeAt(0);

/**
 * The country's (or the user's) cameras as a pixel buffer: one pixel per camera in region → school → camera order.
 * Deltas update the buffer in place; the canvas redraws at most once per animation frame (one putImageData), so
 * a storm of changes costs one draw, not one per change.
 */
export class GridModel {
  readonly size: number;
  readonly pixels: Uint32Array;
  /** status character code of each camera */
  private readonly codes: Uint8Array;
  /** camera hex id → index; built on first use (not needed for the first draw) */
  private indexMap?: Map<string, number>;
  /** first camera index of each school, in order (for lookups by index) */
  private readonly schoolStarts: number[] = [];
  private readonly schoolIds: string[] = [];
  private readonly schoolRegion: string[] = [];

  constructor(readonly grid: CameraGrid) {
    this.size = grid.status.length;
    this.pixels = new Uint32Array(this.size);
    this.codes = new Uint8Array(this.size);
    let i = 0;
    for (const r of grid.regions)
      for (const [school, n] of r.schools) {
        this.schoolStarts.push(i);
        this.schoolIds.push(school);
        this.schoolRegion.push(r.code);
        i += n;
      }
    const colour = new Uint32Array(128).fill(STATUS_META.unknown.rgba);
    for (const [status, c] of Object.entries(STATUS_CODE))
      colour[c.charCodeAt(0)] = STATUS_META[status as CentreStatus].rgba;
    const st = grid.status;
    for (let k = 0; k < this.size; k++) {
      const c = st.charCodeAt(k);
      this.codes[k] = c;
      this.pixels[k] = colour[c & 127]!;
    }
  }

  private get index(): Map<string, number> {
    if (!this.indexMap) {
      const m = new Map<string, number>();
      const ids = this.grid.ids;
      for (let k = 0; k < this.size; k++) m.set(ids.slice(k * ID_HEX, (k + 1) * ID_HEX), k);
      this.indexMap = m;
    }
    return this.indexMap;
  }

  /** Builds the id index now (call when idle, so the first delta does not pay for it). */
  prepare(): void {
    void this.index;
  }

  /** Applies deltas; returns how many cameras of this grid changed (0: nothing to redraw). */
  apply(deltas: CameraDelta[]): number {
    let changed = 0;
    for (const d of deltas) {
      const k = this.index.get(d.cameraId.slice(4));
      if (k === undefined) continue;
      const code = STATUS_CODE[d.status].charCodeAt(0);
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
    return STATUS_OF_CODE[String.fromCharCode(this.codes[k] ?? 117)] ?? 'unknown';
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
        if (this.codes[k] === LINK_DOWN) {
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
