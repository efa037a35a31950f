import type { SchoolMap } from '@kuzet/protocol';

export interface PlacedSchools {
  n: number;
  /** CSS px within the map's box, in the order of the map's schools */
  x: Float32Array;
  y: Float32Array;
  /** school id → its position in the lists */
  index: Map<string, number>;
  /** a dot's radius (smaller when there are many schools) */
  radius: number;
  /** the school drawn nearest to a point within `maxDist` px, or -1 */
  nearest(x: number, y: number, maxDist: number): number;
  /** every school drawn within `dist` px of a point */
  within(x: number, y: number, dist: number): number[];
}

const PAD = 10;
const CELL = 16;

/**
 * Places schools in a box: equirectangular, longitudes shortened by the cosine of the middle latitude (at 48° N a
 * degree east is two thirds of a degree north), the scope's extent fitted with its proportions kept. A bucket grid
 * of 16 px cells finds the school under the pointer without scanning all 7,500.
 */
export function projectSchools(map: SchoolMap, width: number, height: number): PlacedSchools {
  const n = map.schools.length;
  let latMin = 90;
  let latMax = -90;
  let lonMin = 180;
  let lonMax = -180;
  for (const [, lat, lon] of map.schools) {
    latMin = Math.min(latMin, lat);
    latMax = Math.max(latMax, lat);
    lonMin = Math.min(lonMin, lon);
    lonMax = Math.max(lonMax, lon);
  }
  const k = Math.cos((((latMin + latMax) / 2) * Math.PI) / 180);
  // a scope of one place (one school, one town) still gets an extent: a few kilometres around it
  const spanX = Math.max((lonMax - lonMin) * k, 0.05);
  const spanY = Math.max(latMax - latMin, 0.05);
  const scale = Math.min((width - 2 * PAD) / spanX, (height - 2 * PAD) / spanY);
  const midLon = (lonMin + lonMax) / 2;
  const midLat = (latMin + latMax) / 2;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [, lat, lon] = map.schools[i]!;
    x[i] = width / 2 + (lon - midLon) * k * scale;
    y[i] = height / 2 - (lat - midLat) * scale;
  }
  const radius = n > 3000 ? 2 : n > 500 ? 3 : n > 50 ? 4 : 6;
  const cols = Math.ceil(width / CELL) + 1;
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = Math.floor(y[i]! / CELL) * cols + Math.floor(x[i]! / CELL);
    const b = buckets.get(key);
    if (b) b.push(i);
    else buckets.set(key, [i]);
  }
  return {
    n,
    x,
    y,
    index: new Map(map.schools.map(([id], i) => [id, i])),
    radius,
    within(px, py, dist) {
      const out: number[] = [];
      const reach = Math.ceil(dist / CELL);
      const cx = Math.floor(px / CELL);
      const cy = Math.floor(py / CELL);
      for (let gy = cy - reach; gy <= cy + reach; gy++)
        for (let gx = cx - reach; gx <= cx + reach; gx++) {
          if (gx < 0 || gx >= cols) continue;
          for (const i of buckets.get(gy * cols + gx) ?? [])
            if ((x[i]! - px) ** 2 + (y[i]! - py) ** 2 <= dist * dist) out.push(i);
        }
      return out;
    },
    nearest(px, py, maxDist) {
      let best = -1;
      let bestD = Number.POSITIVE_INFINITY;
      for (const i of this.within(px, py, maxDist)) {
        const d = (x[i]! - px) ** 2 + (y[i]! - py) ** 2;
        if (d <= bestD) {
          bestD = d;
          best = i;
        }
      }
      return best;
    },
  };
}

/** the pixels of a disc of radius r (and of its outline), as flat (dx, dy) pairs from its centre */
function discOffsets(r: number): { fill: Int32Array; ring: Int32Array } {
  const fill: number[] = [];
  const ring: number[] = [];
  for (let dy = -r - 1; dy <= r + 1; dy++)
    for (let dx = -r - 1; dx <= r + 1; dx++) {
      const d = Math.sqrt(dx * dx + dy * dy);
      if (d <= r + 0.35) fill.push(dx, dy);
      if (d > r - 0.65 && d <= r + 0.35) ring.push(dx, dy);
    }
  return { fill: Int32Array.from(fill), ring: Int32Array.from(ring) };
}

/**
 * Stamps every school's dot into a pixel buffer (ABGR words, `width` × `height` device pixels): for thousands of
 * schools, one putImageData instead of thousands of canvas arcs (measured: a draw of 7,500 arcs reached 45 ms at
 * p99 under load in the software-rastered Chromium here). `colours[i]` is the school's colour word, 0 for an outline
 * (no camera); a higher `ranks[i]` is stamped later (on top). Plain arrays, no lookups per pixel or comparison:
 * sorting by a rank read through maps took 10-27 ms for 7,500 schools.
 */
export function stampDots(
  buf: Uint32Array,
  width: number,
  height: number,
  placed: PlacedSchools,
  scale: number,
  colours: Uint32Array,
  ranks: Uint8Array,
  outline: number,
  /** only these schools (a live change: the changed dots and those they touch), else all */
  only?: number[],
  /** only pixels in this box (device pixels, inclusive) */
  clip = { x0: 0, y0: 0, x1: width - 1, y1: height - 1 },
): void {
  const r = Math.max(1, Math.round(placed.radius * scale));
  const { fill, ring } = discOffsets(r);
  const which = only ?? Array.from({ length: placed.n }, (_, i) => i);
  let top = 0;
  for (const i of which) top = Math.max(top, ranks[i]!);
  for (let k = 0; k <= top; k++)
    for (const i of which) {
      if (ranks[i] !== k) continue;
      const cx = Math.round(placed.x[i]! * scale);
      const cy = Math.round(placed.y[i]! * scale);
      const c = colours[i]!;
      const offs = c === 0 ? ring : fill;
      const word = c === 0 ? outline : c;
      for (let o = 0; o < offs.length; o += 2) {
        const x = cx + offs[o]!;
        const y = cy + offs[o + 1]!;
        if (x >= clip.x0 && y >= clip.y0 && x <= clip.x1 && y <= clip.y1) buf[y * width + x] = word;
      }
    }
}

/**
 * A live change on a drawn map: around each dot whose colour changed, its square is cleared and every dot that
 * reaches into it is stamped again, clipped to it, in rank order (the worst stays on top): the square then holds
 * exactly what a full draw would. Returns the device-pixel box to put back, or undefined when nothing changed. A
 * few changes cost microseconds, not a redraw of 7,500 dots.
 */
export function restampChanged(
  buf: Uint32Array,
  width: number,
  height: number,
  placed: PlacedSchools,
  scale: number,
  before: Uint32Array,
  colours: Uint32Array,
  ranks: Uint8Array,
  outline: number,
): { x: number; y: number; w: number; h: number } | undefined {
  const r = Math.max(1, Math.round(placed.radius * scale));
  let box: { x0: number; y0: number; x1: number; y1: number } | undefined;
  for (let i = 0; i < placed.n; i++) {
    if (before[i] === colours[i]) continue;
    const cx = Math.round(placed.x[i]! * scale);
    const cy = Math.round(placed.y[i]! * scale);
    const sq = {
      x0: Math.max(0, cx - r - 1),
      y0: Math.max(0, cy - r - 1),
      x1: Math.min(width - 1, cx + r + 1),
      y1: Math.min(height - 1, cy + r + 1),
    };
    for (let y = sq.y0; y <= sq.y1; y++) buf.fill(0, y * width + sq.x0, y * width + sq.x1 + 1);
    // every dot with a pixel in the square: within its half-diagonal plus a dot's own reach
    const reach = (Math.SQRT2 * (r + 1) + r + 2) / scale;
    stampDots(
      buf,
      width,
      height,
      placed,
      scale,
      colours,
      ranks,
      outline,
      placed.within(placed.x[i]!, placed.y[i]!, reach),
      sq,
    );
    box = box
      ? {
          x0: Math.min(box.x0, sq.x0),
          y0: Math.min(box.y0, sq.y0),
          x1: Math.max(box.x1, sq.x1),
          y1: Math.max(box.y1, sq.y1),
        }
      : sq;
  }
  return box && { x: box.x0, y: box.y0, w: box.x1 - box.x0 + 1, h: box.y1 - box.y0 + 1 };
}
