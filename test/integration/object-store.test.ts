import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskObjectStore, type ObjectStore, S3ObjectStore } from '../../server/src/repositories/object-store.ts';
import { expirePictures } from '../../server/src/services/picture-lifecycle.ts';
import { startS3rver } from '../helpers.ts';

const jpeg = (n: number) => Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(n, n % 256)]);

/** The same contract for both stores: the server does not care which one it has. */
function contract(name: string, make: () => ObjectStore) {
  describe(name, () => {
    it('puts, gets, replaces and deletes an object with its content type', async () => {
      const s = make();
      expect(await s.get('snapshots/cam-0000000000000001.jpg')).toBeUndefined();
      await s.put('snapshots/cam-0000000000000001.jpg', jpeg(1000), 'image/jpeg');
      const got = await s.get('snapshots/cam-0000000000000001.jpg');
      expect(got?.contentType).toBe('image/jpeg');
      expect(got?.body.equals(jpeg(1000))).toBe(true);
      await s.put('snapshots/cam-0000000000000001.jpg', jpeg(7), 'image/jpeg'); // the latest replaces it
      expect((await s.get('snapshots/cam-0000000000000001.jpg'))?.body.equals(jpeg(7))).toBe(true);
      await s.delete('snapshots/cam-0000000000000001.jpg');
      expect(await s.get('snapshots/cam-0000000000000001.jpg')).toBeUndefined();
    });

    it('the pictures lifecycle deletes pictures older than it, keeps newer ones, and says whose went', async () => {
      const s = make();
      const key = (n: number) => `snapshots/cam-${n.toString(16).padStart(16, '0')}.jpg`;
      await s.put(key(0xa1), jpeg(10), 'image/jpeg');
      await s.put('agents/not-a-picture.json', Buffer.from('{}'), 'application/json');
      await new Promise((r) => setTimeout(r, 1500));
      await s.put(key(0xa2), jpeg(11), 'image/jpeg');
      const forgotten: string[] = [];
      const r = await expirePictures(s, 1000, async (ids) => void forgotten.push(...ids));
      expect(r).toEqual({ deleted: 1, kept: 1 });
      expect(forgotten).toEqual(['cam-00000000000000a1']);
      expect(await s.get(key(0xa1))).toBeUndefined();
      expect(await s.get(key(0xa2))).toBeDefined();
      expect(await s.get('agents/not-a-picture.json')).toBeDefined(); // only pictures have this lifecycle
      // the default lifecycle (7 days) keeps a fresh picture
      expect(await expirePictures(s, 7 * 86_400_000, async () => undefined)).toEqual({ deleted: 0, kept: 1 });
      await s.delete(key(0xa2));
      await s.delete('agents/not-a-picture.json');
    });

    it('refuses keys that could leave its place', async () => {
      const s = make();
      for (const key of ['../x.jpg', '/etc/passwd', 'a//b', 'snapshots/../../x', ''])
        await expect(s.put(key, jpeg(1), 'image/jpeg')).rejects.toThrow(/bad object key/);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'kuzet-objects-'));
contract('local disk store', () => new DiskObjectStore(dir));

let s3: S3rver | undefined;
let endpoint = '';
beforeAll(async () => {
  ({ s3, endpoint } = await startS3rver());
});
afterAll(async () => {
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});
contract(
  'S3 store (minio client against s3rver)',
  () =>
    new S3ObjectStore({
      endpoint,
      bucket: 'kuzet-test',
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      region: 'us-east-1',
    }),
);
