import { AlertingConfig } from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { ObjectStore } from './object-store.ts';
import type { Keys } from './redis.ts';
import { parseDocument, readDocumentFile, VersionedDocument } from './versioned-doc.ts';

export const parseAlerting = (raw: unknown, where = 'alerting'): AlertingConfig =>
  parseDocument(AlertingConfig, 'alerting configuration', raw, where);

/** The configuration file (KUZET_ALERTING), validated; without one the defaults (version 0: any stored one wins). */
export const readAlertingFile = (file: string | undefined): AlertingConfig =>
  file ? readDocumentFile(AlertingConfig, 'alerting configuration', file) : AlertingConfig.parse({});

/**
 * The alerting configuration in force: rules, escalation, contacts (see VersionedDocument: Redis, every version in
 * the object store as `alerting/v<n>.json`, the file seeds it).
 */
export class AlertingRepository extends VersionedDocument<AlertingConfig> {
  constructor(redis: Redis, keys: Keys, store: ObjectStore) {
    super(redis, keys.alerting(), store, 'alerting/', (raw) => AlertingConfig.parse(raw));
  }
}
