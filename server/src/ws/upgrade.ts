import type { Duplex } from 'node:stream';
import type { RawData } from 'ws';

/** A websocket message's bytes, whatever shape ws handed them over in. */
export const asBuffer = (d: RawData): Buffer =>
  Buffer.isBuffer(d) ? d : Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d as ArrayBuffer);

/** Refuses an upgrade with a bare HTTP status (e.g. '401 Unauthorized') and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** JSON from a peer: undefined when it is not JSON (never a throw inside a socket's listener). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
