/**
 * `npm run chaos`: the chaos and fuzz probe at full size (issue 17). Prints what each scenario counted and writes
 * the "Chaos and fuzz" section of bench/RESULTS.md. `--short` runs the sizes of the test suite's version.
 */
import { machine } from '../../bench/proc.ts';
import { writeSection } from '../../bench/results.ts';
import { cameraAnswers, malformedFrames, restFuzz } from './fuzz.ts';
import {
  instanceKilled,
  linkOutage,
  type Outcome,
  redisRestarts,
  reenrolledAndForeign,
  serverKills,
} from './scenarios.ts';

export const SIZES = {
  full: {
    kills: { agents: 20, kills: 6, upSeconds: 8, downSeconds: 3 },
    redis: { agents: 10, downSeconds: 3, upSeconds: 8 },
    instance: { agents: 20, seconds: 30 },
    reenrol: { seconds: 20 },
    outage: { outageSeconds: 600 },
    frames: { frames: 20_000 },
    rest: { requests: 5_000 },
    answers: { answers: 1_000 },
  },
  short: {
    kills: { agents: 4, kills: 2, upSeconds: 4, downSeconds: 2 },
    redis: { agents: 3, downSeconds: 2, upSeconds: 4 },
    instance: { agents: 4, seconds: 12 },
    reenrol: { seconds: 8 },
    outage: { outageSeconds: 40 },
    frames: { frames: 2_000 },
    rest: { requests: 600 },
    answers: { answers: 150 },
  },
};

export async function runAll(size: keyof typeof SIZES, log = (s: string) => process.stderr.write(`${s}\n`)) {
  const z = SIZES[size];
  const out: Outcome[] = [];
  const run = async (f: () => Promise<Outcome>) => {
    const t0 = Date.now();
    const r = await f();
    r.seconds = Math.round((Date.now() - t0) / 1000);
    log(`[chaos] ${JSON.stringify(r)}`);
    out.push(r);
  };
  await run(() => serverKills(z.kills));
  await run(() => redisRestarts(z.redis));
  await run(() => instanceKilled(z.instance));
  await run(() => reenrolledAndForeign(z.reenrol));
  await run(() => malformedFrames(z.frames));
  await run(() => restFuzz(z.rest));
  await run(() => cameraAnswers(z.answers));
  await run(() => linkOutage(z.outage));
  return out;
}

export function table(out: Outcome[]): string {
  const rows = out.map((o) => {
    const { scenario, messages, lost, duplicated, seconds, ...rest } = o;
    const extra = Object.entries(rest)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k} ${typeof v === 'number' ? v.toLocaleString('en') : v}`)
      .join('; ');
    return `| ${scenario} | ${Number(messages).toLocaleString('en')} | ${lost} | ${duplicated} | ${extra} | ${seconds} s |`;
  });
  return [
    '| scenario | messages | lost | duplicated | other counts | took |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

if (import.meta.main) {
  const size = process.argv.includes('--short') ? 'short' : 'full';
  const out = await runAll(size);
  const t = table(out);
  process.stdout.write(`${t}\n`);
  writeSection(
    `Chaos and fuzz probe (${size}) (issue 17)`,
    [
      `Run ${new Date().toISOString()} on ${machine()}. Servers in their own processes killed with SIGKILL, Redis with an`,
      'append-only file (fsync always) stopped and killed, counting agents (the real link and journal) whose every',
      'numbered message is looked for in Redis afterwards; fuzzing seeded (repeatable).',
      '',
      t,
    ].join('\n'),
  );
  process.exit(0);
}
