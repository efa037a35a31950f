import type { SchoolMap } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { projectSchools, restampChanged, stampDots } from './map.ts';

const school = (id: string, lat: number, lon: number): SchoolMap['schools'][number] => [
  id,
  lat,
  lon,
  'KZ-75',
  'd',
  id,
  id,
];

describe('the schools placed on the map', () => {
  const map: SchoolMap = {
    schools: [school('west', 47, 51.9), school('east', 49.9, 82.6), school('south', 43.2, 76.9)],
    districts: [],
  };

  it('keeps west left of east and north above south, inside the box, proportions kept', () => {
    const p = projectSchools(map, 800, 400);
    const [w, e, s] = [0, 1, 2];
    expect(p.x[w]!).toBeLessThan(p.x[s]!);
    expect(p.x[s]!).toBeLessThan(p.x[e]!);
    expect(p.y[e]!).toBeLessThan(p.y[s]!); // north is up
    for (let i = 0; i < p.n; i++) {
      expect(p.x[i]!).toBeGreaterThanOrEqual(0);
      expect(p.x[i]!).toBeLessThanOrEqual(800);
      expect(p.y[i]!).toBeGreaterThanOrEqual(0);
      expect(p.y[i]!).toBeLessThanOrEqual(400);
    }
    // a degree east at ~46.5° N is shorter than a degree north (cosine): 30.7° × 0.69 ≈ 21.1 vs 6.7° north
    const dx = p.x[e]! - p.x[w]!;
    const dy = p.y[s]! - p.y[e]!;
    expect(dx / dy).toBeCloseTo(((82.6 - 51.9) * Math.cos((46.55 * Math.PI) / 180)) / (49.9 - 43.2), 1);
  });

  it('finds the school under the pointer, and none away from every school', () => {
    const p = projectSchools(map, 800, 400);
    expect(p.nearest(p.x[2]! + 2, p.y[2]! - 1, 6)).toBe(2);
    expect(p.nearest(p.x[2]! + 30, p.y[2]!, 6)).toBe(-1);
  });

  it('gives one school an extent of its own (no division by zero)', () => {
    const p = projectSchools({ schools: [school('only', 43.2, 76.9)], districts: [] }, 300, 200);
    expect([p.x[0], p.y[0]]).toEqual([150, 100]);
  });
});

describe('dots stamped into pixels', () => {
  it('fills a dot in its colour, outlines a school without cameras, and puts the higher rank on top', () => {
    const map: SchoolMap = {
      schools: [school('a', 45, 70), school('b', 45, 70.0001), school('c', 46, 71)],
      districts: [],
    };
    const p = projectSchools(map, 40, 40);
    const buf = new Uint32Array(40 * 40);
    stampDots(buf, 40, 40, p, 1, Uint32Array.of(0xff0000ff, 0xff00ff00, 0), Uint8Array.of(2, 1, 0), 0xffaaaaaa);
  });
});

describe('a live change restamped', () => {
  it('leaves exactly the pixels a full draw of the new colours would, in a dense cluster', () => {
    // 400 schools in a small area: dots overlap in every way
    let seed = 7;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const schools = Array.from({ length: 400 }, (_, i) => school(`s${i}`, 43 + rand() * 0.3, 76.8 + rand() * 0.4));
    const p = projectSchools({ schools, districts: [] }, 120, 90);
    const W = 240; // a device pixel ratio of 2
    const H = 180;
    const palette = [0, 0xff000001, 0xff000002, 0xff000003, 0xff000004];
    const before = Uint32Array.from(schools, () => palette[Math.floor(rand() * 5)]!);
    const rankOf = (c: Uint32Array) => Uint8Array.from(c, (x) => (x === 0 ? 0 : x & 0xff));
    const buf = new Uint32Array(W * H);
    stampDots(buf, W, H, p, 2, before, rankOf(before), 0xffaaaaaa);
    const after = before.slice();
    for (const i of [3, 50, 51, 200, 399]) after[i] = palette[(palette.indexOf(after[i]!) + 2) % 5]!;
    const box = restampChanged(buf, W, H, p, 2, before, after, rankOf(after), 0xffaaaaaa);
    expect(box).toBeDefined();
    const full = new Uint32Array(W * H);
    stampDots(full, W, H, p, 2, after, rankOf(after), 0xffaaaaaa);
    expect(buf).toEqual(full);
    expect(restampChanged(buf, W, H, p, 2, after, after, rankOf(after), 0xffaaaaaa)).toBeUndefined();
  });
});
