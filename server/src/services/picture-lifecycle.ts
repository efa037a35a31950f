import type { ObjectStore } from '../repositories/object-store.ts';

/** where camera pictures live in the object store (one latest picture per camera: snapshotKey in ingest.ts) */
export const PICTURES_PREFIX = 'snapshots/';
/** where the confirmed reference views live: kept until replaced (never expired with the latest pictures) */
export const REFERENCES_PREFIX = 'references/';
export const referenceKey = (cameraId: string) => `${REFERENCES_PREFIX}${cameraId}.jpg`;

/**
 * Children appear in these pictures: none is kept longer than the lifecycle (KUZET_PICTURE_DAYS). Deletes every
 * picture last written before `now - maxAgeMs` (a camera that keeps working replaces its picture at each deep check,
 * so only pictures of cameras that stopped sending age out) and tells `forget` which cameras lost theirs, so no view
 * offers a picture that is gone. Works the same on the disk store and S3 (the ObjectStore contract).
 */
export async function expirePictures(
  store: ObjectStore,
  maxAgeMs: number,
  forget: (cameraIds: string[]) => Promise<void>,
  now = Date.now(),
): Promise<{ deleted: number; kept: number }> {
  const all = await store.list(PICTURES_PREFIX);
  const old = all.filter((o) => o.lastModified.getTime() < now - maxAgeMs);
  const gone: string[] = [];
  for (const o of old) {
    await store.delete(o.key);
    const m = /^snapshots\/(cam-[0-9a-f]{16})\.jpg$/.exec(o.key);
    if (m) gone.push(m[1]!);
  }
  if (gone.length) await forget(gone);
  return { deleted: old.length, kept: all.length - old.length };
}
