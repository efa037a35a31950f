import { describe, expect, it } from 'vitest';
import { addDays, availability, dayBounds, dayOf } from './archive-day.ts';

const H = 3_600_000;

describe('archive days', () => {
  it('ends a day at midnight in Asia/Almaty (UTC+5), whatever the server runs in', () => {
    const { start, end } = dayBounds('2026-11-30', 'Asia/Almaty');
    expect(new Date(start).toISOString()).toBe('2026-11-29T19:00:00.000Z');
    expect(end - start).toBe(24 * H);
    expect(dayOf(start, 'Asia/Almaty')).toBe('2026-11-30');
    expect(dayOf(start - 1, 'Asia/Almaty')).toBe('2026-11-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    // a zone with daylight saving: the day of the change is 23 hours long
    const dst = dayBounds('2026-03-29', 'Europe/Berlin');
    expect(dst.end - dst.start).toBe(23 * H);
  });

  it('counts a camera outage and a link outage apart, from the status history', () => {
    const { start, end } = dayBounds('2026-11-30', 'Asia/Almaty');
    const a = availability(
      [
        { at: start - 5 * H, status: 'online', reasons: [] },
        { at: start + 10 * H, status: 'offline', reasons: ['unreachable'] },
        { at: start + 16 * H, status: 'online', reasons: [] },
        { at: start + 20 * H, status: 'link_down', reasons: [] },
        { at: start + 22 * H, status: 'degraded', reasons: ['clock_drift'] },
        { at: end + H, status: 'offline', reasons: [] }, // the next day's
      ],
      start,
      end,
    );
    expect(a).toMatchObject({
      observedMin: 1440,
      onlineMin: 840,
      offlineMin: 360,
      linkDownMin: 120,
      degradedMin: 120,
      availablePct: 66.7, // online or degraded: 16 of 24 hours
      end: { status: 'degraded', reasons: ['clock_drift'] },
    });
  });

  it('does not count the time before a camera was first seen; a camera that never changed keeps its status', () => {
    const { start, end } = dayBounds('2026-11-30', 'Asia/Almaty');
    const late = availability([{ at: start + 18 * H, status: 'online', reasons: [] }], start, end);
    expect(late).toMatchObject({ observedMin: 360, onlineMin: 360, availablePct: 100 });
    const steady = availability([], start, end, { status: 'offline', reasons: [], since: start - 48 * H });
    expect(steady).toMatchObject({ observedMin: 1440, offlineMin: 1440, availablePct: 0 });
    // the current status began after the day: nothing is known of the day
    expect(availability([], start, end, { status: 'online', reasons: [], since: end + H })).toMatchObject({
      observedMin: 0,
    });
    expect(availability([], start, end).availablePct).toBeUndefined();
  });
});
