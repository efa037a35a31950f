import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Simulator, startControlServer } from '@kuzet/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedSimulator, ROOT } from '../helpers.ts';

const run = promisify(execFile);
const AGENT = join(ROOT, 'agents/bin/kuzet-agent');
const SIM = join(ROOT, 'simulator/bin/kuzet-sim');

async function exec(bin: string, args: string[]) {
  try {
    const r = await run(bin, args, { timeout: 60_000, maxBuffer: 1 << 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('command line tools', () => {
  let sim: Simulator;
  let tag: string;
  let control: Server;
  let controlUrl: string;

  beforeAll(async () => {
    ({ sim, tag } = await generatedSimulator({ count: 6 }));
    control = await startControlServer(sim, '127.0.0.1', 0);
    const addr = control.address();
    controlUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    control?.close();
    await sim?.stop();
  });

  it('the launchers work from any directory (not only the checkout: tsx is found beside them)', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'kuzet-cwd-'));
    for (const bin of [AGENT, SIM]) {
      const r = await run(bin, ['--help'], { cwd: elsewhere, timeout: 60_000 });
      expect(r.stdout).toMatch(/^Usage: kuzet-(agent|sim)/);
    }
  });

  it('kuzet-agent run lists every configuration error and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuzet-cfg-'));
    const file = join(dir, 'agent.yaml');
    writeFileSync(
      file,
      'agentId: "no spaces allowed"\ncredentials: []\nintervals: { streamSeconds: 0 }\ntimeouts: { onvifMs: "soon" }\n',
    );
    const r = await exec(AGENT, ['run', '-c', file, '--stdout']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid agent configuration');
    for (const path of ['agentId', 'credentials', 'intervals.streamSeconds', 'timeouts.onvifMs'])
      expect(r.stderr).toContain(path);
    const missing = await exec(AGENT, ['run', '-c', join(dir, 'nope.yaml'), '--stdout']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.yaml/);
  });

  it('kuzet-agent scan --json finds the cameras; the table names vendor, serial, address and stream', async () => {
    const json = await exec(AGENT, [
      'scan',
      '-i',
      'lo',
      '-u',
      'admin',
      '-p',
      'camera-pass',
      '--json',
      '--wait',
      '1500',
    ]);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { devices: { identity?: { serial: string; media: { width: number }[] } }[] };
    const ours = out.devices.filter((d) => d.identity?.serial.startsWith(tag));
    expect(ours).toHaveLength(6);
    const table = await exec(AGENT, [
      'scan',
      '--interface',
      '127.0.0.1',
      '--user',
      'admin',
      '--password',
      'camera-pass',
    ]);
    expect(table.code).toBe(0);
    const header = table.stdout.split('\n')[0];
    expect(header).toMatch(/VENDOR\s+MODEL\s+FIRMWARE\s+SERIAL\s+ADDRESS\s+PROFILES\s+MAIN STREAM/);
    const line = table.stdout.split('\n').find((l) => l.includes(`${tag}-`) && l.includes('Dahuan'));
    expect(line).toMatch(/Dahuan\s+IPC-HFW2431S\s+\S+\s+\S+\s+127\.0\.0\.1:\d+\s+S\s+640x360@15\s+-\s+httpDigest/);
  });

  it('kuzet-agent scan reports a wrong password per device instead of failing', async () => {
    const r = await exec(AGENT, ['scan', '-i', 'lo', '-u', 'admin', '-p', 'wrong', '--json', '--wait', '1000']);
    expect(r.code).toBe(0);
    const devices = (JSON.parse(r.stdout) as { devices: { error?: string; identity?: unknown; xaddr: string }[] })
      .devices;
    const port = sim.camera('cam001').onvifPort;
    const cam1 = devices.find((d) => d.xaddr.includes(`:${port}/`));
    expect(cam1?.identity).toBeUndefined();
    expect(cam1?.error).toMatch(/^auth_failed: .*credentials refused/); // the reason first
  });

  it('kuzet-agent scan of given addresses: no multicast, each device once, "none" for a device that checks nothing', async () => {
    const cam = (n: string) => `http://127.0.0.1:${sim.camera(n).onvifPort}/onvif/device_service`;
    await sim.setFaults('cam003', { noAuth: true });
    try {
      // a config that says no multicast (its interface is lo, where all six cameras would answer): only the addresses
      const cfg = join(mkdtempSync(join(tmpdir(), 'kuzet-scan-')), 'agent.json');
      writeFileSync(
        cfg,
        JSON.stringify({
          agentId: 'scan-test',
          discovery: { interfaces: ['lo'], multicast: false },
          credentials: [{ hosts: ['*'], username: 'admin', password: 'camera-pass' }],
        }),
      );
      const only = await exec(AGENT, [
        'scan',
        '-c',
        cfg,
        '--static',
        cam('cam001'),
        '--static',
        cam('cam003'),
        '--json',
      ]);
      expect(only.code).toBe(0);
      const devices = (JSON.parse(only.stdout) as { devices: { identity?: { serial: string; auth: string } }[] })
        .devices;
      expect(devices.map((d) => d.identity?.serial).sort()).toEqual(
        [sim.camera('cam001').serial, sim.camera('cam003').serial].sort(),
      );
      expect(devices.find((d) => d.identity?.serial === sim.camera('cam003').serial)?.identity?.auth).toBe('none');
      expect(devices.find((d) => d.identity?.serial === sim.camera('cam001').serial)?.identity?.auth).not.toBe('none');
      // found by multicast and named by address too: listed once
      const both = await exec(AGENT, [
        'scan',
        '-i',
        'lo',
        '--static',
        cam('cam001'),
        '-u',
        'admin',
        '-p',
        'camera-pass',
        '--json',
        '--wait',
        '1500',
      ]);
      const serials = (JSON.parse(both.stdout) as { devices: { identity?: { serial: string } }[] }).devices
        .map((d) => d.identity?.serial)
        .filter((x) => x?.startsWith(tag));
      expect(serials).toHaveLength(6);
      expect(new Set(serials).size).toBe(6);
    } finally {
      await sim.setFaults('cam003', 'clear');
    }
  });

  it('kuzet-sim fault / clear / list drive the running simulator', async () => {
    const set = await exec(SIM, ['fault', 'cam002', '{"picture":"frozen","slowMs":50}', '--control', controlUrl]);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout).faults).toMatchObject({ picture: 'frozen', slowMs: 50 });
    expect(sim.camera('cam002').faults.picture).toBe('frozen');
    const bad = await exec(SIM, ['fault', 'cam002', '{"explode":true}', '--control', controlUrl]);
    expect(bad.code).toBe(1);
    const clear = await exec(SIM, ['clear', 'cam002', '--control', controlUrl]);
    expect(JSON.parse(clear.stdout).faults.picture).toBe('normal');
    const list = await exec(SIM, ['list', '--control', controlUrl]);
    expect(JSON.parse(list.stdout)).toHaveLength(6);
  });
});
