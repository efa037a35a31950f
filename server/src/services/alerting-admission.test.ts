import { AlertingConfig } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { type AdmissionDeps, inadmissible, leftOut, without } from './alerting-admission.ts';

const deps: AdmissionDeps = {
  registry: {
    unknownRegions: async (codes) => codes.filter((c) => c !== 'KZ-75'),
    school: async (id) => (id === 'KZ-75-01-0001' ? ({ id } as never) : undefined),
  },
  users: { get: async (name) => (name === 'op' ? ({ username: name } as never) : undefined) },
  webhookRefusal: async (url) =>
    new URL(url).hostname.startsWith('10.') ? { host: new URL(url).hostname, address: '10.0.0.9' } : undefined,
};

const hook = (url: string) => ({ channel: 'webhook' as const, url });
const mail = { channel: 'email' as const, to: 'duty@example.kz' };

describe('what an alerting configuration stored whole may add', () => {
  const current = AlertingConfig.parse({
    version: 3,
    people: { gone: [mail] }, // a user deleted since: never blocks the next change
    schools: { 'KZ-75-01-0001': { contacts: [hook('http://10.0.0.9/old')] } }, // saved before the rule
  });
  const old = AlertingConfig.parse({
    version: 4,
    contacts: { 'KZ-75': { operators: [mail] }, 'KZ-99': { operators: [mail] } },
    regions: { 'KZ-99': { rules: { camera_offline: { enabled: false } } } },
    people: { gone: [mail], op: [mail], petrov: [mail] },
    schools: {
      'KZ-75-01-0001': {
        contacts: [hook('http://10.0.0.9/old'), hook('https://hooks.example.kz/a'), hook('http://10.1.2.3/new')],
      },
      'KZ-11-01-0009': { contacts: [mail] },
    },
  });

  it('names only what it adds that is gone or not allowed, each as a problem', async () => {
    const x = await inadmissible(deps, old, current);
    expect(x.regions).toEqual(['KZ-99']);
    expect(x.schools).toEqual(['KZ-11-01-0009']);
    expect(x.people).toEqual(['petrov']);
    // the internal webhook the current version already holds is not looked at again; the new one is refused
    expect(x.webhooks).toEqual({ 'KZ-75-01-0001': [2] });
    expect(x.problems.map((p) => p.en)).toEqual([
      'no such region: KZ-99',
      'no such school: KZ-11-01-0009',
      'no such user: petrov',
      "schools.KZ-75-01-0001.contacts.2: 10.1.2.3 is an internal address (10.0.0.9): a school's webhook must be reachable on the internet",
    ]);
    expect(await inadmissible(deps, { ...current, version: 4 }, current)).toMatchObject({ problems: [] });
  });

  it('leaves out exactly that when asked, and says what (never an address)', async () => {
    const x = await inadmissible(deps, old, current);
    const kept = without(old, x);
    expect(Object.keys(kept.contacts)).toEqual(['KZ-75']);
    expect(kept.regions).toEqual({});
    expect(Object.keys(kept.people)).toEqual(['gone', 'op']);
    expect(kept.schools).toEqual({
      'KZ-75-01-0001': { rules: {}, contacts: [hook('http://10.0.0.9/old'), hook('https://hooks.example.kz/a')] },
    });
    expect((await inadmissible(deps, kept, current)).problems).toEqual([]);
    expect(leftOut(x)).toBe(
      "left out: region KZ-99, school KZ-11-01-0009, user petrov, school KZ-75-01-0001's internal webhooks: 1",
    );
  });
});
