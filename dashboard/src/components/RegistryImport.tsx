import { REGISTRY_CSV_COLUMNS, REGISTRY_CSV_OPTIONAL, type RegistryImportResult } from '@kuzet/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, errorText } from '../api/client.ts';
import { useRefusal } from '../hooks/outcome.ts';
import { formatNumber } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';
import { FormMessage, type Outcome } from './FormMessage.tsx';

/** problems shown at most (the server lists up to 1,000; the first ones say what is wrong with the file) */
const SHOWN = 50;

/**
 * The school registry from a file (admins): a schools CSV as the national education database exports it, or the
 * JSON registry. The server applies it whole or not at all; a refusal lists every bad row with its line.
 */
export function RegistryImport() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<Outcome>();
  const { problems, take, clear } = useRefusal();
  // the schools of the file's districts it did not list: each is removed (if closed) on its own page
  const [missing, setMissing] = useState<RegistryImportResult['notInFile']>();
  // enrolled agents the file lists for no school of theirs: revoked on the Agents panel
  const [unlisted, setUnlisted] = useState<RegistryImportResult['agentsUnlisted']>([]);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const file = new FormData(e.currentTarget).get('file');
    if (!(file instanceof File) || !file.size) return;
    setBusy(true);
    setMsg(undefined);
    clear();
    setMissing(undefined);
    setUnlisted([]);
    try {
      const json = file.name.toLowerCase().endsWith('.json') || file.type === 'application/json';
      const r = await api.importRegistry(await file.text(), json ? 'json' : 'csv');
      const done = t('registry.done', {
        schools: t('registry.schoolsN', { count: r.schools, n: formatNumber(r.schools, lang) }),
        districts: t('registry.districtsN', { count: r.districts, n: formatNumber(r.districts, lang) }),
      });
      setMsg({ ok: true, text: r.moved ? `${done} ${t('registry.moved', { n: formatNumber(r.moved, lang) })}` : done });
      if (r.notInFile.total) setMissing(r.notInFile);
      setUnlisted(r.agentsUnlisted);
    } catch (err) {
      const listed = take(err);
      setMsg({
        ok: false,
        text: listed
          ? t('registry.refused', { count: listed, n: formatNumber(listed, lang) })
          : t('admin.failed', { message: errorText(err, lang) }),
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" data-testid="registry-import">
      <h2>{t('registry.title')}</h2>
      <p className="muted small">{t('registry.hint')}</p>
      <p className="muted small">
        {t('registry.columns', {
          columns: REGISTRY_CSV_COLUMNS.join(', '),
          optional: REGISTRY_CSV_OPTIONAL.join(', '),
        })}
      </p>
      <form className="inline-form" onSubmit={submit}>
        <label>
          {t('registry.file')} <input type="file" name="file" accept=".csv,.json,text/csv,application/json" required />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? t('registry.importing') : t('registry.submit')}
        </button>
      </form>
      <FormMessage msg={msg} />
      {problems.length > 0 && (
        <ul className="error small" data-testid="registry-problems">
          {/* each problem names its line: the same text twice is the same problem */}
          {[...new Set(problems.slice(0, SHOWN))].map((p) => (
            <li key={p}>{p}</li>
          ))}
          {problems.length > SHOWN && <li>{t('registry.more', { n: formatNumber(problems.length - SHOWN, lang) })}</li>}
        </ul>
      )}
      {unlisted.length > 0 && (
        <p className="warn small" data-testid="registry-agents-unlisted">
          {t('registry.agentsUnlisted', { agents: unlisted.map((a) => `${a.agentId} (${a.schoolId})`).join(', ') })}
        </p>
      )}
      {missing && (
        <div data-testid="registry-not-in-file">
          <p className="warn small">{t('registry.notInFile', { n: formatNumber(missing.total, lang) })}</p>
          <ul className="small scroll-list">
            {missing.schools.map((s) => (
              <li key={s.id}>
                <Link to={`/schools/${encodeURIComponent(s.id)}`}>{placeName(s, lang)}</Link>{' '}
                <span className="muted">
                  {s.id} · {s.districtId}
                </span>
              </li>
            ))}
            {missing.total > missing.schools.length && (
              <li>{t('registry.more', { n: formatNumber(missing.total - missing.schools.length, lang) })}</li>
            )}
          </ul>
        </div>
      )}
    </section>
  );
}
