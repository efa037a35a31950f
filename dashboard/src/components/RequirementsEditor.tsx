import { PROFILE_NUMBERS, type RequirementsDoc } from '@kuzet/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { useRefusal } from '../hooks/outcome.ts';
import { useResource } from '../hooks/resource.ts';
import { formatNumber } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';
import { Async } from './Async.tsx';
import { ProblemList } from './FormMessage.tsx';
import { RequiredZonesEditor } from './RequiredZonesEditor.tsx';
import { SaveVersion } from './SaveVersion.tsx';

/** a profile's numbers, in the order the editor shows them (the protocol's list: the history names the same) */
const NUMBERS = PROFILE_NUMBERS;

/**
 * The requirement profiles (admins): each profile's numbers and required zones, which profile each region uses, each
 * region's deadline. Saved as the next version; the server checks it (every problem shown here) and evaluates every
 * school again.
 */
export function RequirementsEditor() {
  const doc = useResource(() => api.requirements(), [], false);
  return <Async r={doc}>{(d) => <Editor key={d.version} doc={d} onSaved={doc.reload} />}</Async>;
}

function Editor({ doc, onSaved }: { doc: RequirementsDoc; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [draft, setDraft] = useState<RequirementsDoc>(doc);
  const { problems, take, clear } = useRefusal();
  const [msg, setMsg] = useState<string>();
  const [newName, setNewName] = useState('');
  // a new profile starts as a copy of the country's (a region's stricter profile changes a few numbers of it)
  const addProfile = () => {
    const name = newName.trim();
    const base = draft.profiles.find((p) => p.name === draft.assign.country) ?? draft.profiles[0]!;
    setDraft((d) => ({ ...d, profiles: [...d.profiles, { ...base, name, requiredZones: [...base.requiredZones] }] }));
    setNewName('');
  };
  // where a profile is in use (the server refuses a document that assigns a profile it lacks)
  const usedBy = (name: string) =>
    name === draft.assign.country ||
    (['regions', 'districts', 'schools'] as const).some((k) => Object.values(draft.assign[k]).includes(name));
  const regions = useResource(() => api.regions(), [], false);
  const setNumber = (name: string, key: (typeof NUMBERS)[number], v: string) =>
    setDraft((d) => ({
      ...d,
      profiles: d.profiles.map((p) => (p.name === name ? { ...p, [key]: v === '' ? Number.NaN : Number(v) } : p)),
    }));
  const save = () => {
    clear();
    setMsg(undefined);
    api.saveRequirements({ ...draft, version: doc.version + 1 }).then(
      (r) => {
        setMsg(t('compliance.saved', { v: r.version }));
        onSaved();
      },
      (e: Error) => {
        const n = take(e);
        setMsg(
          n
            ? t('compliance.refused', { count: n, n: formatNumber(n, lang) })
            : t('admin.failed', { message: e.message }),
        );
      },
    );
  };
  return (
    <section className="panel" data-testid="requirements-editor">
      <h2>
        {t('compliance.edit')} <span className="muted small">{t('compliance.version', { v: doc.version })}</span>
      </h2>
      <div className="table-scroll">
        <table className="cams">
          <thead>
            <tr>
              <th scope="col">{t('compliance.name')}</th>
              {NUMBERS.map((k) => (
                <th key={k} scope="col">
                  {t(`compliance.field.${k}`)}
                  {/* the field's name in the document, the API and the server's error messages */}
                  <div className="muted small">
                    <code>{k}</code>
                  </div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {draft.profiles.map((p) => (
              <tr key={p.name} data-profile={p.name}>
                <th scope="row">
                  {p.name}
                  {!usedBy(p.name) && (
                    <button
                      type="button"
                      className="secondary small-button"
                      data-remove-profile={p.name}
                      aria-label={t('compliance.removeProfile', { name: p.name })}
                      title={t('compliance.removeProfile', { name: p.name })}
                      onClick={() => setDraft((d) => ({ ...d, profiles: d.profiles.filter((x) => x.name !== p.name) }))}
                    >
                      ✕
                    </button>
                  )}
                </th>
                {NUMBERS.map((k) => (
                  <td key={k}>
                    <input
                      type="number"
                      step="any"
                      aria-label={`${p.name}: ${t(`compliance.field.${k}`)}`}
                      name={`${p.name}.${k}`}
                      value={Number.isNaN(p[k]) ? '' : String(p[k])}
                      onChange={(e) => setNumber(p.name, k, e.target.value)}
                      style={{ width: '5.5rem' }}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          addProfile();
        }}
      >
        <label>
          {t('compliance.newProfile')}
          <input
            name="new-profile"
            value={newName}
            pattern="[A-Za-z0-9._\-]{1,64}"
            title={t('compliance.profileNameRule')}
            onChange={(e) => setNewName(e.target.value)}
            required
          />
        </label>
        <button
          type="submit"
          className="secondary"
          disabled={!newName.trim() || draft.profiles.some((p) => p.name === newName.trim())}
        >
          {t('compliance.addProfile')}
        </button>
      </form>
      <div className="required-zones-list">
        {draft.profiles.map((p) => (
          <RequiredZonesEditor
            key={p.name}
            doc={draft}
            profile={p}
            onChange={(requiredZones) =>
              setDraft((d) => ({
                ...d,
                profiles: d.profiles.map((x) => (x.name === p.name ? { ...x, requiredZones } : x)),
              }))
            }
          />
        ))}
      </div>
      {regions.data && (
        <details>
          <summary>{t('compliance.regions')}</summary>
          <table className="cams" data-testid="region-assignments">
            <thead>
              <tr>
                <th scope="col">{t('compliance.assignRegion')}</th>
                <th scope="col">{t('compliance.assignProfile')}</th>
                <th scope="col">{t('compliance.deadline')}</th>
              </tr>
            </thead>
            <tbody>
              {regions.data.map((r) => (
                <tr key={r.code} data-region={r.code}>
                  <th scope="row">
                    {placeName(r, lang)} <span className="muted small">{r.code}</span>
                  </th>
                  <td>
                    <select
                      aria-label={`${r.code} profile`}
                      value={draft.assign.regions[r.code] ?? ''}
                      onChange={(e) =>
                        setDraft((d) => {
                          const regionsMap = { ...d.assign.regions };
                          if (e.target.value) regionsMap[r.code] = e.target.value;
                          else delete regionsMap[r.code];
                          return { ...d, assign: { ...d.assign, regions: regionsMap } };
                        })
                      }
                    >
                      <option value="">{draft.assign.country}</option>
                      {draft.profiles.map((p) => (
                        <option key={p.name} value={p.name}>
                          {p.name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      type="date"
                      aria-label={`${r.code} ${t('compliance.deadline')}`}
                      value={draft.deadlines.regions[r.code] ?? ''}
                      onChange={(e) =>
                        setDraft((d) => {
                          const dl = { ...d.deadlines.regions };
                          if (e.target.value) dl[r.code] = e.target.value;
                          else delete dl[r.code];
                          return { ...d, deadlines: { ...d.deadlines, regions: dl } };
                        })
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      <SaveVersion
        next={doc.version + 1}
        changed={JSON.stringify(draft) !== JSON.stringify(doc)}
        onSave={save}
        onDiscard={() => {
          setDraft(doc);
          clear();
        }}
        {...(msg ? { msg } : {})}
        testid="save-requirements"
      />
      <ProblemList problems={problems} />
    </section>
  );
}
