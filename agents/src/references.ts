import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { thumbnailOf } from './probe/ffmpeg.ts';
import { THUMB_BYTES } from './probe/similarity.ts';
import { besideToken } from './status-file.ts';

/** where a linked agent keeps its cameras' reference views (next to its token and status) */
export const referencesFileOf = (tokenFile: string) => besideToken(tokenFile, 'references.json');

interface Reference {
  /** when the confirmed picture was taken (the centre's version of it) */
  version: string;
  thumb: Uint8Array;
}

/**
 * The cameras' reference views confirmed by staff at the centre, as the small greyscale pictures each deep check
 * compares with (probe/similarity.ts). Kept on disk (2 KB per camera) so that a restarted agent goes on checking
 * without asking; its hello names the versions it holds and the centre sends only what changed.
 */
export class ReferenceStore {
  private readonly refs = new Map<string, Reference>();

  constructor(private readonly file?: string) {
    if (!file) return;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { version: string; thumb: string }>;
      for (const [id, r] of Object.entries(saved)) {
        const thumb = new Uint8Array(Buffer.from(r.thumb, 'base64'));
        if (typeof r.version === 'string' && thumb.length === THUMB_BYTES)
          this.refs.set(id, { version: r.version, thumb });
      }
    } catch {
      /* none yet (or unreadable: the centre sends them again, as the hello names none) */
    }
  }

  get(cameraId: string): Uint8Array | undefined {
    return this.refs.get(cameraId)?.thumb;
  }

  /** camera → version, for the hello */
  versions(): Record<string, string> {
    return Object.fromEntries([...this.refs].map(([id, r]) => [id, r.version]));
  }

  /** A reference from the centre (base64 JPEG); without one, the camera has none any more. */
  async set(cameraId: string, version: string, jpegBase64?: string): Promise<void> {
    if (jpegBase64 === undefined) this.refs.delete(cameraId);
    else this.refs.set(cameraId, { version, thumb: await thumbnailOf(Buffer.from(jpegBase64, 'base64')) });
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    const out = Object.fromEntries(
      [...this.refs].map(([id, r]) => [id, { version: r.version, thumb: Buffer.from(r.thumb).toString('base64') }]),
    );
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(`${this.file}.tmp`, JSON.stringify(out));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
