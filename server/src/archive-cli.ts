import { parseArgs } from 'node:util';
import { loadServerConfig, ServerConfigError } from './config.ts';
import { ArchiveRepository } from './repositories/archive.ts';
import { connectRedis, Keys, whenReady } from './repositories/redis.ts';
import { objectStore } from './server.ts';

const USAGE = 'usage: kuzet-server archive verify [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `kuzet-server archive verify`: re-reads the compliance archive in the configured object store and proves it was not
 * altered (exit 0), or names the first broken day, entry and object (exit 1). Usage errors exit 2.
 */
export async function archiveCli(argv: string[]): Promise<number> {
  let a: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } },
    });
  try {
    a = parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const bad = [a.values.from, a.values.to].filter((d) => d !== undefined && !DAY.test(d));
  if (a.positionals[0] !== 'verify' || bad.length) {
    process.stderr.write(`${bad.length ? `not a day: ${bad.join(', ')}\n` : ''}${USAGE}\n`);
    return 2;
  }
  let cfg: ReturnType<typeof loadServerConfig>;
  try {
    cfg = loadServerConfig();
  } catch (err) {
    if (!(err instanceof ServerConfigError)) throw err;
    process.stderr.write(`kuzet-server: ${err.message}\n`);
    return 1;
  }
  const redis = connectRedis(cfg.KUZET_REDIS_URL);
  try {
    await whenReady(redis);
    const repo = new ArchiveRepository(objectStore(cfg), redis, new Keys(cfg.KUZET_PREFIX));
    const v = await repo.verify(a.values.from, a.values.to);
    if (a.values.json) process.stdout.write(`${JSON.stringify(v)}\n`);
    else if (v.ok) process.stdout.write(`archive verified: ${v.entries} entries, ${v.objects} objects, no problem\n`);
    else {
      const first = v.problems[0]!;
      process.stdout.write(
        `archive NOT verified: first broken ${first.day ? `day ${first.day}, ` : ''}` +
          `${first.n ? `entry ${first.n}, ` : ''}${first.key ? `object ${first.key}: ` : ''}${first.problem}\n`,
      );
      for (const p of v.problems.slice(1)) process.stdout.write(`  also: ${p.problem}\n`);
    }
    return v.ok ? 0 : 1;
  } finally {
    redis.disconnect();
  }
}
