import type { CameraDelta, CameraGrid } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { GridModel, gridShape } from './grid.ts';
import { STATUS_META } from './status.ts';

const hex = (n: number) => n.toString(16).padStart(16, '0');
const grid: CameraGrid = {
  at: '2026-11-23T10:00:00.000Z',
  regions: [
    { code: 'KZ-71', schools: [['KZ-71-01-0001', 2]] },
    {
      code: 'KZ-75',
      schools: [
        ['KZ-75-01-0001', 1],
        ['KZ-75-01-0002', 3],
      ],
    },
  ],
  version: 'v1',
  status: 'oxolld',
};
const ids = { version: 'v1', ids: [1, 2, 3, 4, 5, 6].map(hex).join('') };
const SCHOOL_OF: Record<number, string> = { 1: 'KZ-71-01-0001', 2: 'KZ-71-01-0001', 3: 'KZ-75-01-0001' };
const delta = (n: number, status: CameraDelta['status']): CameraDelta => ({
  cameraId: `cam-${hex(n)}`,
  schoolId: SCHOOL_OF[n] ?? 'KZ-75-01-0002',
  regionCode: 'KZ-75',
  districtId: 'd',
  status,
  reasons: [],
  at: grid.at,
});

describe('GridModel', () => {
  it('maps every camera to a pixel in region → school order, with its status colour', () => {
    const m = new GridModel(grid);
    expect(m.size).toBe(6);
    expect(m.cameraAt(0)).toEqual({ cameraId: undefined, schoolId: 'KZ-71-01-0001', regionCode: 'KZ-71' });
    expect(m.setIds(ids)).toBe(true);
    expect(m.pixels[0]).toBe(STATUS_META.online.rgba);
    expect(m.pixels[1]).toBe(STATUS_META.offline.rgba);
    expect(m.statusAt(5)).toBe('degraded');
    expect(m.cameraAt(0)).toEqual({ cameraId: `cam-${hex(1)}`, schoolId: 'KZ-71-01-0001', regionCode: 'KZ-71' });
    expect(m.cameraAt(2)?.schoolId).toBe('KZ-75-01-0001');
    expect(m.cameraAt(5)?.schoolId).toBe('KZ-75-01-0002');
    expect(m.cameraAt(6)).toBeUndefined();
    expect(m.schools()).toBe(3);
    expect(m.linkDownSchools()).toBe(1);
  });

  it('applies deltas in place once the ids are there and counts only real changes; unknown cameras are reported', () => {
    const m = new GridModel(grid);
    expect(m.placeable).toBe(false);
    expect(m.apply([delta(2, 'online')])).toBe(0); // not placeable yet: the caller keeps deltas until then
    expect(m.setIds({ version: 'v0', ids: ids.ids })).toBe(false); // ids of another grid version
    expect(m.setIds({ version: 'v1', ids: ids.ids.slice(16) })).toBe(false);
    expect(m.setIds(ids)).toBe(true);
    expect(m.placeable).toBe(true);
    expect(m.apply([delta(1, 'online'), delta(2, 'online'), delta(4, 'online'), delta(99, 'offline')])).toBe(2);
    expect(m.pixels[1]).toBe(STATUS_META.online.rgba);
    expect(m.statusAt(3)).toBe('online');
    expect(m.linkDownSchools()).toBe(1);
    m.apply([delta(5, 'online')]);
    expect(m.linkDownSchools()).toBe(0);
    expect(m.knows(delta(99, 'online'))).toBe(false);
    expect(m.knows({ cameraId: `cam-${hex(6)}`, schoolId: 'KZ-75-01-0001' })).toBe(false); // not in that school
    expect(m.knows(delta(6, 'online'))).toBe(true);
    // every camera of a school is found by the binary search, first and last included
    for (const n of [1, 2, 3, 4, 5, 6]) expect(m.knows(delta(n, 'online'))).toBe(true);
  });
});

describe('the grid drawn', () => {
  it('is about 4:1 and leaves nearly no cell grey, up to 1,000 cameras a row', () => {
    expect(gridShape(22)).toEqual({ width: 8, rows: 3 });
    expect(gridShape(5)).toEqual({ width: 5, rows: 1 });
    expect(gridShape(250_000)).toEqual({ width: 1000, rows: 250 });
    for (const n of [1, 7, 22, 60, 333, 12_345, 99_999]) {
      const { width, rows } = gridShape(n);
      expect(width * rows).toBeGreaterThanOrEqual(n);
      expect(width * rows - n).toBeLessThan(rows); // the last row short by less than one cell per row
      expect(width).toBeLessThanOrEqual(1000);
    }
  });

  it("gives each school its worst camera's status (offline before link down before degraded)", () => {
    const m = new GridModel(grid);
    expect(Object.fromEntries(m.worstBySchool())).toEqual({
      'KZ-71-01-0001': 'offline',
      'KZ-75-01-0001': 'online',
      'KZ-75-01-0002': 'link_down',
    });
    m.setIds(ids);
    m.apply([delta(3, 'degraded')]);
    expect(m.worstBySchool().get('KZ-75-01-0001')).toBe('degraded');
  });
});
