import type { SchoolSummary } from '@kuzet/protocol';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initI18n } from '../i18n/index.ts';
import { SchoolTable } from './SchoolTable.tsx';
import { CountsBar, StatusBadge } from './Status.tsx';

const i18n = initI18n();
void i18n.changeLanguage('en');
const wrap = (ui: React.ReactNode) =>
  render(
    <I18nextProvider i18n={i18n}>
      <MemoryRouter>{ui}</MemoryRouter>
    </I18nextProvider>,
  );
afterEach(cleanup);
// jsdom has no layout: give elements the size of a real scroll box so that the virtualiser has a viewport
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
});

describe('status display', () => {
  it('never relies on colour alone: icon and word', () => {
    wrap(<StatusBadge status="offline" />);
    expect(screen.getByText('Offline')).toBeTruthy();
    expect(screen.getByText('✕')).toBeTruthy();
  });

  it('counts show every status with its figure', () => {
    const { container } = wrap(<CountsBar counts={{ online: 7, link_down: 2 }} />);
    expect(container.querySelector('[data-status="online"] .count-figure')?.textContent).toBe('7');
    expect(container.querySelector('[data-status="link_down"] .count-figure')?.textContent).toBe('2');
    expect(container.textContent).toContain('Total: 9');
  });
});

describe('school table', () => {
  const rows: SchoolSummary[] = Array.from({ length: 7500 }, (_, i) => ({
    id: `KZ-75-01-${String(i).padStart(4, '0')}`,
    nameRu: `Школа ${i}`,
    nameKk: `Мектеп ${i}`,
    districtId: 'KZ-75-01',
    regionCode: 'KZ-75',
    address: '',
    lat: 43,
    lon: 77,
    agents: [],
    profile: 'national',
    counts: i % 100 === 0 ? { online: 20, offline: 3 } : { online: 23 },
    reasons: {},
  }));

  it('renders a window of 7,500 rows, worst first, and re-sorts and filters on demand', () => {
    const { container } = wrap(<SchoolTable rows={rows} districts={new Map()} />);
    const body = () => [...container.querySelectorAll('[role=row][data-school]')];
    expect(body().length).toBeGreaterThan(5);
    expect(body().length).toBeLessThan(60); // virtualised: not 7,500 DOM rows
    expect(body()[0]!.getAttribute('data-school')).toBe('KZ-75-01-0000'); // offline cameras first
    expect(screen.getByText('7,500 of 7,500 schools')).toBeTruthy();
    fireEvent.click(within(container.querySelector('[role=rowgroup]')!).getByText(/School/));
    expect(container.querySelector('[role=columnheader][aria-sort="descending"]')?.textContent).toMatch(/School/);
    fireEvent.click(screen.getByLabelText('Only schools in trouble'));
    expect(screen.getByText('75 of 7,500 schools')).toBeTruthy();
    fireEvent.change(screen.getByPlaceholderText('Filter by name or id'), { target: { value: 'KZ-75-01-0100' } });
    expect(body().map((r) => r.getAttribute('data-school'))).toEqual(['KZ-75-01-0100']);
  });
});
