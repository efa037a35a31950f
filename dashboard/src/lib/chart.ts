import type { MeasurementEntry } from '@kuzet/protocol';

type Figure = 'width' | 'height' | 'fps' | 'bitrateKbps' | 'retainedDays' | 'driftSeconds';

/**
 * One figure of a camera's measurements as chart points (time in ms, oldest first). The series keeps a change at once
 * and a steady value only every few hours, so the last value is carried on to `until` (when the camera was last
 * seen) when that is later: the chart does not end hours early as if nothing had been measured since.
 */
export function chartPoints(
  ms: MeasurementEntry[],
  kind: MeasurementEntry['kind'],
  key: Figure,
  until?: number,
): { t: number; v: number }[] {
  const data = ms.flatMap((m) => (m.kind === kind && m[key] !== undefined ? [{ t: Date.parse(m.at), v: m[key] }] : []));
  const last = data[data.length - 1];
  if (last && until !== undefined && until > last.t) data.push({ t: until, v: last.v });
  return data;
}
