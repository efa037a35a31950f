import { type AgentMessage, AgentMessage as AgentMessageSchema, PROTOCOL_VERSION } from '@kuzet/protocol';

/** Where the agent's protocol messages go: stdout now, the server link later. */
export interface MessageSink {
  /** o.routine: nothing anyone waits for (a sample, a periodic state, a reading): it may wait for a larger batch */
  send(msg: AgentMessage, o?: { routine?: boolean }): void;
  /** ends the batch being gathered: what was sent so far travels together, what comes next in another batch */
  flush?(): void;
  /** whether a camera picture would reach the centre now (pictures are never kept for later); absent: never */
  wantsSnapshots?(): boolean;
}

type Payload<T extends AgentMessage['type']> = Omit<
  Extract<AgentMessage, { type: T }>,
  'v' | 'agentId' | 'at' | 'type'
>;

/** Builds versioned, timestamped messages for one agent. */
export class MessageFactory {
  constructor(readonly agentId: string) {}
  make<T extends AgentMessage['type']>(type: T, payload: Payload<T>): AgentMessage {
    return {
      v: PROTOCOL_VERSION,
      agentId: this.agentId,
      at: new Date().toISOString(),
      type,
      ...payload,
    } as unknown as AgentMessage;
  }
}

/** NDJSON on a stream; every message is checked against the contract first (a bug here must not go out). */
export class NdjsonSink implements MessageSink {
  invalid = 0;
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}
  send(msg: AgentMessage): void {
    const r = AgentMessageSchema.safeParse(msg);
    if (!r.success) {
      this.invalid++;
      process.stderr.write(`kuzet-agent: dropped invalid ${msg.type} message: ${r.error.issues[0]?.message}\n`);
      return;
    }
    this.out.write(`${JSON.stringify(r.data)}\n`);
  }
}

/** Keeps messages in memory (tests, scan). */
export class MemorySink implements MessageSink {
  readonly messages: AgentMessage[] = [];
  /** how many messages had been sent at each flush (batch boundaries) */
  readonly flushes: number[] = [];
  flush(): void {
    this.flushes.push(this.messages.length);
  }
  private readonly listeners = new Set<(m: AgentMessage) => void>();
  send(msg: AgentMessage): void {
    AgentMessageSchema.parse(msg);
    this.messages.push(msg);
    for (const l of this.listeners) l(msg);
  }
  /** Resolves with the first message (already sent or future) that satisfies `pred`. */
  waitFor<M extends AgentMessage = AgentMessage>(pred: (m: AgentMessage) => boolean, timeoutMs = 30_000): Promise<M> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found as M);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(l);
        reject(new Error(`no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      const l = (m: AgentMessage) => {
        if (!pred(m)) return;
        clearTimeout(timer);
        this.listeners.delete(l);
        resolve(m as M);
      };
      this.listeners.add(l);
    });
  }
}
