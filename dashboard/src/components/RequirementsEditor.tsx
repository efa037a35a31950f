import type { Profile, RequirementsDoc } from '@kuzet/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.ts';
import { useResource } from '../hooks/resource.ts';
import { Async } from './Async.tsx';

const NUMBERS = [
  'minRetentionDays',
  'minWidth',
  'minHeight',
  'minFps',
  'maxClockDriftSeconds',
  'maxGapMinutes',
  'gapWindowDays',
  'minCameras',
  'maxBlur',
  'minContrast',
  'minSceneSimilarity',
] as const satisfies readonly (keyof Profile)[];

/**
 * The requirement profiles (admins): each profile's numbers, which profile each region uses, each region's
 * deadline. Saved as the next version; the server checks it (every problem shown here) and evaluates every
 * school again.
 */
export function RequirementsEditor() {
  const doc = useResource(() => api.requirements(), [], false);
  return <Async r={doc}>{(d) => <Editor key={d.version} doc={d} onSaved={doc.reload} />}</Async>;
}

function Editor({ doc, onSaved }: { doc: RequirementsDoc; onSaved: () => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<RequirementsDoc>(doc);
  const [problems, setProblems] = useState<string[]>([]);
  const [msg, setMsg] = useState<string>();
  const regions = useResource(() => api.regions(), [], false);
  const setNumber = (name: string, key: (typeof NUMBERS)[number], v: string) =>
    setDraft((d) => ({
      ...d,
      profiles: d.profiles.map((p) => (p.name === name ? { ...p, [key]: v === '' ? Number.NaN : Number(v) } : p)),
    }));
  const save = () => {
    setProblems([]);
    setMsg(undefined);
    api.saveRequirements({ ...draft, version: doc.version + 1 }).then(
      (r) => {
        setMsg(t('compliance.saved', { v: r.version }));
        onSaved();
      },
      (e: Error) => {
        setMsg(t('admin.failed', { message: e.message }));
        if (e instanceof ApiError) setProblems(e.problems);
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
                <th scope="row">{p.name}</th>
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
      {regions.data && (
        <details>
          <summary>{t('compliance.regions')}</summary>
          <table className="cams">
            <tbody>
              {regions.data.map((r) => (
                <tr key={r.code}>
                  <th scope="row">{r.code}</th>
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
      <p>
        <button type="button" onClick={save} data-testid="save-requirements">
          {t('compliance.saveVersion', { v: doc.version + 1 })}
        </button>{' '}
        {msg && <span role="status">{msg}</span>}
      </p>
      {problems.length > 0 && (
        <ul role="alert" className="error">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
