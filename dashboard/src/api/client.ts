import {
  AgentInfo,
  Alert,
  type AlertAction,
  CameraView,
  District,
  EnrolmentCode,
  HistoryEntry,
  LiveServerFrame,
  MaintenanceWindow,
  MeasurementEntry,
  ReasonCounts,
  RegionSummary,
  RequirementProfile,
  SchoolSummary,
  StatusCounts,
  User,
} from '@kuzet/protocol';
import { z } from 'zod';
import { HEAVY, type HeavyAnswer, type HeavyKind } from './heavy.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => {};
/** Called when the server says the session is gone (401): the app goes back to the login page. */
export function setUnauthorizedHandler(f: () => void) {
  onUnauthorized = f;
}

/** One REST call; the answer is checked against the protocol's schema (the one contract), never trusted blindly. */
export async function call<T extends z.ZodType>(
  schema: T,
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<z.infer<T>> {
  const res = await fetch(`/api/v1${path}`, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    if (res.status === 401 && path !== '/auth/login') onUnauthorized();
    throw new ApiError(res.status, (json as { error?: string } | undefined)?.error ?? res.statusText);
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new ApiError(0, `unexpected answer from ${path}: ${r.error.issues[0]?.message}`);
  return r.data;
}

// started with the page (its script loads while the page logs in and subscribes, not when the first big call waits)
let heavyWorker: Worker | null =
  typeof Worker === 'undefined'
    ? null
    : new Worker(new URL('./fetch-worker.ts', import.meta.url), { type: 'module', name: 'kuzet-fetch' });
let heavySeq = 0;
const heavyPending = new Map<number, (a: HeavyAnswer) => void>();
heavyWorker?.addEventListener('message', (e: MessageEvent<HeavyAnswer>) => {
  heavyPending.get(e.data.id)?.(e.data);
  heavyPending.delete(e.data.id);
});
// a worker that cannot run fails what it held (the views offer a retry) and the big calls go on without it
heavyWorker?.addEventListener('error', () => {
  heavyWorker = null;
  for (const [id, answer] of heavyPending) answer({ id, status: -1, error: 'the fetch worker failed' });
  heavyPending.clear();
});

/**
 * One of the big REST calls (see heavy.ts), in a worker thread; the answer arrives checked. Where there are no
 * workers (unit tests in jsdom) it is an ordinary call.
 */
function callHeavy<K extends HeavyKind>(kind: K, path: string): Promise<z.infer<(typeof HEAVY)[K]>> {
  const w = heavyWorker;
  if (!w) return call(HEAVY[kind], path) as Promise<z.infer<(typeof HEAVY)[K]>>;
  const id = ++heavySeq;
  return new Promise((resolve, reject) => {
    heavyPending.set(id, (a) => {
      if ('data' in a) return resolve(a.data as z.infer<(typeof HEAVY)[K]>);
      if (a.status === -1) return reject(new TypeError(a.error)); // the network failed, as fetch() would say
      if (a.status === 401) onUnauthorized();
      reject(new ApiError(a.status, a.error));
    });
    w.postMessage({ id, kind, path });
  });
}

export const SchoolDetail = SchoolSummary.extend({
  agentLinks: z.array(
    z.object({ agentId: z.string(), linkDown: z.boolean(), lastSeen: z.string().nullable(), enrolled: z.boolean() }),
  ),
  requirements: RequirementProfile.optional(),
});
export type SchoolDetail = z.infer<typeof SchoolDetail>;
export const CameraDetail = CameraView.extend({
  identity: z
    .object({ firmware: z.string().optional(), media: z.array(z.object({ token: z.string() }).loose()).optional() })
    .loose()
    .nullable(),
  stream: z.object({ bitrateKbps: z.number().optional(), codec: z.string().optional() }).loose().nullable(),
  retention: z.object({ state: z.string() }).loose().nullable(),
});
export type CameraDetail = z.infer<typeof CameraDetail>;
const Ok = z.object({}).loose();

export const api = {
  login: (username: string, password: string) =>
    call(User, '/auth/login', { method: 'POST', body: { username, password } }),
  logout: () => call(Ok, '/auth/logout', { method: 'POST' }),
  session: () => call(z.object({ user: User.nullable() }), '/auth/session'),
  regions: () => call(z.array(RegionSummary), '/regions'),
  districts: (region: string) =>
    call(z.array(District.extend({ counts: StatusCounts, reasons: ReasonCounts })), `/districts?region=${region}`),
  schools: (region?: string) =>
    callHeavy('schools', `/schools?limit=10000${region ? `&region=${encodeURIComponent(region)}` : ''}`),
  worstSchools: (limit = 10) => call(z.array(SchoolSummary), `/worst-schools?limit=${limit}`),
  summary: () => call(StatusCounts, '/summary'),
  grid: () => callHeavy('grid', '/grid'),
  gridIds: () => callHeavy('gridIds', '/grid/ids'),
  school: (id: string) => call(SchoolDetail, `/schools/${encodeURIComponent(id)}`),
  schoolCameras: (id: string) => call(z.array(CameraView), `/schools/${encodeURIComponent(id)}/cameras`),
  schoolHistory: (id: string) => call(z.array(HistoryEntry), `/schools/${encodeURIComponent(id)}/history?limit=50`),
  camera: (id: string) => call(CameraDetail, `/cameras/${encodeURIComponent(id)}`),
  cameraHistory: (id: string) => call(z.array(HistoryEntry), `/cameras/${encodeURIComponent(id)}/history?limit=200`),
  measurements: (id: string) => call(z.array(MeasurementEntry), `/cameras/${encodeURIComponent(id)}/measurements`),
  alerts: (q: { state?: 'active' | 'all'; region?: string; severity?: string } = {}) =>
    call(
      z.array(Alert),
      `/alerts?${new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => Boolean(e[1]))).toString()}`,
    ),
  alert: (id: string) => call(Alert, `/alerts/${encodeURIComponent(id)}`),
  alertAction: (id: string, action: AlertAction) =>
    call(Alert, `/alerts/${encodeURIComponent(id)}/actions`, { method: 'POST', body: action }),
  schoolAlerts: (id: string) => call(z.array(Alert), `/schools/${encodeURIComponent(id)}/alerts`),
  cameraAlerts: (id: string) => call(z.array(Alert), `/cameras/${encodeURIComponent(id)}/alerts`),
  maintenance: () => call(z.array(MaintenanceWindow), '/maintenance'),
  agents: () => call(z.array(AgentInfo), '/agents'),
  enrolmentCode: (schoolId: string, agentId: string) =>
    call(EnrolmentCode, '/enrolment-codes', { method: 'POST', body: { schoolId, agentId } }),
  revoke: (agentId: string) => call(Ok, `/agents/${encodeURIComponent(agentId)}/revoke`, { method: 'POST' }),
  users: () => call(z.array(User), '/users'),
  createUser: (u: unknown) => call(User, '/users', { method: 'POST', body: u }),
  deleteUser: (name: string) => call(Ok, `/users/${encodeURIComponent(name)}`, { method: 'DELETE' }),
};

export { LiveServerFrame };
