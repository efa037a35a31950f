import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Client } from 'minio';

/**
 * Where the centre keeps binary objects (camera pictures): an S3 bucket (MinIO in production, through the `minio`
 * client) or, by default, a directory on the server's disk behind the same interface. Keys are `a/b/c` paths.
 */
export interface ObjectStore {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** undefined when there is no such object */
  get(key: string): Promise<{ body: Buffer; contentType: string } | undefined>;
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix` (a folder such as `agents/`), in key order. */
  list(prefix: string): Promise<ObjectInfo[]>;
}

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

const KEY = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/i;
function checkKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`bad object key: ${key}`);
  return key;
}

/** Objects as files under one directory (written to a temporary name, then renamed: never half a picture). */
export class DiskObjectStore implements ObjectStore {
  private readonly root: string;
  constructor(dir: string) {
    this.root = resolve(dir);
  }

  private path(key: string): string {
    const p = resolve(join(this.root, checkKey(key)));
    if (!p.startsWith(this.root + sep)) throw new Error(`bad object key: ${key}`);
    return p;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    const tmp = `${p}.${process.pid}.tmp`;
    await writeFile(tmp, body);
    await writeFile(`${p}.type`, contentType);
    await rename(tmp, p);
  }

  async get(key: string): Promise<{ body: Buffer; contentType: string } | undefined> {
    const p = this.path(key);
    try {
      const [body, contentType] = await Promise.all([readFile(p), readFile(`${p}.type`, 'utf8')]);
      return { body, contentType };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const p = this.path(key);
    await rm(p, { force: true });
    await rm(`${p}.type`, { force: true });
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(join(dir, e.name), key);
        else if (!e.name.endsWith('.type') && !e.name.endsWith('.tmp') && key.startsWith(prefix)) {
          const st = await stat(join(dir, e.name));
          out.push({ key, size: st.size, lastModified: st.mtime });
        }
      }
    };
    // only the folders that can hold the prefix
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    await walk(folder ? join(this.root, folder) : this.root, folder);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

export interface S3Options {
  /** http(s)://host:port of the S3 endpoint */
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

/** Objects in an S3 bucket (MinIO, or any S3 endpoint) through the `minio` client; the bucket is made if missing. */
export class S3ObjectStore implements ObjectStore {
  private readonly client: Client;
  private ready?: Promise<void>;
  constructor(private readonly o: S3Options) {
    const u = new URL(o.endpoint);
    this.client = new Client({
      endPoint: u.hostname,
      port: u.port ? Number(u.port) : undefined,
      useSSL: u.protocol === 'https:',
      accessKey: o.accessKey,
      secretKey: o.secretKey,
      region: o.region,
      pathStyle: true,
    });
  }

  private bucket(): Promise<void> {
    this.ready ??= (async () => {
      if (!(await this.client.bucketExists(this.o.bucket))) await this.client.makeBucket(this.o.bucket, this.o.region);
    })().catch((err) => {
      this.ready = undefined; // try again next time
      throw err;
    });
    return this.ready;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.bucket();
    await this.client.putObject(this.o.bucket, checkKey(key), body, body.length, { 'Content-Type': contentType });
  }

  async get(key: string): Promise<{ body: Buffer; contentType: string } | undefined> {
    await this.bucket();
    try {
      const stat = await this.client.statObject(this.o.bucket, checkKey(key));
      const stream = await this.client.getObject(this.o.bucket, key);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      const type = stat.metaData?.['content-type'] ?? 'application/octet-stream';
      return { body: Buffer.concat(chunks), contentType: String(type) };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'NotFound' || code === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.bucket();
    await this.client.removeObject(this.o.bucket, checkKey(key));
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    await this.bucket();
    const out: ObjectInfo[] = [];
    for await (const o of this.client.listObjectsV2(this.o.bucket, prefix, true) as AsyncIterable<{
      name?: string;
      size?: number;
      lastModified?: Date;
    }>)
      if (o.name) out.push({ key: o.name, size: o.size ?? 0, lastModified: o.lastModified ?? new Date(0) });
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

/** The store a configuration names: an S3 bucket when it has an endpoint, else a directory on this server. */
export function objectStoreFor(o: { dir: string; s3?: S3Options }): ObjectStore {
  return o.s3 ? new S3ObjectStore(o.s3) : new DiskObjectStore(o.dir);
}
