import type { AlertRule, Localized, NotifyTarget } from '@kuzet/protocol';
import type { Notification } from './notifier.ts';

// The jobs of the alerting queues (services/alerts.ts, services/alert-paging.ts).

/** where an alert's subject is */
export interface Place {
  schoolId: string;
  districtId: string;
  regionCode: string;
}
/**
 * Rules raised by one event (not by a camera's lasting state). camera_back is no alert: it resolves the camera's
 * camera_gone (the camera was announced again).
 */
export type EventRule = 'camera_gone' | 'camera_new' | 'camera_conflict' | 'camera_back';

export type AlertJob =
  | ({ kind: 'camera'; cameraId: string } & Place)
  | ({ kind: 'confirm-open'; rule: AlertRule; cameraId: string; since: string } & Place)
  | { kind: 'confirm-resolve'; alertId: string; since: string }
  | ({ kind: 'link'; agentId: string; down: boolean; at: string; cameras: number } & Place)
  /** detail: a text, or (newer jobs) the same in kk, ru and en */
  | ({ kind: 'event'; rule: EventRule; cameraId: string; at: string; detail?: string | Localized } & Place)
  /** episode: the alert's reopenings when the step was queued (a step of an earlier episode is dropped) */
  | { kind: 'escalate'; alertId: string; level: number; renotify: number; episode?: number };
export interface NotifyJob {
  alertId: string;
  event: Notification['event'];
  level: number;
  target: NotifyTarget;
}
