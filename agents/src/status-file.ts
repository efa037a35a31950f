import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** What a running agent says of itself, for `kuzet-agent health` (a container's or a monitor's health check). */
export interface AgentStatus {
  pid: number;
  /** rewritten every interval while the process runs: an old time means a hung or dead agent */
  updatedAt: string;
  link: 'up' | 'down';
  /** when the link last went up or down */
  since: string;
  /** batches in the journal not yet acknowledged by the centre */
  pending: number;
}

/**
 * A file the agent keeps beside its token: the one directory the packaged service may write (/var/lib/kuzet). Named
 * `name` beside the package's token file (`token`), else after the token file (`agent-2.token` → `agent-2.name`): the
 * demo runs three agents whose tokens share a directory, and their files must not.
 */
export function besideToken(tokenFile: string, name: string): string {
  const base = basename(tokenFile);
  return join(dirname(tokenFile), base === 'token' ? name : `${basename(base, extname(base))}.${name}`);
}

export const statusFileOf = (tokenFile: string) => besideToken(tokenFile, 'status.json');

/** Keeps `file` current every `everyMs` and at each call of the returned `changed`; `stop` ends it. */
export function keepStatusFile(
  file: string,
  read: () => Pick<AgentStatus, 'link' | 'pending'>,
  everyMs = 30_000,
): { changed: () => void; stop: () => void } {
  let last: AgentStatus['link'] | undefined;
  let since = new Date().toISOString();
  const write = () => {
    const now = read();
    if (now.link !== last) {
      last = now.link;
      since = new Date().toISOString();
    }
    const s: AgentStatus = { pid: process.pid, updatedAt: new Date().toISOString(), since, ...now };
    try {
      writeFileSync(`${file}.tmp`, `${JSON.stringify(s)}\n`);
      renameSync(`${file}.tmp`, file); // a reader never sees half a file
    } catch {
      // a full or read-only disk must not stop the agent; the health check then reports the file as stale
    }
  };
  write();
  const timer = setInterval(write, everyMs);
  timer.unref();
  return { changed: write, stop: () => clearInterval(timer) };
}

/** Healthy: the status was written within `maxAgeMs` (the link may be down: the agent journals meanwhile). */
export function checkStatusFile(file: string, maxAgeMs: number, now = Date.now()): { ok: boolean; text: string } {
  let s: AgentStatus;
  try {
    s = JSON.parse(readFileSync(file, 'utf8')) as AgentStatus;
  } catch (err) {
    return { ok: false, text: `no agent status in ${file} (${(err as Error).message}): is the agent running?` };
  }
  const age = now - Date.parse(s.updatedAt);
  if (!(age <= maxAgeMs))
    return { ok: false, text: `agent status is ${Math.round(age / 1000)} s old (pid ${s.pid}): hung or stopped` };
  return { ok: true, text: `ok: link ${s.link} since ${s.since}, ${s.pending} batch(es) journaled` };
}
