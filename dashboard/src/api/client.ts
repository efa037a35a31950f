import {
  AckSla,
  AgentInfo,
  Alert,
  type AlertAction,
  AlertingConfig,
  AlertingVersions,
  ApiTokenInfo,
  ArchiveSeries,
  ArchiveVerification,
  Assignee,
  AuditEntry,
  CameraGrid,
  CameraGridIds,
  CameraView,
  ComplianceOverview,
  CreatedApiToken,
  District,
  EnrolmentCode,
  HistoryEntry,
  LiveServerFrame,
  LiveViewer,
  Localized,
  MaintenanceWindow,
  MeasurementEntry,
  type NotifyTarget,
  ReasonCounts,
  Region,
  RegionPaging,
  RegionSummary,
  RegistryImportResult,
  RequirementProfile,
  RequirementsDoc,
  RequirementVersions,
  SchoolCompliance,
  SchoolContacts,
  SchoolSummary,
  StatusCounts,
  User,
  UserRow,
} from '@kuzet/protocol';
import { z } from 'zod';
import { type CheckAnswer, HEAVY, type HeavyKind } from './heavy.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** every problem the server listed (an invalid document, a refused import) */
    readonly problems: string[] = [],
    /** the same problems in kk, ru and en, where the server writes them (protocol's problems.ts) */
    readonly localized: Localized[] = [],
    /** what the problems name can be left out if asked (a version brought back naming what is gone since) */
    readonly droppable = false,
  ) {
    super(message);
  }

  /** The problems in the page's language (the server's English where it wrote no other). */
  problemsIn(lang: string): string[] {
    return this.problems.map((p, i) => {
      const l = this.localized[i];
      return (l && (lang === 'kk' || lang === 'ru' || lang === 'en') ? l[lang] : undefined) ?? p;
    });
  }
}

/** What a failed call says, in the page's language: the problems the server listed (a refused form: "password:
 * shorter than 10 characters"), else its error. */
export function errorText(e: unknown, lang: string): string {
  if (e instanceof ApiError && e.problems.length) return e.problemsIn(lang).join('; ');
  return e instanceof Error ? e.message : String(e);
}

let onUnauthorized: () => void = () => {};
/** Called when the server says the session is gone (401): the app goes back to the login page. */
export function setUnauthorizedHandler(f: () => void) {
  onUnauthorized = f;
}

/** Told of every change this page made through the API (a successful request other than GET): the audit log
 * shown beside the form that made it reads again. */
const changes = new EventTarget();
export function onApiChange(listener: () => void): () => void {
  changes.addEventListener('change', listener);
  return () => changes.removeEventListener('change', listener);
}

type Init = {
  method?: string;
  body?: unknown;
  /** a body sent as it is, with its own content type (a file's text) */
  raw?: { type: string; text: string };
  signal?: AbortSignal;
};

/** The HTTP part of a REST call: the response when it is a success, else the server's error (401: back to login). */
async function request(path: string, init: Init): Promise<Response> {
  const res = await fetch(`/api/v1${path}`, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.raw
      ? { 'content-type': init.raw.type }
      : init.body === undefined
        ? {}
        : { 'content-type': 'application/json' },
    body: init.raw ? init.raw.text : init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  if (res.ok) {
    if ((init.method ?? 'GET') !== 'GET') changes.dispatchEvent(new Event('change'));
    return res;
  }
  const text = await res.text();
  let error = res.statusText;
  let problems: string[] = [];
  let localized: Localized[] = [];
  let droppable = false;
  try {
    const j = JSON.parse(text) as {
      error?: string;
      problems?: unknown;
      problemsLocalized?: unknown;
      droppable?: unknown;
    };
    droppable = j.droppable === true;
    error = j.error ?? error;
    if (Array.isArray(j.problems)) problems = j.problems.map(String);
    const l = z.array(Localized).safeParse(j.problemsLocalized);
    if (l.success && l.data.length === problems.length) localized = l.data;
  } catch {
    /* not JSON: the status text says it */
  }
  if (res.status === 401 && path !== '/auth/login') onUnauthorized();
  throw new ApiError(res.status, error, problems, localized, droppable);
}

const unexpected = (path: string, problem: string | undefined) =>
  new ApiError(0, `unexpected answer from ${path}: ${problem}`);

/** An answer's text, parsed and checked against the protocol's schema (the one contract), never trusted blindly. */
function checked<T extends z.ZodType>(schema: T, path: string, text: string): z.infer<T> {
  const r = schema.safeParse(text ? JSON.parse(text) : undefined);
  if (!r.success) throw unexpected(path, r.error.issues[0]?.message);
  return r.data;
}

/** One REST call, its answer checked. */
export async function call<T extends z.ZodType>(schema: T, path: string, init: Init = {}): Promise<z.infer<T>> {
  return checked(schema, path, await (await request(path, init)).text());
}

let checker: Worker | null | undefined;
let checkSeq = 0;
const checking = new Map<number, (a: CheckAnswer) => void>();

/**
 * The checking worker, started by the first big call (its script loads while that call's answer is on the way; at
 * the page's start it would compete with the views that do not need it). Null where there are no workers (unit
 * tests in jsdom), or after it failed: answers are checked on the page's thread then.
 */
function checkingWorker(): Worker | null {
  if (checker !== undefined) return checker;
  if (typeof Worker === 'undefined') {
    checker = null;
    return null;
  }
  const w = new Worker(new URL('./check-worker.ts', import.meta.url), { type: 'module', name: 'kuzet-check' });
  w.addEventListener('message', (e: MessageEvent<CheckAnswer>) => {
    checking.get(e.data.id)?.(e.data);
    checking.delete(e.data.id);
  });
  // a worker that cannot run fails what it held (the views offer a retry)
  w.addEventListener('error', () => {
    checker = null;
    for (const [id, answer] of checking) answer({ id, error: 'the checking worker failed' });
    checking.clear();
  });
  checker = w;
  return w;
}

/**
 * One of the big REST calls (see heavy.ts): the answer's bytes go to a worker thread, which parses and checks them
 * and hands back the checked JSON; parsed here, it is the data the page keeps, with no other garbage. Where there
 * are no workers (unit tests in jsdom) it is an ordinary call.
 */
async function callHeavy<K extends HeavyKind>(kind: K, path: string): Promise<z.infer<(typeof HEAVY)[K]>> {
  const w = checkingWorker();
  if (!w) return call(HEAVY[kind], path) as Promise<z.infer<(typeof HEAVY)[K]>>;
  const body = await (await request(path, {})).arrayBuffer();
  // the worker failed meanwhile: checked here
  if (checker !== w) return checked(HEAVY[kind], path, new TextDecoder().decode(body)) as z.infer<(typeof HEAVY)[K]>;
  const id = ++checkSeq;
  const a = await new Promise<CheckAnswer>((resolve) => {
    checking.set(id, resolve);
    w.postMessage({ id, kind, body }, [body]);
  });
  if ('error' in a) throw unexpected(path, a.error);
  return JSON.parse(a.json);
}

export const SchoolDetail = SchoolSummary.extend({
  agentLinks: z.array(
    z.object({ agentId: z.string(), linkDown: z.boolean(), lastSeen: z.string().nullable(), enrolled: z.boolean() }),
  ),
  requirements: RequirementProfile.optional(),
  /** where it is, by name */
  region: Region.optional(),
  district: District.optional(),
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
  grid: () => call(CameraGrid, '/grid'),
  gridIds: () => call(CameraGridIds, '/grid/ids'),
  map: (region?: string) => callHeavy('map', `/map${region ? `?region=${encodeURIComponent(region)}` : ''}`),
  school: (id: string) => call(SchoolDetail, `/schools/${encodeURIComponent(id)}`),
  schoolCameras: (id: string) => call(z.array(CameraView), `/schools/${encodeURIComponent(id)}/cameras`),
  schoolHistory: (id: string) => call(z.array(HistoryEntry), `/schools/${encodeURIComponent(id)}/history?limit=50`),
  camera: (id: string) => call(CameraDetail, `/cameras/${encodeURIComponent(id)}`),
  /** who is watching a camera live (admins) */
  liveViewers: (id: string) => call(z.array(LiveViewer), `/cameras/${encodeURIComponent(id)}/viewers`),
  /** the picture taken at snapshotAt becomes the camera's reference view (409: a newer one came meanwhile) */
  confirmReference: (id: string, snapshotAt: string) =>
    call(Ok, `/cameras/${encodeURIComponent(id)}/reference`, { method: 'POST', body: { snapshotAt } }),
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
  alertSla: () => call(AckSla, '/alerts/sla'),
  bulkAck: (ids: string[], comment?: string) =>
    call(z.object({ acknowledged: z.array(z.string()) }), '/alerts/ack', {
      method: 'POST',
      body: { ids, ...(comment ? { comment } : {}) },
    }),
  alertAssignees: (id: string) => call(z.array(Assignee), `/alerts/${encodeURIComponent(id)}/assignees`),
  schoolAlerts: (id: string) => call(z.array(Alert), `/schools/${encodeURIComponent(id)}/alerts`),
  cameraAlerts: (id: string) => call(z.array(Alert), `/cameras/${encodeURIComponent(id)}/alerts`),
  /** a school's windows not yet over, soonest first; without a school, every window the user may see */
  maintenance: (schoolId?: string) =>
    call(
      z.array(MaintenanceWindow),
      schoolId ? `/maintenance?schoolId=${encodeURIComponent(schoolId)}` : '/maintenance',
    ),
  planMaintenance: (w: { schoolId: string; cameraId?: string; from: string; to: string; reason: string }) =>
    call(MaintenanceWindow, '/maintenance', { method: 'POST', body: w }),
  endMaintenance: (id: string) => call(Ok, `/maintenance/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  agents: () => call(z.array(AgentInfo), '/agents'),
  enrolmentCode: (schoolId: string, agentId: string) =>
    call(EnrolmentCode, '/enrolment-codes', { method: 'POST', body: { schoolId, agentId } }),
  revoke: (agentId: string) => call(Ok, `/agents/${encodeURIComponent(agentId)}/revoke`, { method: 'POST' }),
  users: () => call(z.array(UserRow), '/users'),
  createUser: (u: unknown) => call(User, '/users', { method: 'POST', body: u }),
  deleteUser: (name: string) => call(Ok, `/users/${encodeURIComponent(name)}`, { method: 'DELETE' }),
  apiTokens: () => call(z.array(ApiTokenInfo), '/api-tokens'),
  createApiToken: (t: { name: string; regions: string[] }) =>
    call(CreatedApiToken, '/api-tokens', { method: 'POST', body: t }),
  revokeApiToken: (id: string) => call(Ok, `/api-tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  compliance: (q: { region?: string; district?: string; state?: string } = {}) =>
    call(
      ComplianceOverview,
      `/compliance?${new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => Boolean(e[1]))).toString()}`,
    ),
  schoolCompliance: (id: string) => call(SchoolCompliance, `/schools/${encodeURIComponent(id)}/compliance`),
  placeCamera: (id: string, body: { name?: string; zone?: string | null }) =>
    call(Ok, `/cameras/${encodeURIComponent(id)}/placement`, { method: 'PUT', body }),
  requirements: () => call(RequirementsDoc, '/requirements'),
  /** the requirement history, newest first (admins, auditors) */
  requirementVersions: (limit = 50) => call(RequirementVersions, `/requirements/versions?limit=${limit}`),
  requirementVersion: (n: number) => call(RequirementsDoc, `/requirements/versions/${n}`),
  /** an earlier version brought back as `version` (the current one + 1) */
  restoreRequirements: (n: number, version: number) =>
    call(z.object({ version: z.number(), schools: z.number() }), `/requirements/versions/${n}/restore`, {
      method: 'POST',
      body: { version },
    }),
  archiveDays: (q: ArchiveQuery) => call(ArchiveSeries, `/archive/days?${archiveParams(q)}`),
  verifyArchive: () => call(ArchiveVerification, '/archive/verify', { method: 'POST', body: {} }),
  /** one's own password (the current one with it); the server ends one's other sessions */
  changePassword: (current: string, password: string) =>
    call(z.object({ ok: z.literal(true) }), '/auth/password', { method: 'PUT', body: { current, password } }),
  /** an administrator changes someone's role and scope */
  updateUser: (username: string, u: { role: string; regions: string[]; schoolId?: string }) =>
    call(User, `/users/${encodeURIComponent(username)}`, { method: 'PUT', body: u }),
  /** an administrator sets someone's password (a forgotten one); their sessions end */
  setPassword: (username: string, password: string) =>
    call(z.object({ ok: z.literal(true) }), `/users/${encodeURIComponent(username)}/password`, {
      method: 'PUT',
      body: { password },
    }),
  /** the audit log, newest first (admins), filtered by action, user or camera; days from the archive */
  audit: (q: { limit: number; action?: string; username?: string; cameraId?: string; from?: string; to?: string }) =>
    call(
      z.array(AuditEntry),
      `/audit?${new URLSearchParams(
        Object.entries(q)
          .filter((e) => e[1] !== undefined && e[1] !== '')
          .map(([k, v]) => [k, String(v)]),
      ).toString()}`,
    ),
  /** a closed school out of the registry (admins); refused with every reason while an agent or user is of it */
  removeSchool: (id: string) =>
    call(z.object({ cameras: z.number(), alertsResolved: z.number() }), `/schools/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    }),
  /** the school registry from a file's text: a schools CSV or the JSON registry (all or nothing) */
  importRegistry: (text: string, kind: 'csv' | 'json') =>
    call(RegistryImportResult, '/registry', {
      method: 'POST',
      raw: { type: kind === 'csv' ? 'text/csv' : 'application/json', text },
    }),
  alerting: () => call(AlertingConfig, '/alerting'),
  regionPaging: (code: string) => call(RegionPaging, `/regions/${encodeURIComponent(code)}/paging`),
  schoolContacts: (id: string) => call(SchoolContacts, `/schools/${encodeURIComponent(id)}/contacts`),
  saveSchoolContacts: (id: string, contacts: NotifyTarget[]) =>
    call(SchoolContacts, `/schools/${encodeURIComponent(id)}/contacts`, { method: 'PUT', body: { contacts } }),
  testNotification: (target: NotifyTarget) =>
    call(z.object({ delivered: z.boolean(), reason: z.string().optional() }), '/alerting/test', {
      method: 'POST',
      body: { target },
    }),
  /** a test message to one of a school's saved contacts (its staff, its region's operators, admins) */
  testSchoolContact: (id: string, target: NotifyTarget) =>
    call(
      z.object({ delivered: z.boolean(), reason: z.string().optional() }),
      `/schools/${encodeURIComponent(id)}/contacts/test`,
      { method: 'POST', body: { target } },
    ),
  /** the alerting configuration's versions, newest first (admins) */
  alertingVersions: (limit = 50) => call(AlertingVersions, `/alerting/versions?limit=${limit}`),
  /**
   * an earlier version of the alerting configuration brought back as `version` (the current one + 1); `drop`: what it
   * names that is gone since (or no longer allowed) is left out rather than refused
   */
  restoreAlerting: (n: number, version: number, drop = false) =>
    call(z.object({ version: z.number() }), `/alerting/versions/${n}/restore`, {
      method: 'POST',
      body: { version, drop },
    }),
  saveAlerting: (doc: AlertingConfig) =>
    call(z.object({ version: z.number() }), '/alerting', { method: 'PUT', body: doc }),
  saveRequirements: (doc: unknown) =>
    call(z.object({ version: z.number(), schools: z.number() }), '/requirements', { method: 'PUT', body: doc }),
};

/** a scope (none: the country) and a period of the compliance archive */
export interface ArchiveQuery {
  region?: string;
  district?: string;
  school?: string;
  from: string;
  to: string;
}
export const archiveParams = (q: ArchiveQuery & { lang?: string }) =>
  new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => Boolean(e[1]))).toString();
/** where an export of the archive downloads from (a plain link: the browser streams it to a file) */
export const exportUrl = (format: 'csv' | 'pdf', q: ArchiveQuery & { lang: string }) =>
  `/api/v1/exports/compliance.${format}?${archiveParams(q)}`;

export { LiveServerFrame };
