import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeStream } from './rtsp.ts';

const creds = { username: 'admin', password: 'secret' };
let server: net.Server | undefined;
const sockets = new Set<net.Socket>();

/** A camera's RTSP port whose connections `serve` handles. */
async function camera(serve: (socket: net.Socket) => void): Promise<number> {
  server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    serve(socket);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

const challenge =
  'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Digest realm="cam", nonce="abc123"\r\nConnection: close\r\n\r\n';

describe('describeStream', () => {
  it('a camera that closes the connection after its 401 (some firmwares do) is a failed check, not a check that never ends', async () => {
    const port = await camera((socket) => socket.once('data', () => socket.end(challenge)));
    const t0 = Date.now();
    const r = await describeStream(`rtsp://127.0.0.1:${port}/stream1`, creds, 2000);
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('rtsp_down');
    expect(r.detail).toMatch(/closed/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('a camera that accepts the connection and never answers fails at the timeout', async () => {
    const port = await camera(() => {});
    const r = await describeStream(`rtsp://127.0.0.1:${port}/stream1`, creds, 300);
    expect(r).toMatchObject({ ok: false, reason: 'rtsp_down' });
    expect(r.detail).toMatch(/timeout/);
  });

  it('a camera whose port is closed is rtsp_down at once', async () => {
    const port = await camera(() => {});
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const r = await describeStream(`rtsp://127.0.0.1:${port}/stream1`, creds, 2000);
    expect(r).toMatchObject({ ok: false, reason: 'rtsp_down' });
  });
});
