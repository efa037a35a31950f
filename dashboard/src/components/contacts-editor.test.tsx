import { AlertingConfig, KZ_REGIONS } from '@kuzet/protocol';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { initI18n } from '../i18n/index.ts';
import { AlertRulesEditor } from './AlertRulesEditor.tsx';
import { ContactsEditor } from './ContactsEditor.tsx';

const i18n = initI18n();
void i18n.changeLanguage('en');
afterEach(cleanup);

/** the editor over a draft of its own; `seen` holds the draft after each change */
function Harness({ start, seen }: { start: AlertingConfig; seen: { draft?: AlertingConfig } }) {
  const [draft, setDraft] = useState(start);
  seen.draft = draft;
  return <ContactsEditor draft={draft} setDraft={(f) => setDraft(f)} regions={KZ_REGIONS} />;
}

const hook = (path: string) => ({ channel: 'webhook' as const, url: `https://hooks.example.kz/${path}` });

describe('who is paged', () => {
  it("warns where a region's own contacts leave a level with nobody that everywhere else has", () => {
    const start = AlertingConfig.parse({
      contacts: { '*': { operators: [hook('all')] }, 'KZ-75': { duty: [hook('almaty-duty')] } },
    });
    const { container } = render(
      <I18nextProvider i18n={i18n}>
        <Harness start={start} seen={{}} />
      </I18nextProvider>,
    );
    const almaty = container.querySelector<HTMLElement>('tr[data-contacts="KZ-75"]')!;
    const ops = within(almaty.querySelector<HTMLElement>('td[data-level=operators]')!);
    expect(ops.getByText(/^nobody \(“Everywhere” does not apply/)).toBeTruthy();
    // the akimat level has nobody everywhere: no warning, just nobody
    expect(within(almaty.querySelector<HTMLElement>('td[data-level=akimat]')!).getByText('nobody')).toBeTruthy();
  });

  it('adds a contact once, and a region left with nobody falls back to everywhere', () => {
    const seen: { draft?: AlertingConfig } = {};
    const { container } = render(
      <I18nextProvider i18n={i18n}>
        <Harness start={AlertingConfig.parse({})} seen={seen} />
      </I18nextProvider>,
    );
    const form = within(screen.getByTestId('add-contact'));
    fireEvent.change(container.querySelector('select[name=region]')!, { target: { value: 'KZ-75' } });
    fireEvent.change(container.querySelector('select[name=channel]')!, { target: { value: 'telegram' } });
    fireEvent.change(container.querySelector('input[name=address]')!, { target: { value: '-1001' } });
    fireEvent.change(container.querySelector('select[name=lang]')!, { target: { value: 'kk' } });
    fireEvent.submit(screen.getByTestId('add-contact'));
    expect(seen.draft!.contacts['KZ-75']!.operators).toEqual([{ channel: 'telegram', chatId: '-1001', lang: 'kk' }]);
    // the same address again: the button is off and says why
    fireEvent.change(container.querySelector('input[name=address]')!, { target: { value: '-1001' } });
    expect((form.getByRole('button', { name: 'Add' }) as HTMLButtonElement).disabled).toBe(true);
    expect(form.getByText('already in the list')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Remove -1001' }));
    expect(seen.draft!.contacts['KZ-75']).toBeUndefined();
  });

  it('names the schools whose own people are told too', () => {
    const start = AlertingConfig.parse({
      schools: { 'KZ-75-01-0001': { contacts: [hook('guard-post')] }, 'KZ-75-01-0002': {} },
    });
    const { container } = render(
      <I18nextProvider i18n={i18n}>
        <MemoryRouter>
          <Harness start={start} seen={{}} />
        </MemoryRouter>
      </I18nextProvider>,
    );
    const p = screen.getByTestId('schools-with-contacts');
    expect(p.textContent).toBe(
      "Schools whose own people are also told (kept on each school's page): 1 — KZ-75-01-0001",
    );
    expect(container.querySelector('[data-testid=schools-with-contacts] a')?.getAttribute('href')).toBe(
      '/schools/KZ-75-01-0001',
    );
  });
});

/** the rules' editor over a draft of its own */
function RulesHarness({ start, seen }: { start: AlertingConfig; seen: { draft?: AlertingConfig } }) {
  const [draft, setDraft] = useState(start);
  seen.draft = draft;
  return <AlertRulesEditor draft={draft} setDraft={(f) => setDraft(f)} regions={KZ_REGIONS} />;
}

describe("a rule's settings for one school", () => {
  it("keep the school's own contacts when set and when dropped", () => {
    const seen: { draft?: AlertingConfig } = {};
    const id = 'KZ-75-01-0001';
    const { container } = render(
      <I18nextProvider i18n={i18n}>
        <RulesHarness
          start={AlertingConfig.parse({ schools: { [id]: { contacts: [hook('guard-post')] } } })}
          seen={seen}
        />
      </I18nextProvider>,
    );
    fireEvent.change(container.querySelector('select[name=scope]')!, { target: { value: `school:${id}` } });
    fireEvent.change(screen.getByLabelText('camera_offline: Opens after (s)'), { target: { value: '90' } });
    expect(seen.draft!.schools[id]).toEqual({
      rules: { camera_offline: { enabled: true, openAfterSeconds: 90 } },
      contacts: [hook('guard-post')],
    });
    fireEvent.click(within(container.querySelector<HTMLElement>('tr[data-rule=camera_offline]')!).getByText('Inherit'));
    expect(seen.draft!.schools[id]).toEqual({ rules: {}, contacts: [hook('guard-post')] });
  });
});
