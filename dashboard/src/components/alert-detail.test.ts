import type { Alert } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { ru } from '../i18n/ru.ts';
import { detailIn, notifiedText } from './Alerts.tsx';

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

describe("a notification's line in the alert's timeline", () => {
  // the Russian table, looked up as i18next would
  const t = (k: string) => k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], ru) as string;
  it("says what it was about in the page's language, the channel and address as written", () => {
    expect(notifiedText('notified', 'opened → webhook http://127.0.0.1:8099/operators', t)).toBe(
      'открыта → webhook http://127.0.0.1:8099/operators',
    );
    expect(notifiedText('notified', 'renotify → email duty@example.kz', t)).toBe('напоминание → email duty@example.kz');
  });
  it('leaves any other text as written', () => {
    expect(notifiedText('commented', 'opened → the gate', t)).toBe('opened → the gate');
    expect(notifiedText('notify_failed', 'telegram: 403 Forbidden', t)).toBe('telegram: 403 Forbidden');
    // an operator's words stay theirs, even the centre's own
    expect(notifiedText('commented', 'condition cleared', t, 'ru')).toBe('condition cleared');
    expect(notifiedText('resolved', 'кабель заменён', t, 'kk')).toBe('кабель заменён');
  });
  it("says what the centre wrote itself in the page's language", () => {
    expect(notifiedText('resolved', 'condition cleared', t, 'ru')).toBe('условие устранено');
    expect(notifiedText('resolved', 'the camera reports again', t, 'kk')).toBe('камера қайта хабар береді');
    expect(notifiedText('opened', 'during maintenance', t, 'kk')).toBe('техникалық қызмет көрсету кезінде');
    expect(notifiedText('escalated', 'level 2, reminder 1', t, 'ru')).toBe('уровень 2, напоминание 1');
    expect(notifiedText('escalated', 'level 1', t, 'kk')).toBe('деңгей 1');
    expect(notifiedText('resolved', 'the school meets its requirements', t, 'en')).toBe(
      'the school meets its requirements',
    );
  });
});
