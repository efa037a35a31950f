/** A frame-decoding thread (see frame-decoder.ts): text frames in, decoded frames out, in the order received. */
import { parentPort } from 'node:worker_threads';
import { decodeAgentFrame } from '../services/frame-decode.ts';

const utf8 = new TextDecoder();
parentPort!.on('message', (m: { id: number; agentId: string; data: Uint8Array; received: number }) => {
  const r = decodeAgentFrame(utf8.decode(m.data), m.agentId, m.received);
  // a packed batch's buffer is handed over, not copied
  parentPort!.postMessage({ id: m.id, r }, 'cameras' in r ? [r.cameras.ops.packed.buffer as ArrayBuffer] : []);
});
