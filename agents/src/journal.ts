import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AgentMessage, AgentMessage as AgentMessageSchema } from '@kuzet/protocol';

export interface JournaledBatch {
  seq: number;
  messages: AgentMessage[];
}

/**
 * The agent's store-and-forward journal: every batch is appended to disk before it is sent, and removed only when
 * the server has acknowledged it. Survives restarts; bounded (the oldest batches go first, and are counted).
 */
export class Journal {
  private readonly file: string;
  private readonly stateFile: string;
  private batches: JournaledBatch[] = [];
  private bytes = 0;
  lastSeq = 0;
  ackedSeq = 0;
  /** made with the journal: a reinstalled agent's fresh journal has another, so the centre restarts its sequence */
  id = '';
  dropped = 0;
  unreadable = 0;

  constructor(
    dir: string,
    private readonly maxBytes = 64 * 1024 * 1024,
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
        const b = JSON.parse(line) as JournaledBatch;
        const messages = b.messages.filter((m) => AgentMessageSchema.safeParse(m).success);
        if (!Number.isInteger(b.seq) || b.seq <= this.ackedSeq || messages.length === 0) continue;
        this.batches.push({ seq: b.seq, messages });
        this.bytes += line.length + 1;
        this.lastSeq = Math.max(this.lastSeq, b.seq);
      } catch {
        this.unreadable++; // a torn last line after a crash
      }
    }
    this.rewrite();
  }

  get pending(): readonly JournaledBatch[] {
    return this.batches;
  }

  /** Appends a new batch (durably) and returns it with its sequence number. */
  append(messages: AgentMessage[]): JournaledBatch {
    const batch = { seq: ++this.lastSeq, messages };
    const line = `${JSON.stringify(batch)}\n`;
    appendFileSync(this.file, line);
    this.batches.push(batch);
    this.bytes += line.length;
    this.saveState();
    while (this.bytes > this.maxBytes && this.batches.length > 1) {
      const old = this.batches.shift()!;
      this.bytes -= JSON.stringify(old).length + 1;
      this.dropped++;
      this.ackedSeq = Math.max(this.ackedSeq, old.seq);
    }
    if (this.dropped && this.bytes > this.maxBytes * 0.9) this.rewrite();
    return batch;
  }

  /** The server has everything up to seq. */
  ack(seq: number): void {
    if (seq <= this.ackedSeq) return;
    this.ackedSeq = Math.min(seq, this.lastSeq);
    const before = this.batches.length;
    this.batches = this.batches.filter((b) => b.seq > this.ackedSeq);
    if (this.batches.length !== before) {
      if (this.batches.length === 0) {
        writeFileSync(this.file, '');
        this.bytes = 0;
      } else if (before - this.batches.length > 64) this.rewrite();
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
    const text = this.batches.map((b) => `${JSON.stringify(b)}\n`).join('');
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
