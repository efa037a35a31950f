import type { MeasurementEntry } from '@kuzet/protocol';

type Figure = 'width' | 'height' | 'fps' | 'bitrateKbps' | 'retainedDays' | 'driftSeconds';

/**
 * One figure of a camera's measurements as chart points (time in ms, oldest first). The series keeps a change at once
 * and a steady value only every few hours, so the last value is carried on to `until` (when the camera was last
 * seen) when that is later: the chart does not end hours early as if nothing had been measured since. That end
 * point holds the camera's current figure (`current`, what its card shows) when there is one: a steady value is
 * stored only when it changes as far as the chart's rounding goes (a whole second of clock drift), so the figure
 * measured since may differ a little from the last stored one, and the chart must not contradict the card.
 */
export function chartPoints(
  ms: MeasurementEntry[],
  kind: MeasurementEntry['kind'],
  key: Figure,
  until?: number,
  current?: number,
): { t: number; v: number }[] {
  const data = ms.flatMap((m) => (m.kind === kind && m[key] !== undefined ? [{ t: Date.parse(m.at), v: m[key] }] : []));
  const last = data[data.length - 1];
  if (last && until !== undefined && until > last.t) data.push({ t: until, v: current ?? last.v });
  return data;
}
