import { describe, expect, it } from 'vitest';
import { AlertingConfig } from './alerts.ts';
import { pagedTargets, regionPaging } from './paging.ts';

const cfg = AlertingConfig.parse({
  contacts: {
    '*': { operators: [{ channel: 'email', to: 'rrc@example.kz' }] },
    'KZ-75': {
      operators: [{ channel: 'webhook', url: 'https://hooks.example.kz/almaty/s3cr3t' }],
      duty: [{ channel: 'telegram', chatId: '-1001234567' }],
    },
  },
  schools: {
    'KZ-75-01-0001': {
      contacts: [
        { channel: 'webhook', url: 'https://hooks.example.kz/almaty/s3cr3t' },
        { channel: 'email', to: 'guard@school.kz' },
      ],
    },
  },
  escalation: { afterMinutes: [10, 25, 40] },
});

describe('who is paged', () => {
  it("is the region's contacts of the level, the country's where it has none, and at level 0 the school's own once", () => {
    expect(pagedTargets(cfg, 'KZ-75', 'KZ-75-01-0001', 0)).toEqual([
      { channel: 'webhook', url: 'https://hooks.example.kz/almaty/s3cr3t' },
      { channel: 'email', to: 'guard@school.kz' },
    ]);
    expect(pagedTargets(cfg, 'KZ-75', 'KZ-75-01-0001', 1)).toEqual([{ channel: 'telegram', chatId: '-1001234567' }]);
    expect(pagedTargets(cfg, 'KZ-75', undefined, 3)).toEqual([]);
    expect(pagedTargets(cfg, 'KZ-71', undefined, 0)).toEqual([{ channel: 'email', to: 'rrc@example.kz' }]);
  });

  it('is shown to operators level by level, by label, with its times', () => {
    const p = regionPaging(cfg, 'KZ-75', ['KZ-75-01-0001', 'KZ-75-01-0002']);
    expect(p).toMatchObject({ regionCode: 'KZ-75', fallback: false, schoolsWithContacts: 1 });
    expect(p.levels).toEqual([
      { level: 0, targets: [{ channel: 'webhook', label: 'webhook https://hooks.example.kz' }] },
      { level: 1, afterMinutes: 10, targets: [{ channel: 'telegram', label: 'telegram …567' }] },
      { level: 2, afterMinutes: 25, targets: [] },
      { level: 3, afterMinutes: 40, targets: [] },
    ]);
    expect(JSON.stringify(p)).not.toContain('s3cr3t');
    expect(regionPaging(cfg, 'KZ-71', []).fallback).toBe(true);
  });
});
