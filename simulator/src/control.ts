import http from 'node:http';
import { z } from 'zod';
import { FaultPatch } from './config.ts';
import type { Simulator } from './simulator.ts';

const Readdress = z.object({ host: z.ipv4() }).strict();

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(json);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  let data = '';
  for await (const c of req) {
    data += c;
    if (data.length > 64 * 1024) throw new Error('body too large');
  }
  return data ? JSON.parse(data) : {};
}

/**
 * Run-time control of the simulator (fault injection), for tests, the demo and `kuzet-sim fault`:
 *   GET    /cameras                      list with current faults
 *   GET    /cameras/:name
 *   PATCH  /cameras/:name/faults         body: fault patch, e.g. {"offline":true}
 *   DELETE /cameras/:name/faults         clear all faults
 *   POST   /cameras/:name/address        body: {"host":"127.0.1.9"} move the camera to another IP
 */
export function startControlServer(sim: Simulator, host: string, port: number): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const parts = url.pathname.split('/').filter(Boolean);
      if (parts[0] !== 'cameras') return send(res, 404, { error: 'not found' });
      if (parts.length === 1 && req.method === 'GET') return send(res, 200, sim.list());
      const name = parts[1]!;
      if (!sim.cameras.has(name)) return send(res, 404, { error: `no camera ${name}` });
      if (parts.length === 2 && req.method === 'GET') return send(res, 200, sim.view(sim.camera(name)));
      if (parts[2] === 'faults' && req.method === 'PATCH') {
        const patch = FaultPatch.safeParse(await readJson(req));
        if (!patch.success) return send(res, 400, { error: z.prettifyError(patch.error) });
        return send(res, 200, await sim.setFaults(name, patch.data));
      }
      if (parts[2] === 'faults' && req.method === 'DELETE') return send(res, 200, await sim.setFaults(name, 'clear'));
      if (parts[2] === 'address' && req.method === 'POST') {
        const body = Readdress.safeParse(await readJson(req));
        if (!body.success) return send(res, 400, { error: z.prettifyError(body.error) });
        return send(res, 200, await sim.readdress(name, body.data.host));
      }
      return send(res, 405, { error: 'method not allowed' });
    } catch (err) {
      return send(res, 400, { error: (err as Error).message });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
