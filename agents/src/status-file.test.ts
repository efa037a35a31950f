import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { besideToken, checkStatusFile, keepStatusFile } from './status-file.ts';

describe('agent status file', () => {
  it('is healthy while kept current, with the link state and journal; stale or missing is not', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kuzet-status-')), 'status.json');
    expect(checkStatusFile(file, 90_000).ok).toBe(false);
    let link: 'up' | 'down' = 'down';
    const keep = keepStatusFile(file, () => ({ link, pending: 3 }));
    const first = checkStatusFile(file, 90_000);
    expect(first).toEqual({
      ok: true,
      text: expect.stringMatching(/^ok: link down since .*, 3 batch\(es\) journaled$/),
    });
    link = 'up';
    keep.changed();
    expect(checkStatusFile(file, 90_000).text).toMatch(/^ok: link up/);
    keep.stop();
    const later = checkStatusFile(file, 90_000, Date.now() + 120_000);
    expect(later.ok).toBe(false);
    expect(later.text).toMatch(/s old \(pid \d+\): hung or stopped$/);
  });
});

describe("the agent's files beside its token", () => {
  it("are named as the package's layout has them, or after a token file of another name (the demo's three agents)", () => {
    expect(besideToken('/var/lib/kuzet/token', 'status.json')).toBe('/var/lib/kuzet/status.json');
    expect(besideToken('/srv/demo/agent-2.token', 'checks.json')).toBe('/srv/demo/agent-2.checks.json');
    expect(besideToken('/srv/demo/agent-3', 'references.json')).toBe('/srv/demo/agent-3.references.json');
  });
});
