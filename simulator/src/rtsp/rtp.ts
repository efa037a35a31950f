/** RTP packetisation of H.264 (RFC 6184): single NAL unit packets and FU-A fragments. */
export const RTP_PAYLOAD_TYPE = 96;
const MAX_PAYLOAD = 1400;

export class RtpPacketizer {
  private seq: number;
  readonly ssrc: number;

  constructor() {
    this.seq = Math.floor(Math.random() * 0xffff);
    this.ssrc = Math.floor(Math.random() * 0xffffffff) >>> 0;
  }

  private header(marker: boolean, timestamp: number): Buffer {
    const h = Buffer.allocUnsafe(12);
    h[0] = 0x80;
    h[1] = (marker ? 0x80 : 0) | RTP_PAYLOAD_TYPE;
    h.writeUInt16BE(this.seq, 2);
    this.seq = (this.seq + 1) & 0xffff;
    h.writeUInt32BE(timestamp >>> 0, 4);
    h.writeUInt32BE(this.ssrc, 8);
    return h;
  }

  /** All RTP packets for one access unit; the marker bit is set on the last one. */
  packetize(frame: Buffer[], timestamp: number): Buffer[] {
    const packets: Buffer[] = [];
    frame.forEach((nal, n) => {
      const lastNal = n === frame.length - 1;
      if (nal.length <= MAX_PAYLOAD) {
        packets.push(Buffer.concat([this.header(lastNal, timestamp), nal]));
        return;
      }
      const nalHeader = nal[0]!;
      const indicator = (nalHeader & 0xe0) | 28;
      const type = nalHeader & 0x1f;
      for (let off = 1; off < nal.length; off += MAX_PAYLOAD) {
        const end = Math.min(off + MAX_PAYLOAD, nal.length);
        const first = off === 1;
        const last = end === nal.length;
        const fu = Buffer.from([indicator, (first ? 0x80 : 0) | (last ? 0x40 : 0) | type]);
        packets.push(Buffer.concat([this.header(lastNal && last, timestamp), fu, nal.subarray(off, end)]));
      }
    });
    return packets;
  }
}
