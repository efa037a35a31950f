import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

describe('agent configuration', () => {
  it('applies defaults', () => {
    const c = parseConfig({ agentId: 'school-1', credentials: [{ username: 'admin', password: 'x' }] });
    expect(c.intervals.reachabilitySeconds).toBe(10);
    expect(c.intervals.streamSeconds).toBe(900);
    expect(c.requirements.minRetentionDays).toBe(30);
    expect(c.credentials[0]!.hosts).toEqual(['*']);
  });

  it('lists every problem at once', () => {
    try {
      parseConfig({
        agentId: 'bad id!',
        credentials: [],
        intervals: { reachabilitySeconds: -1 },
        nvrs: [{ xaddr: 'nope' }],
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/agentId/);
      expect(problems).toMatch(/credentials/);
      expect(problems).toMatch(/intervals\.reachabilitySeconds/);
      expect(problems).toMatch(/nvrs\.0\.xaddr/);
      expect(problems).toMatch(/nvrs\.0\.username/);
    }
  });

  it('takes overrides from the environment', () => {
    const c = parseConfig(
      { agentId: 'a', credentials: [{ username: 'u', password: 'p' }] },
      { KUZET_AGENT_ID: 'b', KUZET_INTERFACES: 'lo, eth1', KUZET_CAMERA_USER: 'x', KUZET_CAMERA_PASSWORD: 'y' },
    );
    expect(c.agentId).toBe('b');
    expect(c.discovery.interfaces).toEqual(['lo', 'eth1']);
    expect(c.credentials.at(-1)).toEqual({ hosts: ['*'], username: 'x', password: 'y' });
  });
});

describe('pinned keys of the centre', () => {
  const base = { agentId: 'a', credentials: [{ username: 'u', password: 'p' }] };
  const server = (url: string, pins: string[]) => ({ url, tokenFile: '/t', journalDir: '/j', pins });
  const pin = `sha256/${Buffer.alloc(32, 1).toString('base64')}`;
  it('are taken with wss:// URLs, refused with ws:// or in another form', () => {
    expect(parseConfig({ ...base, server: server('wss://c/agent/link', [pin]) }).server?.pins).toEqual([pin]);
    expect(() => parseConfig({ ...base, server: server('ws://c/agent/link', [pin]) })).toThrow(/pins need wss:\/\//);
    expect(() => parseConfig({ ...base, server: server('wss://c/agent/link', ['abc']) })).toThrow(/sha256\//);
  });
});

describe('the example configuration', () => {
  it('is valid, with the server given as a list of instances', async () => {
    const { loadConfig } = await import('./config.ts');
    const c = loadConfig(new URL('../../config/agent.example.yaml', import.meta.url).pathname);
    expect(c.server?.url).toHaveLength(2);
    expect(c.server?.journalMaxMb).toBe(128);
  });
});
