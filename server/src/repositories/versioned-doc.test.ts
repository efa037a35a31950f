import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskObjectStore } from './object-store.ts';
import { VersionedDocument } from './versioned-doc.ts';

const dir = mkdtempSync(join(tmpdir(), 'kuzet-versions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** only the object store is read here (what a store that came back empty is rebuilt from) */
const noRedis = { defineCommand: () => undefined } as unknown as Redis;
const json = (o: object) => Buffer.from(JSON.stringify(o));

describe('the newest kept version (a Redis that came back empty is rebuilt from it)', () => {
  it('counts version 0, and never a record of who stored a version as a version', async () => {
    const store = new DiskObjectStore(dir);
    const doc = new VersionedDocument<{ version: number; x: string }>(
      noRedis,
      'k',
      store,
      'doc/',
      (raw) => raw as never,
    );
    expect(await doc.newestArchived()).toBeUndefined();
    await store.put('doc/v0.json', json({ version: 0, x: 'defaults' }), 'application/json');
    await store.put(
      'doc/log/v0.json',
      json({ version: 0, at: '2026-12-06T00:00:00.000Z', source: 'file' }),
      'application/json',
    );
    expect(await doc.newestArchived()).toEqual({ version: 0, x: 'defaults' });
    await store.put('doc/v2.json', json({ version: 2, x: 'second' }), 'application/json');
    await store.put(
      'doc/log/v7.json',
      json({ version: 7, at: '2026-12-06T00:00:00.000Z', source: 'edit' }),
      'application/json',
    );
    expect(await doc.newestArchived()).toEqual({ version: 2, x: 'second' });
  });
});
