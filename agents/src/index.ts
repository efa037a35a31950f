export { AGENT_VERSION, Agent } from './agent.ts';
export { AgentConfig, ConfigError, loadConfig, parseConfig } from './config.ts';
export { discoverAll, WsDiscovery } from './discovery/index.ts';
export { cameraIdFor, identify } from './identify.ts';
export { isRecorder } from './nvr.ts';
export { MemorySink, type MessageSink, NdjsonSink } from './output.ts';
