import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../test/helpers.ts';

const FILE = join(ROOT, 'bench/RESULTS.md');

/** Replaces (or appends) one `## title` section of bench/RESULTS.md, keeping the others. */
export function writeSection(title: string, body: string): void {
  const head =
    '# Benchmark results\n\nWritten by `npm run bench`; every figure below was measured by the run named in its section.\n';
  const text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : head;
  const sections = text.split(/^## /m);
  const kept = sections.slice(1).filter((s) => !s.startsWith(`${title}\n`));
  writeFileSync(
    FILE,
    `${[sections[0]!.trimEnd(), ...kept.map((s) => `## ${s.trimEnd()}`), `## ${title}\n\n${body}`].join('\n\n')}\n`,
  );
}
