export { loadServerConfig, ServerConfigError, ServerEnv } from './config.ts';
export { type RunningServer, startServer } from './server.ts';
