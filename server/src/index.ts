export { loadServerConfig, ServerEnv } from './config.ts';
export { type RunningServer, startServer } from './server.ts';
