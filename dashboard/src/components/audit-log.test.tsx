import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { formatTime } from '../lib/format.ts';
import { localTimes } from './AuditLog.tsx';

afterEach(cleanup);

describe("an audit entry's detail", () => {
  it('says each instant in the reader’s time and language, the instant itself kept on hover', () => {
    const from = '2026-12-06T21:35:30.128Z';
    const to = '2026-12-06T23:35:30Z';
    const { container } = render(<p>{localTimes(`KZ-75-01-0001 ${from} – ${to} by op75`, 'ru')}</p>);
    const times = [...container.querySelectorAll('time')];
    expect(times.map((t) => [t.dateTime, t.title, t.textContent])).toEqual([
      [from, from, formatTime(from, 'ru')],
      [to, to, formatTime(to, 'ru')],
    ]);
    expect(container.textContent).toBe(`KZ-75-01-0001 ${formatTime(from, 'ru')} – ${formatTime(to, 'ru')} by op75`);
    expect(container.textContent).not.toContain('T21:35');
  });

  it('leaves a detail without instants as it is', () => {
    const { container } = render(<p>{localTimes('v4 → v5 (v3 restored); left out: user op-left', 'en')}</p>);
    expect(container.innerHTML).toBe('<p>v4 → v5 (v3 restored); left out: user op-left</p>');
  });
});
