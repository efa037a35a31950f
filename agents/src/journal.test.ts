import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from './journal.ts';
import { MessageFactory } from './output.ts';

const m = new MessageFactory('agent-1');
const hb = () => m.make('heartbeat', { uptimeSeconds: 1, cameras: 0, checksInFlight: 0, rssMb: 1 });

describe('journal identity and numbering', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'kuzet-journal-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('keeps its id across restarts; a new journal gets another', () => {
    const d = dir();
    const a = new Journal(d);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    a.append([hb()]);
    expect(new Journal(d).id).toBe(a.id);
    expect(new Journal(dir()).id).not.toBe(a.id);
  });

  it('renumbers pending batches above what the centre has stored, durably, never below it', () => {
    const d = dir();
    const j = new Journal(d);
    for (let i = 0; i < 3; i++) j.append([hb()]);
    j.ack(1);
    expect(j.rebase(2)).toBe(0); // not above what it numbered: nothing to do
    expect(j.rebase(40)).toBe(2);
    expect(j.pending.map((b) => b.seq)).toEqual([41, 42]);
    expect([j.ackedSeq, j.lastSeq]).toEqual([40, 42]);
    expect(j.append([hb()]).seq).toBe(43);
    const again = new Journal(d);
    expect(again.pending.map((b) => b.seq)).toEqual([41, 42, 43]);
    expect(JSON.parse(readFileSync(join(d, 'journal.state.json'), 'utf8'))).toMatchObject({
      lastSeq: 43,
      ackedSeq: 40,
    });
  });

  it("reads an older agent's plain JSON lines and keeps them, compressed", () => {
    const d = dir();
    const old = { seq: 7, messages: [hb(), hb()] };
    writeFileSync(join(d, 'journal.ndjson'), `${JSON.stringify(old)}\n{"seq": 8, "messages": [tor`);
    writeFileSync(join(d, 'journal.state.json'), JSON.stringify({ lastSeq: 8, ackedSeq: 6 }));
    const j = new Journal(d);
    expect(j.pending.map((b) => [b.seq, b.messages.length])).toEqual([[7, 2]]);
    expect(j.unreadable).toBe(1);
    expect(readFileSync(join(d, 'journal.ndjson'), 'utf8')).toMatch(/^z7 /);
    expect(new Journal(d).pending[0]!.messages).toEqual(old.messages);
  });
});
