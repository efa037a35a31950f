import type { SchoolMap } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { projectSchools, stampDots } from './map.ts';

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
    const colours = [0xff0000ff, 0xff00ff00, undefined];
    stampDots(
      buf,
      40,
      40,
      p,
      1,
      (i) => colours[i],
      (i) => [2, 1, 0][i]!,
      0xffaaaaaa,
    );
    const at = (i: number) => buf[Math.round(p.y[i]!) * 40 + Math.round(p.x[i]!)];
    // a and b overlap: a (rank 2) is on top
    expect(at(0)).toBe(0xff0000ff);
    // c has no camera: its centre is empty, its outline grey
    expect(at(2)).toBe(0);
    const r = Math.round(p.radius);
    expect(buf[Math.round(p.y[2]!) * 40 + Math.round(p.x[2]!) + r]).toBe(0xffaaaaaa);
  });
});
