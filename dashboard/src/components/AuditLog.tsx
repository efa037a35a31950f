import { AuditAction, type AuditEntry, auditSaid } from '@kuzet/protocol';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client.ts';
import { useReloadOnApiChange } from '../hooks/api-change.ts';
import { useResource } from '../hooks/resource.ts';
import { formatTime } from '../lib/format.ts';
import { Async } from './Async.tsx';

const PAGE = 200;
/** the server's most per request */
const MAX = 1000;

interface Filter {
  action?: string;
  username?: string;
  cameraId?: string;
  /** days read from the archive (the newest entries without); one alone: that day */
  from?: string;
  to?: string;
}

/**
 * The audit log (admins): who viewed which camera's picture or live video — children appear in them —, sign-ins and
 * failed ones, changes of access, of the requirements and of the registry, exports. Newest first, filtered by
 * action, user or camera on the server; more on request. Days (a month at most) are read from the archive, where
 * they are kept after the newest entries (Redis keeps 100,000) have moved on.
 */
export function AuditLog() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [filter, setFilter] = useState<Filter>({});
  const [limit, setLimit] = useState(PAGE);
  const entries = useResource(
    () => api.audit({ limit, ...filter }),
    [limit, filter.action, filter.username, filter.cameraId, filter.from, filter.to],
  );
  // what this page changes (a user, the registry, an agent revoked) is audited: read again after it
  useReloadOnApiChange(entries.reload);
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    setLimit(PAGE);
    setFilter({
      action: get('action'),
      username: get('username'),
      cameraId: get('cameraId'),
      from: get('from'),
      to: get('to'),
    });
  };
  return (
    <section className="panel" data-testid="audit-log">
      <h2>{t('audit.title')}</h2>
      <p className="muted small">
        {t('audit.hint')} {t('audit.dayHint')}
      </p>
      <form className="inline-form" onSubmit={apply}>
        <label>
          {t('audit.action')}{' '}
          <select name="action" defaultValue="">
            <option value="">{t('audit.allActions')}</option>
            {AuditAction.options.map((a) => (
              <option key={a} value={a}>
                {t(`audit.actions.${a}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.user')} <input name="username" maxLength={64} />
        </label>
        <label>
          {t('audit.camera')} <input name="cameraId" pattern="cam-[0-9a-f]{16}" placeholder="cam-…" />
        </label>
        <label title={t('audit.dayHint')}>
          {t('audit.from')} <input type="date" name="from" data-testid="audit-from" />
        </label>
        <label title={t('audit.dayHint')}>
          {t('audit.to')} <input type="date" name="to" data-testid="audit-to" />
        </label>
        <button type="submit">{t('audit.filter')}</button> {/* other people's actions and sign-ins meanwhile */}
        <button type="button" onClick={entries.reload} data-testid="audit-refresh">
          {t('audit.refresh')}
        </button>
      </form>
      <Async r={entries}>
        {(es) =>
          es.length ? (
            <div className="table-scroll">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t('audit.at')}</th>
                    <th scope="col">{t('audit.user')}</th>
                    <th scope="col">{t('audit.action')}</th>
                    <th scope="col">{t('audit.what')}</th>
                    <th scope="col">{t('audit.address')}</th>
                  </tr>
                </thead>
                <tbody>
                  {es.map((e, i) => (
                    // entries have no id of their own; the time and who make one unless two fall in one millisecond
                    <tr
                      key={`${e.at}|${e.username}|${e.action}|${e.cameraId ?? ''}|${es[i - 1]?.at === e.at ? i : ''}`}
                    >
                      <td className="nowrap">
                        <time dateTime={e.at}>{formatTime(e.at, lang)}</time>
                      </td>
                      <td>
                        {e.username} <span className="muted small">{e.role ? t(`role.${e.role}`, e.role) : ''}</span>
                      </td>
                      <td data-action={e.action}>{t(`audit.actions.${e.action}`)}</td>
                      <td>
                        <Subject e={e} />
                      </td>
                      <td className="muted small">{e.ip}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">{t('audit.none')}</p>
          )
        }
      </Async>
      {(entries.data?.length ?? 0) >= limit && limit < MAX && (
        <button type="button" onClick={() => setLimit(Math.min(MAX, limit + PAGE))}>
          {t('audit.more')}
        </button>
      )}
    </section>
  );
}

/** what an entry was about: the camera, school or agent (linked where the dashboard has a page), and its detail */
function Subject({ e }: { e: AuditEntry }) {
  const { i18n } = useTranslation();
  return (
    <>
      {e.cameraId && <Link to={`/cameras/${e.cameraId}`}>{e.cameraId}</Link>}{' '}
      {e.schoolId && <Link to={`/schools/${e.schoolId}`}>{e.schoolId}</Link>} {e.agentId && <code>{e.agentId}</code>}{' '}
      {e.detail && (
        <span className="muted small">
          {localTimes(e.say ? auditSaid(e.say, i18n.language) : e.detail, i18n.language)}
        </span>
      )}
    </>
  );
}

/** an instant as the server writes it in a detail (ISO 8601, UTC) */
const INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z\b/g;

/**
 * A detail with each instant in it said as the page says every time — in the reader's time zone and language — with
 * the instant itself on hover: a maintenance window written "2026-12-06T21:35:30.128Z" is 02:35 in Almaty, and an
 * auditor reading the UTC hour as the local one is five hours off.
 */
export function localTimes(detail: string, lang: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of detail.matchAll(INSTANT)) {
    out.push(detail.slice(last, m.index));
    out.push(
      <time key={m.index} dateTime={m[0]} title={m[0]}>
        {formatTime(m[0], lang)}
      </time>,
    );
    last = m.index + m[0].length;
  }
  out.push(detail.slice(last));
  return out;
}
