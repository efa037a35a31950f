import pino from 'pino';
import { loadServerConfig, ServerConfigError } from './config.ts';
import { startServer } from './server.ts';

// `kuzet-server archive verify …`: a command, not the server
if (process.argv[2] === 'archive') {
  const { archiveCli } = await import('./archive-cli.ts');
  process.exit(await archiveCli(process.argv.slice(3)));
}

let cfg: ReturnType<typeof loadServerConfig>;
try {
  cfg = loadServerConfig();
} catch (err) {
  if (err instanceof ServerConfigError) {
    process.stderr.write(`kuzet-server: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
const log = pino({ level: cfg.KUZET_LOG_LEVEL });
const server = await startServer(cfg, log).catch((err) => {
  if (!(err instanceof ServerConfigError)) throw err;
  process.stderr.write(`kuzet-server: ${err.message}\n`);
  process.exit(1);
});
process.stdout.write(`${JSON.stringify({ event: 'ready', url: server.url })}\n`);
const shutdown = async (sig: string) => {
  log.info({ sig }, 'shutting down');
  // graceful, but bounded: with Redis gone, closing its clients and workers could wait forever
  setTimeout(() => {
    log.error('shutdown took longer than 15 s: exiting');
    process.exit(1);
  }, 15_000).unref();
  await server.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
