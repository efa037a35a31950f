import type { ServerFrame } from '@kuzet/protocol';
import type { ObjectStore } from '../repositories/object-store.ts';
import type { StateRepository } from '../repositories/state.ts';
import type { DeltaBus } from './bus.ts';
import { snapshotKey } from './ingest.ts';
import { referenceKey } from './picture-lifecycle.ts';

type ReferenceFrame = Extract<ServerFrame, { type: 'reference' }>;

/**
 * Reference views (issue 16): staff confirm that a camera's latest picture shows what it must watch; that picture
 * becomes the camera's reference, kept in the object store until replaced, and its agent compares each deep check's
 * picture with it (scene_changed: turned away or moved). The agent is told at once on whichever instance holds its
 * link, and after every reconnect of what its hello did not name.
 */
export class ReferenceService {
  constructor(
    private readonly o: {
      store: ObjectStore;
      state: StateRepository;
      bus: DeltaBus;
    },
  ) {}

  /**
   * Makes the camera's latest picture its reference view: `snapshotAt` is the picture the person looked at, and if
   * the camera has sent a newer one since, nothing is confirmed (they must look at the new one first).
   */
  async confirm(
    cameraId: string,
    snapshotAt: string,
    by: string,
  ): Promise<{ ok: true } | { ok: false; why: 'no_picture' | 'changed' }> {
    const seen = async () => (await this.o.state.cameras([cameraId]))[0];
    const before = await seen();
    if (!before?.snapshotAt) return { ok: false, why: 'no_picture' };
    if (before.snapshotAt !== snapshotAt) return { ok: false, why: 'changed' };
    const pic = await this.o.store.get(snapshotKey(cameraId));
    if (!pic) return { ok: false, why: 'no_picture' };
    // the picture read must be the one confirmed: a deep check may have replaced it meanwhile
    if ((await seen())?.snapshotAt !== snapshotAt) return { ok: false, why: 'changed' };
    await this.o.store.put(referenceKey(cameraId), pic.body, pic.contentType);
    await this.o.state.setReference(cameraId, snapshotAt, by);
    await this.o.bus.publishControl({ kind: 'reference', cameraId, agentId: before.agentId });
    return { ok: true };
  }

  /** The reference picture (JPEG), if the camera has one. */
  async picture(cameraId: string): Promise<{ body: Buffer; contentType: string } | undefined> {
    return this.o.store.get(referenceKey(cameraId));
  }

  /** The frame that gives an agent a camera's reference view (undefined: the camera has none). */
  async frame(cameraId: string): Promise<ReferenceFrame | undefined> {
    const version = (await this.o.state.referenceVersions([cameraId])).get(cameraId);
    if (!version) return undefined;
    const pic = await this.picture(cameraId);
    if (!pic) return undefined;
    return { type: 'reference', cameraId, version, jpeg: pic.body.toString('base64') };
  }

  /**
   * After an agent's hello: the references of its school's cameras that it does not hold at their version, and a
   * drop for those it holds that have none (any more). Cameras of other schools it names are not its business.
   */
  async framesForHello(schoolId: string, held: Record<string, string>): Promise<ReferenceFrame[]> {
    const schoolCameraIds = await this.o.state.schoolCameraIds(schoolId);
    const versions = await this.o.state.referenceVersions(schoolCameraIds);
    const out: ReferenceFrame[] = [];
    for (const id of schoolCameraIds) {
      const v = versions.get(id);
      if (v && held[id] !== v) {
        const f = await this.frame(id);
        if (f) out.push(f);
      } else if (!v && held[id]) out.push({ type: 'reference', cameraId: id, version: held[id] });
    }
    return out;
  }
}
