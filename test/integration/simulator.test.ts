import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type { Simulator } from '@kuzet/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePortRange, runTag, startSimulator } from '../helpers.ts';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

async function ffprobe(url: string, transport: 'tcp' | 'udp') {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-rtsp_transport', transport, '-select_streams', 'v:0', '-show_streams', '-of', 'json', url],
    {
      timeout: 20_000,
    },
  );
  return JSON.parse(stdout).streams[0] as { codec_name: string; width: number; height: number; r_frame_rate: string };
}

const soap = (action: string, ns = 'http://www.onvif.org/ver10/device/wsdl') =>
  `<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><${action} xmlns="${ns}"/></s:Body></s:Envelope>`;

describe('camera simulator (independent peers: ffprobe, node-onvif, raw HTTP)', () => {
  let sim: Simulator;
  let base: number;
  const tag = runTag();

  beforeAll(async () => {
    base = await freePortRange(8);
    sim = await startSimulator({
      cameras: [
        {
          name: 'hik',
          personality: 'hikvista',
          serial: `${tag}-H`,
          onvifPort: base,
          rtspPort: base + 1,
          password: 'pw',
          width: 640,
          height: 360,
          fps: 15,
        },
        {
          name: 'dah',
          personality: 'dahuan',
          serial: `${tag}-D`,
          onvifPort: base + 2,
          rtspPort: base + 3,
          password: 'pw',
          width: 1280,
          height: 720,
          fps: 10,
        },
        {
          name: 'bud',
          personality: 'budgetcam',
          serial: `${tag}-B`,
          onvifPort: base + 4,
          rtspPort: base + 5,
          password: 'pw',
          width: 640,
          height: 360,
        },
      ],
    });
  });
  afterAll(async () => sim?.stop());

  it('serves real H.264 that ffprobe reads over TCP and UDP with the configured size and rate', async () => {
    const tcp = await ffprobe(`rtsp://admin:pw@127.0.0.1:${base + 1}/Streaming/Channels/101`, 'tcp');
    expect(tcp).toMatchObject({ codec_name: 'h264', width: 640, height: 360, r_frame_rate: '15/1' });
    const udp = await ffprobe(`rtsp://admin:pw@127.0.0.1:${base + 3}/cam/realmonitor/ch1/main`, 'udp');
    expect(udp).toMatchObject({ codec_name: 'h264', width: 1280, height: 720, r_frame_rate: '10/1' });
    const sub = await ffprobe(`rtsp://admin:pw@127.0.0.1:${base + 1}/Streaming/Channels/102`, 'tcp');
    expect(sub).toMatchObject({ width: 640, height: 360 });
  });

  it('refuses RTSP with a wrong password and serves a lower resolution when told to', async () => {
    await expect(ffprobe(`rtsp://admin:nope@127.0.0.1:${base + 1}/Streaming/Channels/101`, 'tcp')).rejects.toThrow(
      /401|authorization/i,
    );
    await sim.setFaults('dah', { streamWidth: 640, streamHeight: 360 });
    const low = await ffprobe(`rtsp://admin:pw@127.0.0.1:${base + 3}/cam/realmonitor/ch1/main`, 'tcp');
    expect(low).toMatchObject({ width: 640, height: 360 });
    await sim.setFaults('dah', 'clear');
  });

  it('is readable by node-onvif (UsernameToken) as an independent ONVIF client', async () => {
    const onvif = require('node-onvif');
    const device = new onvif.OnvifDevice({
      xaddr: `http://127.0.0.1:${base}/onvif/device_service`,
      user: 'admin',
      pass: 'pw',
    });
    const info = await device.init();
    expect(info).toMatchObject({ Manufacturer: 'Hikvista', SerialNumber: `${tag}-H` });
    const profile = device.getCurrentProfile();
    expect(profile.stream.rtsp).toBe(`rtsp://127.0.0.1:${base + 1}/Streaming/Channels/101`);
    expect(profile.video.encoder.resolution).toEqual({ width: 640, height: 360 });
    const wrong = new onvif.OnvifDevice({
      xaddr: `http://127.0.0.1:${base}/onvif/device_service`,
      user: 'admin',
      pass: 'bad',
    });
    await expect(wrong.init()).rejects.toThrow(/not Authorized|400/i);
  });

  it('answers with proper SOAP faults and HTTP Digest challenges', async () => {
    const post = (port: number, body: string) =>
      fetch(`http://127.0.0.1:${port}/onvif/device_service`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/soap+xml' },
      });
    // credentials before anything else: an unauthenticated client does not learn which actions exist
    const anonymous = await post(base + 4, soap('GetTeleportation'));
    expect(anonymous.status).toBe(400);
    expect(await anonymous.text()).toContain('ter:NotAuthorized');
    // an unknown action, authenticated: env:Receiver / ter:ActionNotSupported, HTTP 500 (SOAP 1.2 HTTP binding)
    const { stdout: unknown } = await run('curl', [
      '-s',
      '--digest',
      '-u',
      'admin:pw',
      '-H',
      'content-type: application/soap+xml',
      '--data-binary',
      soap('GetTeleportation'),
      '-w',
      '\n%{http_code}',
      `http://127.0.0.1:${base}/onvif/device_service`,
    ]);
    expect(unknown).toContain('s:Receiver');
    expect(unknown).toContain('ter:ActionNotSupported');
    expect(unknown.trim().endsWith('500')).toBe(true);
    // UsernameToken-only firmware parses first; Digest firmware challenges first (HTTP auth precedes SOAP)
    expect((await post(base, '<broken')).status).toBe(401);
    const bad = await post(base + 4, '<s:Envelope><s:Body><oops></s:Body>');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('ter:WellFormed');
    const noAuth = await post(base + 4, soap('GetDeviceInformation'));
    expect(noAuth.status).toBe(400);
    expect(await noAuth.text()).toContain('ter:NotAuthorized');
    const digestOnly = await post(base + 2, soap('GetDeviceInformation'));
    expect(digestOnly.status).toBe(401);
    expect(digestOnly.headers.get('www-authenticate')).toMatch(/^Digest realm="Dahuan-/);
    const preAuth = await post(base + 2, soap('GetSystemDateAndTime'));
    expect(preAuth.status).toBe(200);
  });

  it('serves snapshot JPEGs behind auth', async () => {
    const { stdout } = await run(
      'curl',
      [
        '-s',
        '--digest',
        '-u',
        'admin:pw',
        '-o',
        '-',
        '-w',
        '%{http_code} %{content_type}',
        `http://127.0.0.1:${base}/onvif/snapshot/Profile_1.jpg`,
      ],
      {
        encoding: 'latin1',
        maxBuffer: 1 << 22,
      },
    );
    expect(stdout.startsWith('\xff\xd8')).toBe(true);
    expect(stdout.endsWith('200 image/jpeg')).toBe(true);
    const anon = await fetch(`http://127.0.0.1:${base}/onvif/snapshot/Profile_1.jpg`);
    expect(anon.status).toBe(401);
  });

  it('closes its ports when offline and reopens them', async () => {
    await sim.setFaults('hik', { offline: true });
    await expect(
      fetch(`http://127.0.0.1:${base}/onvif/device_service`, { method: 'POST', body: soap('GetSystemDateAndTime') }),
    ).rejects.toThrow();
    await sim.setFaults('hik', { offline: false });
    const back = await fetch(`http://127.0.0.1:${base}/onvif/device_service`, {
      method: 'POST',
      body: soap('GetSystemDateAndTime'),
    });
    expect(back.status).toBe(200);
  });
});
