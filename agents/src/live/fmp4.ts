/**
 * Splits ffmpeg's fragmented MP4 output (a byte stream, cut anywhere) into the pieces a player appends: the
 * initialisation segment (ftyp + moov) and each media fragment (moof + mdat), telling which fragments start with a
 * key frame (a viewer who joins late starts there). ISO/IEC 14496-12: boxes are size (32-bit, or 1 and a 64-bit
 * size after the type) + type; a trun's first-sample flags, or else the tfhd's default sample flags, carry
 * sample_is_non_sync_sample (0x10000).
 */
export type Piece = { kind: 'init'; data: Buffer } | { kind: 'fragment'; key: boolean; data: Buffer };

/** boxes larger than this are not a live stream's (a 4K I-frame is a few MB): the input is broken */
const MAX_BOX = 32 * 1024 * 1024;

export class Fmp4Splitter {
  private buf: Buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private pendingType?: 'init' | 'fragment';

  /** Feeds bytes; returns every piece completed by them. Throws on input that is not fragmented MP4. */
  push(chunk: Buffer): Piece[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Piece[] = [];
    for (;;) {
      if (this.buf.length < 8) break;
      let size = this.buf.readUInt32BE(0);
      const type = this.buf.toString('latin1', 4, 8);
      if (size === 1) {
        if (this.buf.length < 16) break;
        size = Number(this.buf.readBigUInt64BE(8));
      }
      if (size < 8 || size > MAX_BOX)
        throw new Error(`not fragmented MP4: box ${JSON.stringify(type)} of ${size} bytes`);
      if (this.buf.length < size) break;
      const box = this.buf.subarray(0, size);
      this.buf = this.buf.subarray(size);
      const piece = this.box(type, box);
      if (piece) out.push(piece);
    }
    return out;
  }

  private box(type: string, box: Buffer): Piece | undefined {
    if (type === 'ftyp') {
      this.pending = [box];
      this.pendingType = 'init';
      return undefined;
    }
    if (type === 'moov' && this.pendingType === 'init') {
      const data = Buffer.concat([...this.pending, box]);
      this.pending = [];
      this.pendingType = undefined;
      return { kind: 'init', data };
    }
    if (type === 'moof') {
      this.pending = [box];
      this.pendingType = 'fragment';
      return undefined;
    }
    if (type === 'mdat' && this.pendingType === 'fragment') {
      const moof = this.pending[0]!;
      this.pending = [];
      this.pendingType = undefined;
      return { kind: 'fragment', key: startsWithKeyFrame(moof), data: Buffer.concat([moof, box]) };
    }
    return undefined; // styp, sidx, free, mfra: nothing a player needs
  }
}

/** The child boxes of a container box's payload. */
function* children(b: Buffer, start: number, end: number): Generator<{ type: string; at: number; size: number }> {
  let at = start;
  while (at + 8 <= end) {
    const size = b.readUInt32BE(at);
    if (size < 8 || at + size > end) return;
    yield { type: b.toString('latin1', at + 4, at + 8), at, size };
    at += size;
  }
}

const NON_SYNC = 0x10000;

/** Whether a fragment's first sample is a key frame (moof → traf → trun first-sample flags, else tfhd defaults). */
export function startsWithKeyFrame(moof: Buffer): boolean {
  for (const traf of children(moof, 8, moof.length)) {
    if (traf.type !== 'traf') continue;
    let defaults: number | undefined;
    for (const c of children(moof, traf.at + 8, traf.at + traf.size)) {
      const flags = moof.readUInt32BE(c.at + 8) & 0xffffff;
      if (c.type === 'tfhd') {
        // track_ID, then optional fields in this order: base offset (8), description index, duration, size, flags
        let p = c.at + 16;
        if (flags & 0x1) p += 8;
        if (flags & 0x2) p += 4;
        if (flags & 0x8) p += 4;
        if (flags & 0x10) p += 4;
        if (flags & 0x20) defaults = moof.readUInt32BE(p);
      } else if (c.type === 'trun') {
        // sample_count, optional data_offset, optional first_sample_flags, then per-sample fields
        let p = c.at + 16;
        if (flags & 0x1) p += 4;
        if (flags & 0x4) return (moof.readUInt32BE(p) & NON_SYNC) === 0;
        if (flags & 0x400) {
          if (flags & 0x100) p += 4;
          if (flags & 0x200) p += 4;
          return (moof.readUInt32BE(p) & NON_SYNC) === 0;
        }
        if (defaults !== undefined) return (defaults & NON_SYNC) === 0;
      }
    }
  }
  return false;
}

/** The MSE codec string (avc1.PPCCLL) from the init segment's avcC box; undefined when the video is not H.264. */
export function codecOf(init: Buffer): string | undefined {
  const at = init.indexOf('avcC', 0, 'latin1');
  if (at < 0 || at + 8 > init.length) return undefined;
  return `avc1.${init
    .subarray(at + 5, at + 8)
    .toString('hex')
    .toUpperCase()}`;
}

/** The video's size from the init segment's tkhd (16.16 fixed point at its end). */
export function sizeOf(init: Buffer): { width: number; height: number } | undefined {
  const at = init.indexOf('tkhd', 0, 'latin1');
  if (at < 4) return undefined;
  const end = at - 4 + init.readUInt32BE(at - 4);
  if (end > init.length) return undefined;
  return { width: init.readUInt32BE(end - 8) >>> 16, height: init.readUInt32BE(end - 4) >>> 16 };
}
