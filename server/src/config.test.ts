import { describe, expect, it } from 'vitest';
import { ServerEnv } from './config.ts';

describe("the internal addresses a school's webhook may reach (KUZET_WEBHOOK_INTERNAL_ALLOW)", () => {
  const allow = (v?: string) => ServerEnv.safeParse(v === undefined ? {} : { KUZET_WEBHOOK_INTERNAL_ALLOW: v });
  it('reads host names, addresses and networks, none by default', () => {
    const r = allow(' hooks.lan, 10.20.0.5,10.30.0.0/16 ,fd00::/8,');
    expect(r.success && r.data.KUZET_WEBHOOK_INTERNAL_ALLOW).toEqual([
      'hooks.lan',
      '10.20.0.5',
      '10.30.0.0/16',
      'fd00::/8',
    ]);
    const none = allow();
    expect(none.success && none.data.KUZET_WEBHOOK_INTERNAL_ALLOW).toEqual([]);
  });
  it('refuses anything else at start, saying what it wants', () => {
    for (const bad of ['10.0.0.0/33', 'http://hooks.lan', 'a b', '10.0.0.0/8/1', 'hooks.lan/8', '::1/129']) {
      const r = allow(bad);
      expect([bad, r.success]).toEqual([bad, false]);
      expect(r.error?.issues[0]?.message).toMatch(/host names, addresses or networks/);
    }
  });
});
