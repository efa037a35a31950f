import type { Alert } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { detailIn } from './Alerts.tsx';

const alert = (x: Partial<Alert>) => x as Alert;

describe("an alert's detail in the page's language", () => {
  it('picks the language the centre wrote it in', () => {
    const a = alert({ detail: 'zones not watched', details: { kk: 'аймақтар', ru: 'зоны', en: 'zones not watched' } });
    expect(detailIn(a, 'kk')).toBe('аймақтар');
    expect(detailIn(a, 'ru-RU')).toBe('зоны');
    expect(detailIn(a, 'en')).toBe('zones not watched');
  });
  it('shows the detail as written when there is only one', () => {
    expect(detailIn(alert({ detail: 'KZ-71-01-0001 reports it' }), 'kk')).toBe('KZ-71-01-0001 reports it');
  });
});
