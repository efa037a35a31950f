import type { MaintenanceWindow } from '@kuzet/protocol';

/** Whether planned works are under way at `now`: begun and not over (nobody is paged for what they cover). */
export const underWay = (w: Pick<MaintenanceWindow, 'from' | 'to'>, now = Date.now()): boolean =>
  Date.parse(w.from) <= now && now < Date.parse(w.to);
