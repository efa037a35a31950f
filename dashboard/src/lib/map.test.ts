import type { SchoolMap } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { projectSchools } from './map.ts';

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
