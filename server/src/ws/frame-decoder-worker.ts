/** A frame-decoding thread (see frame-decoder.ts): text frames in, decoded frames out, in the order received. */
import { parentPort } from 'node:worker_threads';
import { decodeAgentFrame } from '../services/frame-decode.ts';

const utf8 = new TextDecoder();
parentPort!.on('message', (m: { id: number; agentId: string; data: Uint8Array }) => {
  parentPort!.postMessage({ id: m.id, r: decodeAgentFrame(utf8.decode(m.data), m.agentId) });
});
