import { describe, expect, it } from 'vitest';
import { fromAlmatyInput, toAlmatyInput } from './format.ts';

describe('a datetime-local field in Almaty time', () => {
  it('shows a moment as Almaty time and reads it back, whatever the browser zone', () => {
    const ms = Date.parse('2026-12-06T09:30:00Z');
    expect(toAlmatyInput(ms)).toBe('2026-12-06T14:30');
    expect(fromAlmatyInput('2026-12-06T14:30')).toBe('2026-12-06T09:30:00.000Z');
    // past midnight in Almaty is still the day before in UTC
    expect(fromAlmatyInput('2026-12-07T02:00')).toBe('2026-12-06T21:00:00.000Z');
  });
  it('reads an empty or broken value as nothing', () => {
    expect(fromAlmatyInput('')).toBeUndefined();
    expect(fromAlmatyInput('tomorrow')).toBeUndefined();
  });
});
