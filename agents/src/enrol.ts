import { chownSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import { dirname } from 'node:path';
import { EnrolResponse } from '@kuzet/protocol';
import { type CentreTls, tlsClientOptions } from './tls.ts';

/** The HTTP(S) base of the server from its link URL (ws://host/agent/link → http://host). */
export function httpBase(linkUrl: string): string {
  const u = new URL(linkUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '';
  return u.origin;
}

const MAX_ANSWER = 64 * 1024;

/** POSTs JSON, trusting the centre as the link does (its CA, its pinned keys); the answer is capped at 64 KB. */
function postJson(url: string, body: unknown, tls?: CentreTls): Promise<{ status: number; json: unknown }> {
  const u = new URL(url);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = (u.protocol === 'https:' ? https : http).request(
      u,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
        timeout: 15_000,
        ...(u.protocol === 'https:' ? tlsClientOptions(tls) : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
          if (n > MAX_ANSWER) return req.destroy(new Error(`enrolment: answer larger than ${MAX_ANSWER} bytes`));
          chunks.push(c);
        });
        res.on('end', () => {
          let json: unknown = {};
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {}
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', (err) => reject(new Error(`cannot reach the centre at ${url}: ${err.message}`)));
    req.end(data);
  });
}

/**
 * Run as root (`sudo kuzet-agent enrol …` on an installed package), the token would be root's and the service's own
 * user could not read it: the file goes to the owner of the directory it is in (the package's /var/lib/kuzet).
 */
function handToDirOwner(file: string): void {
  if (process.getuid?.() !== 0) return;
  const dir = statSync(dirname(file));
  if (dir.uid !== 0) chownSync(file, dir.uid, dir.gid);
}

/** Trades a one-time code for the agent's token and stores it (mode 0600). */
export async function enrol(
  linkUrl: string,
  code: string,
  tokenFile: string,
  tls?: CentreTls,
): Promise<{ agentId: string }> {
  const res = await postJson(`${httpBase(linkUrl)}/api/v1/enrol`, { code, hostname: os.hostname() }, tls);
  if (res.status < 200 || res.status > 299)
    throw new Error(`enrolment refused: HTTP ${res.status} ${(res.json as { error?: string }).error ?? ''}`);
  const r = EnrolResponse.parse(res.json);
  mkdirSync(dirname(tokenFile), { recursive: true });
  writeFileSync(tokenFile, `${r.token}\n`, { mode: 0o600 });
  handToDirOwner(tokenFile);
  return { agentId: r.agentId };
}
