// Prints the node_modules folders a workspace needs at run time (its dependencies, theirs, installed optional and
// peer dependencies), resolved the way Node resolves them, from package-lock.json — for packaging the server with
// exactly what `npm ci` installed. Workspace links (@kuzet/*) are left to the caller.
// Usage: node scripts/prod-deps.mjs <workspace package name>
import { existsSync, readFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')).packages;
const name = process.argv[2];
const start = Object.keys(lock).find((p) => !p.startsWith('node_modules/') && lock[p].name === name);
if (start === undefined) {
  console.error(`no workspace ${name} in package-lock.json`);
  process.exit(2);
}

/** where `dep` required from the package at `from` is found: from's own node_modules, then each parent's */
function resolve(from, dep) {
  let dir = from;
  for (;;) {
    const p = dir ? `${dir}/node_modules/${dep}` : `node_modules/${dep}`;
    if (lock[p]) return p;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut >= 0 ? dir.slice(0, cut) : '';
  }
}

const seen = new Set();
const queue = [start];
while (queue.length) {
  const at = queue.shift();
  const e = lock[at];
  const optionalPeers = e.peerDependenciesMeta ?? {};
  const deps = [
    ...Object.keys(e.dependencies ?? {}),
    ...Object.keys(e.optionalDependencies ?? {}),
    ...Object.keys(e.peerDependencies ?? {}).filter((d) => !optionalPeers[d]?.optional),
  ];
  for (const d of deps) {
    if (d.startsWith('@kuzet/')) continue;
    const p = resolve(at, d);
    if (!p || seen.has(p) || !existsSync(p)) continue; // an optional dependency for another platform
    seen.add(p);
    queue.push(p);
  }
}
// parents before their nested node_modules, so copying in order never copies a folder twice
const dirs = [...seen].sort();
const top = dirs.filter((d) => !dirs.some((o) => o !== d && d.startsWith(`${o}/`)));
process.stdout.write(top.map((d) => `${d}\n`).join(''));
