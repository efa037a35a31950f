import { RequirementsDoc } from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { ObjectStore } from './object-store.ts';
import type { Keys } from './redis.ts';
import { parseDocument, readDocumentFile, VersionedDocument } from './versioned-doc.ts';

export { DocumentError as RequirementsError } from './versioned-doc.ts';

export const parseRequirements = (raw: unknown, where = 'requirements'): RequirementsDoc =>
  parseDocument(RequirementsDoc, 'requirements', raw, where);

export const readRequirementsFile = (file: string): RequirementsDoc =>
  readDocumentFile(RequirementsDoc, 'requirements', file);

/** The requirement document in force (see VersionedDocument: Redis, every version in the object store). */
export class RequirementsRepository extends VersionedDocument<RequirementsDoc> {
  constructor(redis: Redis, keys: Keys, store: ObjectStore) {
    super(redis, keys.requirements(), store, 'requirements/', (raw) => RequirementsDoc.parse(raw));
  }
}
