import { describe, expect, it } from 'vitest';
import { underWay } from './works.ts';

describe('underWay', () => {
  const w = { from: '2026-12-06T10:00:00Z', to: '2026-12-06T12:00:00Z' };
  it('is true from the start until the end, not at the end', () => {
    expect(underWay(w, Date.parse('2026-12-06T09:59:59Z'))).toBe(false);
    expect(underWay(w, Date.parse('2026-12-06T10:00:00Z'))).toBe(true);
    expect(underWay(w, Date.parse('2026-12-06T11:59:59Z'))).toBe(true);
    expect(underWay(w, Date.parse('2026-12-06T12:00:00Z'))).toBe(false);
  });
});
