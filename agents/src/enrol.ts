import { chownSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { EnrolResponse } from '@kuzet/protocol';
import { readCapped } from './http-body.ts';

/** The HTTP(S) base of the server from its link URL (ws://host/agent/link → http://host). */
export function httpBase(linkUrl: string): string {
  const u = new URL(linkUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '';
  return u.origin;
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
export async function enrol(linkUrl: string, code: string, tokenFile: string): Promise<{ agentId: string }> {
  const url = `${httpBase(linkUrl)}/api/v1/enrol`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, hostname: os.hostname() }),
    signal: AbortSignal.timeout(15_000),
  }).catch((err: Error & { cause?: Error }) => {
    throw new Error(`cannot reach the centre at ${url}: ${err.cause?.message ?? err.message}`);
  });
  const body = await readCapped(res, 64 * 1024, 'enrolment')
    .then((t) => JSON.parse(t) as unknown)
    .catch(() => ({}));
  if (!res.ok) throw new Error(`enrolment refused: HTTP ${res.status} ${(body as { error?: string }).error ?? ''}`);
  const r = EnrolResponse.parse(body);
  mkdirSync(dirname(tokenFile), { recursive: true });
  writeFileSync(tokenFile, `${r.token}\n`, { mode: 0o600 });
  handToDirOwner(tokenFile);
  return { agentId: r.agentId };
}
