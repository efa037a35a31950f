import type { AgentFrame, ServerFrame } from '@kuzet/protocol';
import WebSocket from 'ws';
import { waitFor } from './helpers.ts';

/** A protocol-level agent: no cameras, just frames, over the real agent link. */
export class FakeAgent {
  ws!: WebSocket;
  frames: ServerFrame[] = [];
  closed?: number;
  seq = 0;
  /** the reference views its hello says it holds (camera → version) */
  references?: Record<string, string>;
  constructor(
    readonly url: string,
    readonly token: string,
    readonly agentId: string,
    /** the journal this agent numbers in (a reinstalled agent has a new one); none: an agent that names none */
    public journalId: string | null = 'fake-journal-1',
  ) {}
  async connect(): Promise<void> {
    this.frames = [];
    this.closed = undefined;
    this.ws = new WebSocket(this.url, { headers: { authorization: `Bearer ${this.token}` } });
    this.ws.on('message', (d) => this.frames.push(JSON.parse(String(d))));
    // a live agent pings; a dead uplink stops everything
    const ping = setInterval(() => {
      if (this.ws.readyState === WebSocket.OPEN) this.send({ type: 'ping', t: Date.now() });
    }, 500);
    this.ws.on('close', (code) => {
      clearInterval(ping);
      this.closed = code;
    });
    await new Promise((r, j) => {
      this.ws.once('open', r);
      this.ws.once('error', j);
    });
    this.send({
      type: 'hello',
      v: 1,
      agentId: this.agentId,
      lastSeq: this.seq,
      ...(this.journalId ? { journalId: this.journalId } : {}),
      ...(this.references ? { references: this.references } : {}),
    });
    await waitFor(() => this.frames.find((f) => f.type === 'welcome'), 5000, 'welcome');
  }
  send(f: AgentFrame | object): void {
    this.ws.send(JSON.stringify(f));
  }
  /** the welcome's ackedSeq: what the server holds for this agent */
  get ackedSeq(): number | undefined {
    const w = this.frames.find((f) => f.type === 'welcome');
    return w?.type === 'welcome' ? w.ackedSeq : undefined;
  }
  /** Any agent messages (the envelope's v, agentId and at added), as one batch; resolves on its ack. */
  async messages(msgs: ({ type: string; at?: string } & Record<string, unknown>)[], seq = ++this.seq): Promise<void> {
    const now = new Date().toISOString();
    this.send({ type: 'batch', seq, messages: msgs.map((m) => ({ v: 1, agentId: this.agentId, at: now, ...m })) });
    await waitFor(() => this.frames.find((f) => f.type === 'ack' && f.seq === seq), 5000, `ack ${seq}`);
  }
  async batch(
    states: { cam: string; status: string; reasons?: string[]; at?: string; since?: string }[],
    seq = ++this.seq,
  ): Promise<void> {
    const now = new Date().toISOString();
    const messages = states.map((s) => ({
      v: 1,
      agentId: this.agentId,
      at: s.at ?? now,
      type: 'state',
      state: {
        cameraId: s.cam,
        at: s.at ?? now,
        status: s.status,
        reasons: s.reasons ?? [],
        since: s.since ?? s.at ?? now,
      },
    }));
    this.send({ type: 'batch', seq, messages });
    await waitFor(() => this.frames.find((f) => f.type === 'ack' && f.seq === seq), 5000, `ack ${seq}`);
  }
}

type AdminApi = {
  post(p: string, b?: unknown): Promise<{ status: number; json: { code?: string; token?: string } }>;
};

/** Enrols an agent of a school through the API (admin): an enrolment code, exchanged for the agent's token. */
export async function enrolAgent(api: AdminApi, schoolId: string, agentId: string): Promise<string> {
  const code = (await api.post('/enrolment-codes', { schoolId, agentId })).json.code;
  return (await api.post('/enrol', { code })).json.token!;
}

/** Enrols an agent of a school through the API (admin) and connects it. */
export async function enrolFakeAgent(
  api: AdminApi,
  base: string,
  schoolId: string,
  agentId: string,
): Promise<FakeAgent> {
  const a = new FakeAgent(
    `${base.replace('http', 'ws')}/agent/link`,
    await enrolAgent(api, schoolId, agentId),
    agentId,
  );
  await a.connect();
  return a;
}
