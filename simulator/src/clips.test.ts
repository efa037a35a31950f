import { describe, expect, it } from 'vitest';
import { splitAnnexB, toFrames } from './clips.ts';
import { RtpPacketizer } from './rtsp/rtp.ts';

const nal = (type: number, len: number) => Buffer.concat([Buffer.from([0x60 | type]), Buffer.alloc(len - 1, 0xab)]);
const sc4 = Buffer.from([0, 0, 0, 1]);
const sc3 = Buffer.from([0, 0, 1]);

describe('Annex B splitting', () => {
  it('splits on 3- and 4-byte start codes and groups frames at AUDs', () => {
    const stream = Buffer.concat([
      sc4,
      nal(9, 2),
      sc4,
      nal(7, 10),
      sc3,
      nal(8, 4),
      sc3,
      nal(5, 50),
      sc4,
      nal(9, 2),
      sc3,
      nal(1, 20),
    ]);
    const nals = splitAnnexB(stream);
    expect(nals.map((n) => n[0]! & 0x1f)).toEqual([9, 7, 8, 5, 9, 1]);
    const { frames, sps, pps } = toFrames(nals);
    expect(frames.map((f) => f.map((n) => n[0]! & 0x1f))).toEqual([[7, 8, 5], [1]]);
    expect(sps?.length).toBe(10);
    expect(pps?.length).toBe(4);
  });
});

describe('RTP packetisation (RFC 6184)', () => {
  it('sends small NALs whole and fragments large ones as FU-A with the marker on the last packet', () => {
    const p = new RtpPacketizer();
    const packets = p.packetize([nal(7, 10), nal(5, 3000)], 9000);
    expect(packets).toHaveLength(1 + 3);
    expect(packets[0]![12]! & 0x1f).toBe(7);
    const fus = packets.slice(1);
    expect(fus.every((pk) => (pk[12]! & 0x1f) === 28)).toBe(true);
    expect(fus[0]![13]! & 0x80).toBe(0x80); // start bit
    expect(fus[2]![13]! & 0x40).toBe(0x40); // end bit
    expect(fus.map((pk) => pk[1]! & 0x80)).toEqual([0, 0, 0x80]);
    const reassembled = Buffer.concat(fus.map((pk) => pk.subarray(14)));
    expect(reassembled.length).toBe(2999);
    const seqs = packets.map((pk) => pk.readUInt16BE(2));
    expect(seqs.every((s, i) => i === 0 || s === ((seqs[i - 1]! + 1) & 0xffff))).toBe(true);
    expect(packets.every((pk) => pk.readUInt32BE(4) === 9000)).toBe(true);
  });
});
