import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import YAML from 'yaml';
import { z } from 'zod';
import { FaultPatch, generateCameras, Personality, SimConfig } from './config.ts';
import { startControlServer } from './control.ts';
import { Simulator } from './simulator.ts';

const program = new Command('kuzet-sim').description('Kuzet ONVIF camera simulator (test infrastructure)');

function fail(msg: string): never {
  process.stderr.write(`kuzet-sim: ${msg}\n`);
  process.exit(1);
}

program
  .command('run')
  .description('run N simulated cameras (and NVRs) until SIGINT/SIGTERM')
  .option('-c, --config <file>', 'YAML/JSON simulator config')
  .option('-n, --cameras <n>', 'generate N cameras (1..512)', (v) => Number(v))
  .option('--base-port <port>', 'first port of generated cameras (ONVIF, RTSP, ... pairs)', (v) => Number(v), 20000)
  .option('--own-addresses', 'give each generated camera its own 127.0.x.y address')
  .option('--personalities <list>', 'comma-separated vendor personalities for generated cameras')
  .option('--resolution <WxH>', 'resolution of generated cameras', '1920x1080')
  .option('--fps <fps>', 'frame rate of generated cameras', (v) => Number(v), 15)
  .option('--password <pw>', 'password of generated cameras', 'camera-pass')
  .option('--control-port <port>', 'control API port', (v) => Number(v))
  .option('--interface <ipv4>', 'multicast interface address (default 127.0.0.1)')
  .action(async (o) => {
    let raw: Record<string, unknown> = {};
    let baseDir = process.cwd();
    if (o.config) {
      const file = resolve(o.config);
      raw = YAML.parse(readFileSync(file, 'utf8')) ?? {};
      baseDir = dirname(file);
    }
    if (o.cameras !== undefined) {
      if (!Number.isInteger(o.cameras) || o.cameras < 1 || o.cameras > 512) fail('--cameras must be 1..512');
      const [width, height] = String(o.resolution).split('x').map(Number);
      const personalities = o.personalities
        ? z.array(Personality).parse(String(o.personalities).split(','))
        : undefined;
      const gen = generateCameras({
        count: o.cameras,
        basePort: o.basePort,
        ownAddresses: Boolean(o.ownAddresses),
        personalities,
        width,
        height,
        fps: o.fps,
        password: o.password,
      });
      raw = {
        ...raw,
        cameras: [...((raw.cameras as unknown[]) ?? []), ...gen.cameras],
        nvrs: [...((raw.nvrs as unknown[]) ?? []), ...gen.nvrs],
      };
    }
    if (o.controlPort !== undefined) raw.control = { ...(raw.control as object), port: o.controlPort };
    if (o.interface) raw.multicastInterface = o.interface;
    const parsed = SimConfig.safeParse(raw);
    if (!parsed.success) fail(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
    if (parsed.data.cameras.length === 0) fail('no cameras: give --cameras N or a config with cameras');
    const sim = new Simulator(parsed.data, baseDir);
    await sim.start();
    const control = await startControlServer(sim, parsed.data.control.host, parsed.data.control.port);
    const addr = control.address();
    const port = typeof addr === 'object' && addr ? addr.port : parsed.data.control.port;
    process.stdout.write(
      `${JSON.stringify({ event: 'ready', cameras: sim.cameras.size, nvrs: sim.nvrs.size, control: `http://${parsed.data.control.host}:${port}` })}\n`,
    );
    const shutdown = async () => {
      control.close();
      await sim.stop();
      process.exit(0);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });

const controlUrl = new Option('--control <url>', 'control API of the running simulator').default(
  'http://127.0.0.1:8099',
);

async function call(url: string, method: string, body?: unknown): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  process.stdout.write(`${text}\n`);
  if (!res.ok) process.exit(1);
}

program
  .command('list')
  .description("list the running simulator's cameras and their faults")
  .addOption(controlUrl)
  .action((o) => call(`${o.control}/cameras`, 'GET'));

program
  .command('fault <camera> <json>')
  .description('inject faults, e.g. kuzet-sim fault cam001 \'{"offline":true}\' (see docs/simulator.md)')
  .addOption(controlUrl)
  .action((camera: string, json: string, o) => {
    const patch = FaultPatch.safeParse(JSON.parse(json));
    if (!patch.success) fail(z.prettifyError(patch.error));
    return call(`${o.control}/cameras/${camera}/faults`, 'PATCH', patch.data);
  });

program
  .command('clear <camera>')
  .description('clear all faults of a camera')
  .addOption(controlUrl)
  .action((camera: string, o) => call(`${o.control}/cameras/${camera}/faults`, 'DELETE'));

program.parseAsync(process.argv).catch((err) => fail((err as Error).message));
