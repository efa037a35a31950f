import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { type AgentMessage, AgentMessage as AgentMessageSchema } from '@kuzet/protocol';

export interface JournaledBatch {
  seq: number;
  messages: AgentMessage[];
}

/**
 * One pending batch as it is kept: its sequence number and its messages compressed (deflate, base64), exactly as
 * on disk. A week-long outage of a 33-camera school is ~3.5 million messages: kept as objects they would take
 * gigabytes of the agent's memory; compressed they take ~45 MB (bench: agent journal). Decoded only when sent.
 */
export class PendingBatch {
  constructor(
    public seq: number,
    readonly data: string,
    readonly count: number,
  ) {}
  get messages(): AgentMessage[] {
    return JSON.parse(inflateRawSync(Buffer.from(this.data, 'base64')).toString('utf8')) as AgentMessage[];
  }
  get line(): string {
    return `z${this.seq} ${this.data}\n`;
  }
  static of(seq: number, messages: AgentMessage[]): PendingBatch {
    return new PendingBatch(seq, deflateRawSync(JSON.stringify(messages)).toString('base64'), messages.length);
  }
}

/**
 * The agent's store-and-forward journal: every batch is appended to disk before it is sent, and removed only when
 * the server has acknowledged it. Survives restarts; bounded (the oldest batches go first, and are counted).
 * Lines are `z<seq> <base64 of deflated JSON messages>`; plain JSON lines of older agents are read too.
 */
export class Journal {
  private readonly file: string;
  private readonly stateFile: string;
  private batches: PendingBatch[] = [];
  private bytes = 0;
  lastSeq = 0;
  ackedSeq = 0;
  /** made with the journal: a reinstalled agent's fresh journal has another, so the centre restarts its sequence */
  id = '';
  dropped = 0;
  unreadable = 0;

  constructor(
    dir: string,
    private readonly maxBytes = 128 * 1024 * 1024,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'journal.ndjson');
    this.stateFile = join(dir, 'journal.state.json');
    this.load();
  }

  private load(): void {
    if (existsSync(this.stateFile)) {
      const s = JSON.parse(readFileSync(this.stateFile, 'utf8')) as {
        lastSeq?: number;
        ackedSeq?: number;
        id?: string;
      };
      this.lastSeq = s.lastSeq ?? 0;
      this.ackedSeq = s.ackedSeq ?? 0;
      this.id = s.id ?? '';
    }
    if (!this.id) {
      this.id = randomBytes(12).toString('base64url');
      this.saveState();
    }
    if (!existsSync(this.file)) return;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const b = parseLine(line);
        if (!Number.isInteger(b.seq) || b.seq <= this.ackedSeq) continue;
        const messages = b.messages.filter((m) => AgentMessageSchema.safeParse(m).success);
        if (messages.length === 0) continue;
        const p = b.data && messages.length === b.messages.length ? b.data : PendingBatch.of(b.seq, messages);
        this.batches.push(p);
        this.bytes += p.line.length;
        this.lastSeq = Math.max(this.lastSeq, b.seq);
      } catch {
        this.unreadable++; // a torn last line after a crash
      }
    }
    this.rewrite();
  }

  get pending(): readonly PendingBatch[] {
    return this.batches;
  }

  /** Appends a new batch (durably) and returns it with its sequence number. */
  append(messages: AgentMessage[]): JournaledBatch {
    const seq = ++this.lastSeq;
    const p = PendingBatch.of(seq, messages);
    const line = p.line;
    appendFileSync(this.file, line);
    this.batches.push(p);
    this.bytes += line.length;
    this.saveState();
    while (this.bytes > this.maxBytes && this.batches.length > 1) {
      const old = this.batches.shift()!;
      this.bytes -= old.line.length;
      this.dropped++;
      this.ackedSeq = Math.max(this.ackedSeq, old.seq);
    }
    if (this.dropped && this.bytes > this.maxBytes * 0.9) this.rewrite();
    return { seq, messages };
  }

  /** The server has everything up to seq. */
  ack(seq: number): void {
    if (seq <= this.ackedSeq) return;
    this.ackedSeq = Math.min(seq, this.lastSeq);
    let n = 0;
    while (n < this.batches.length && this.batches[n]!.seq <= this.ackedSeq) n++;
    if (n) {
      for (const b of this.batches.slice(0, n)) this.bytes -= b.line.length;
      this.batches = this.batches.slice(n);
      if (this.batches.length === 0) {
        writeFileSync(this.file, '');
        this.bytes = 0;
      } else if (n > 64) this.rewrite();
    }
    this.saveState();
  }

  /**
   * The centre has stored up to `storedSeq`, above anything this journal numbered (its state was restored from an
   * older copy, or it was reset while the centre kept counting): pending batches are renumbered above it, so that
   * none is taken for a resend of something stored. Returns how many were renumbered.
   */
  rebase(storedSeq: number): number {
    if (storedSeq <= this.lastSeq) return 0;
    let seq = storedSeq;
    for (const b of this.batches) b.seq = ++seq;
    this.ackedSeq = storedSeq;
    this.lastSeq = seq;
    this.rewrite();
    this.saveState();
    return this.batches.length;
  }

  private rewrite(): void {
    const text = this.batches.map((b) => b.line).join('');
    writeFileSync(`${this.file}.tmp`, text);
    renameSync(`${this.file}.tmp`, this.file);
    this.bytes = text.length;
  }

  private saveState(): void {
    writeFileSync(
      `${this.stateFile}.tmp`,
      JSON.stringify({ lastSeq: this.lastSeq, ackedSeq: this.ackedSeq, id: this.id }),
    );
    renameSync(`${this.stateFile}.tmp`, this.stateFile);
  }

  sizeBytes(): number {
    return existsSync(this.file) ? statSync(this.file).size : 0;
  }
}

/** A journal line: compressed (`z<seq> <base64>`) or plain JSON (`{"seq":…,"messages":[…]}`, older agents). */
function parseLine(line: string): { seq: number; messages: AgentMessage[]; data?: PendingBatch } {
  if (line.startsWith('z')) {
    const space = line.indexOf(' ');
    const seq = Number(line.slice(1, space));
    const data = line.slice(space + 1);
    const p = new PendingBatch(seq, data, 0);
    const messages = p.messages;
    return { seq, messages, data: new PendingBatch(seq, data, messages.length) };
  }
  const b = JSON.parse(line) as JournaledBatch;
  return { seq: b.seq, messages: b.messages };
}
