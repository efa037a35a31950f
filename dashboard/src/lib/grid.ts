import {
  type CameraDelta,
  type CameraGrid,
  type CameraGridIds,
  type CentreStatus,
  STATUS_CODE,
  STATUS_OF_CODE,
} from '@kuzet/protocol';
import { STATUS_META, STATUSES } from './status.ts';

const ID_HEX = 16;

/**
 * Cameras per row and rows: about 4:1 up to 1,000 per row (the country: 1000 × 250 for 250,000 cameras), the row
 * length then evened out so that the last row is nearly full (22 cameras: 8 × 3, not 40 × 1 with 45 % left grey).
 */
export function gridShape(size: number): { width: number; rows: number } {
  const first = Math.min(1000, Math.max(1, Math.ceil(Math.sqrt(size * 4))));
  const rows = Math.max(1, Math.ceil(size / first));
  return { width: Math.max(1, Math.ceil(size / rows)), rows };
}

const LINK_DOWN = STATUS_CODE.link_down.charCodeAt(0);

/**
 * The country's (or the user's) cameras as a pixel buffer: one pixel per camera in region → school → camera order.
 * Drawn from the grid alone; the cameras' ids (16× the grid's size) come after the first draw and are needed only
 * to place live changes and name a hovered camera. Deltas update the buffer in place; the canvas redraws at most
 * once per animation frame (one putImageData), so a storm of changes costs one draw, not one per change.
 */
export class GridModel {
  readonly size: number;
  readonly pixels: Uint32Array;
  /** status character code of each camera */
  private readonly codes: Uint8Array;
  /** the cameras' hex ids, concatenated in grid order, once fetched (see setIds) */
  private ids?: string;
  /** first camera index of each school, in order (for lookups by index) */
  private readonly schoolStarts: number[] = [];
  private readonly schoolIds: string[] = [];
  private readonly schoolRegion: string[] = [];
  /** school id → its position in the lists above (a camera is found by a binary search among its school's ids) */
  private readonly schoolOrdinal = new Map<string, number>();

  constructor(readonly grid: CameraGrid) {
    this.size = grid.status.length;
    this.pixels = new Uint32Array(this.size);
    this.codes = new Uint8Array(this.size);
    let i = 0;
    for (const r of grid.regions)
      for (const [school, n] of r.schools) {
        this.schoolOrdinal.set(school, this.schoolIds.length);
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

  /** Takes the cameras' ids; false when they belong to another version of the grid (reload the grid then). */
  setIds(x: CameraGridIds): boolean {
    if (x.version !== this.grid.version || x.ids.length !== this.size * ID_HEX) return false;
    this.ids = x.ids;
    return true;
  }

  /** Whether the ids are there: until then deltas cannot be placed (keep them) and cameras are not named. */
  get placeable(): boolean {
    return this.ids !== undefined;
  }

  /** The grid index of a camera of a school: a binary search among the school's ids (they are sorted); -1 if absent. */
  private indexOf(schoolId: string, cameraId: string): number {
    const ids = this.ids;
    const s = this.schoolOrdinal.get(schoolId);
    if (ids === undefined || s === undefined) return -1;
    const hex = cameraId.slice(4);
    let lo = this.schoolStarts[s]!;
    let hi = (this.schoolStarts[s + 1] ?? this.size) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const id = ids.slice(mid * ID_HEX, (mid + 1) * ID_HEX);
      if (id === hex) return mid;
      if (id < hex) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Applies deltas (once the ids are there); returns how many cameras of this grid changed (0: nothing to redraw). */
  apply(deltas: CameraDelta[]): number {
    let changed = 0;
    for (const d of deltas) {
      const k = this.indexOf(d.schoolId, d.cameraId);
      if (k < 0) continue;
      const code = STATUS_CODE[d.status].charCodeAt(0);
      if (this.codes[k] === code) continue;
      this.codes[k] = code;
      this.pixels[k] = STATUS_META[d.status].rgba;
      changed++;
    }
    return changed;
  }

  /** Whether a delta names a camera this grid does not know (a new camera: time to reload). Needs the ids. */
  knows(d: Pick<CameraDelta, 'schoolId' | 'cameraId'>): boolean {
    return this.indexOf(d.schoolId, d.cameraId) >= 0;
  }

  statusAt(k: number): CentreStatus {
    return STATUS_OF_CODE[String.fromCharCode(this.codes[k] ?? 117)] ?? 'unknown';
  }

  cameraAt(k: number): { cameraId?: string; schoolId: string; regionCode: string } | undefined {
    if (k < 0 || k >= this.size) return undefined;
    let lo = 0;
    let hi = this.schoolStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.schoolStarts[mid]! <= k) lo = mid;
      else hi = mid - 1;
    }
    return {
      cameraId: this.ids ? `cam-${this.ids.slice(k * ID_HEX, (k + 1) * ID_HEX)}` : undefined,
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

  /**
   * Each school's worst camera status (STATUSES' order: offline first), by school id: the map's colours. One pass
   * over the cameras (250,000 character codes: about a millisecond).
   */
  worstBySchool(): Map<string, CentreStatus> {
    const rank = new Uint8Array(128).fill(STATUSES.indexOf('unknown'));
    for (const [status, c] of Object.entries(STATUS_CODE))
      rank[c.charCodeAt(0)] = STATUSES.indexOf(status as CentreStatus);
    const out = new Map<string, CentreStatus>();
    for (let s = 0; s < this.schoolStarts.length; s++) {
      const end = this.schoolStarts[s + 1] ?? this.size;
      let worst = STATUSES.length;
      for (let k = this.schoolStarts[s]!; k < end && worst > 0; k++)
        worst = Math.min(worst, rank[this.codes[k]! & 127]!);
      if (worst < STATUSES.length) out.set(this.schoolIds[s]!, STATUSES[worst]!);
    }
    return out;
  }
}
