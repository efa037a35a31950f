/**
 * TLS between agent and centre (issue 18) with a CA generated for the test (openssl): the server serves wss/https
 * with a certificate that CA signed; the agent's enrolment and link trust the centre only through that CA, and with
 * pins only through the pinned key. Two server instances share Redis: a plain one on loopback for the admin's API
 * (the test's fetch has no way to trust a private CA), the TLS one for the agent.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '@kuzet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrol } from '../../agents/src/enrol.ts';
import { Journal } from '../../agents/src/journal.ts';
import { ServerLink } from '../../agents/src/link.ts';
import { pinOf } from '../../agents/src/tls.ts';
import { startRedis } from '../helpers.ts';
import { ADMIN_PASSWORD, Api, testServer } from '../server-helpers.ts';

const SCHOOL = 'KZ-75-01-0001';
const AGENT_ID = 'agent-almaty-1';
const dir = mkdtempSync(join(tmpdir(), 'kuzet-tls-'));
const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** a CA, and a certificate it signs for the loopback address (EC keys: fast to make) */
function makeCa(name: string): void {
  ssl(
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'],
    ...['-keyout', `${name}-ca.key`, '-out', `${name}-ca.pem`, '-subj', `/CN=${name} CA`],
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl(
    ...['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', `${name}-server.key`, '-out', `${name}-server.csr`, '-subj', '/CN=localhost'],
  );
  ssl(
    ...['x509', '-req', '-in', `${name}-server.csr`, '-CA', `${name}-ca.pem`, '-CAkey', `${name}-ca.key`],
    ...['-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', `${name}-server.pem`],
  );
}

describe('TLS between agent and centre', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let plain: RunningServer;
  let secure: RunningServer;
  let api: Api;
  let ca: string;
  let linkUrl: string;
  const links: ServerLink[] = [];

  beforeAll(async () => {
    makeCa('kuzet');
    ca = readFileSync(join(dir, 'kuzet-ca.pem'), 'utf8');
    redis = await startRedis();
    let prefix: string;
    ({ server: plain, prefix } = await testServer(redis.url));
    ({ server: secure } = await testServer(redis.url, prefix, {
      KUZET_TLS_CERT: join(dir, 'kuzet-server.pem'),
      KUZET_TLS_KEY: join(dir, 'kuzet-server.key'),
      KUZET_REGISTRY: '',
    }));
    expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    linkUrl = `${secure.url.replace(/^https/, 'wss')}/agent/link`;
    api = new Api(plain.url);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBe(200);
  }, 60_000);

  afterAll(async () => {
    for (const l of links) await l.stop();
    await secure?.close();
    await plain?.close();
    await redis?.stop();
  });

  const code = async () => (await api.post('/enrolment-codes', { schoolId: SCHOOL, agentId: AGENT_ID })).json.code;
  const tokenFile = (n: string) => join(dir, `token-${n}`);

  /** a link to the TLS instance; resolves true once welcomed, false if not within `ms` */
  async function linkUp(tls: ConstructorParameters<typeof ServerLink>[0]['tls'], token: string, ms = 4000) {
    const link = new ServerLink({
      url: linkUrl,
      token,
      agentId: AGENT_ID,
      journal: new Journal(mkdtempSync(join(dir, 'journal-'))),
      backoffMinMs: 200,
      backoffMaxMs: 500,
      tls,
    });
    links.push(link);
    const up = new Promise<boolean>((resolve) => {
      link.once('connected', () => resolve(true));
      setTimeout(() => resolve(false), ms);
    });
    link.start();
    const r = await up;
    await link.stop();
    return r;
  }

  it('enrols and links over TLS when it trusts the centre through the private CA', async () => {
    const { agentId } = await enrol(linkUrl, await code(), tokenFile('ca'), { ca });
    expect(agentId).toBe(AGENT_ID);
    const token = readFileSync(tokenFile('ca'), 'utf8').trim();
    expect(await linkUp({ ca }, token)).toBe(true);
  });

  it('refuses a centre whose certificate it cannot verify (no CA given: the system CAs do not know it)', async () => {
    await expect(enrol(linkUrl, await code(), tokenFile('none'))).rejects.toThrow(
      /cannot reach the centre at https:.*(self-signed|unable to verify|certificate)/,
    );
    const token = readFileSync(tokenFile('ca'), 'utf8').trim();
    expect(await linkUp(undefined, token)).toBe(false);
  });

  it('refuses a centre whose CA is another one, even for the right name', async () => {
    makeCa('rogue');
    const rogueCa = readFileSync(join(dir, 'rogue-ca.pem'), 'utf8');
    await expect(enrol(linkUrl, await code(), tokenFile('rogue'), { ca: rogueCa })).rejects.toThrow(/certificate/);
  });

  it('with pins, trusts only the pinned key (pin computed by the documented openssl recipe)', async () => {
    const pem = join(dir, 'kuzet-server.pem');
    const viaOpenssl = `sha256/${execFileSync(
      'sh',
      [
        '-c',
        `openssl x509 -in ${pem} -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`,
      ],
      { encoding: 'utf8' },
    ).trim()}`;
    const der = Buffer.from(
      readFileSync(pem, 'utf8')
        .replace(/-----[^-]+-----/g, '')
        .replace(/\s+/g, ''),
      'base64',
    );
    expect(pinOf(der)).toBe(viaOpenssl);
    const wrong = `sha256/${Buffer.alloc(32, 7).toString('base64')}`;
    await expect(enrol(linkUrl, await code(), tokenFile('wrong'), { ca, pins: [wrong] })).rejects.toThrow(
      /the centre's key sha256\/\S+ is not one of the pinned keys/,
    );
    await enrol(linkUrl, await code(), tokenFile('pinned'), { ca, pins: [wrong, viaOpenssl] });
    const token = readFileSync(tokenFile('pinned'), 'utf8').trim();
    expect(await linkUp({ ca, pins: [viaOpenssl] }, token)).toBe(true);
    expect(await linkUp({ ca, pins: [wrong] }, token)).toBe(false);
  }, 30_000);
});
