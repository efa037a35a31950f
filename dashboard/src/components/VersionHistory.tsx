import type { DocumentVersion } from '@kuzet/protocol';
import { Fragment, type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorText } from '../api/client.ts';
import { formatTime } from '../lib/format.ts';
import { ConfirmAction } from './ConfirmAction.tsx';

/*
 * The history of a document administrators change as a whole (the requirements, the alerting configuration): each
 * version, when it came into force, who stored it and what it changed; a version opened; an earlier one brought back.
 */

/**
 * A panel folded until opened (its body is rendered, and so loaded, only then); opened and scrolled to at once when
 * the page's address names its anchor.
 */
export function FoldedPanel(p: {
  title: string;
  testid: string;
  anchor?: string;
  folded?: boolean;
  className?: string;
  children: () => ReactNode;
}) {
  const linked = !!p.anchor && window.location.hash === `#${p.anchor}`;
  const [open, setOpen] = useState(!p.folded || linked);
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (linked) ref.current?.scrollIntoView();
  }, [linked]);
  if (!p.folded)
    return (
      <section className="panel" data-testid={p.testid}>
        <h2>{p.title}</h2>
        {p.children()}
      </section>
    );
  return (
    <details
      ref={ref}
      {...(p.anchor ? { id: p.anchor } : {})}
      open={open}
      className={`panel folded-panel ${p.className ?? ''}`}
      data-testid={p.testid}
      onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary>
        <h2>{p.title}</h2>
      </summary>
      {open && p.children()}
    </details>
  );
}

/**
 * Bringing a version back: `run` stores version n as `next`; `status` says what came of it (`said`: the words for a
 * success, given the version brought back and the one it became). A refusal the server says can be overcome by
 * leaving out what the version names that is gone since lists those problems and offers to bring it back without
 * them. `done` reloads what shows the document.
 */
export function useRestore(
  restore: (n: number, next: number, drop?: boolean) => Promise<{ version: number }>,
  said: (n: number, v: number) => string,
  done: () => void,
) {
  const { t, i18n } = useTranslation();
  const [msg, setMsg] = useState<string>();
  const [refused, setRefused] = useState<{ n: number; next: number; error: ApiError }>();
  const run = (n: number, next: number, drop = false) => {
    setRefused(undefined);
    return restore(n, next, drop).then(
      (r) => {
        setMsg(said(n, r.version));
        done();
      },
      (e: Error) => {
        if (e instanceof ApiError && e.droppable) {
          setMsg(undefined);
          setRefused({ n, next, error: e });
        } else setMsg(t('admin.failed', { message: errorText(e, i18n.language) }));
      },
    );
  };
  const status = refused ? (
    <div className="notice" role="alert" data-testid="restore-refused">
      <p>{t('versions.refused', { n: refused.n })}</p>
      <ul>
        {refused.error.problemsIn(i18n.language).map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <button type="button" onClick={() => void run(refused.n, refused.next, true)}>
        {t('versions.restoreWithout')}
      </button>{' '}
      <button type="button" className="secondary" onClick={() => setRefused(undefined)}>
        {t('common.cancel')}
      </button>
    </div>
  ) : (
    msg && <p role="status">{msg}</p>
  );
  return { status, run };
}

/** Who stored a version: a user, the configuration file, or not recorded; and the version it brought back. */
function byWhom(v: DocumentVersion, t: ReturnType<typeof useTranslation>['t']): string {
  const who = v.by ?? (v.source === 'file' ? t('versions.file') : t('versions.unrecorded'));
  return v.restoredFrom !== undefined ? `${who} · ${t('versions.restoredFrom', { n: v.restoredFrom })}` : who;
}

/**
 * The versions, newest first: number (the one in force marked), when, by whom, what changed (`changes`); "Show" opens
 * `detail` under its row; "Bring back" (when `restore` is given) asks first, then stores it as the next version.
 */
export function VersionTable<V extends DocumentVersion>(p: {
  versions: V[];
  current: number;
  changes: (v: V) => ReactNode;
  detail?: (n: number) => ReactNode;
  restore?: { question: (n: number, next: number) => string; run: (n: number, next: number) => Promise<unknown> };
}) {
  const { t, i18n } = useTranslation();
  const [shown, setShown] = useState<number>();
  const cols = 4 + (p.detail || p.restore ? 1 : 0);
  return (
    <div className="table-scroll">
      <table className="cams version-history">
        <thead>
          <tr>
            <th scope="col">{t('versions.version')}</th>
            <th scope="col">{t('versions.from')}</th>
            <th scope="col">{t('versions.by')}</th>
            <th scope="col">{t('versions.changes')}</th>
            {cols > 4 && <th scope="col" />}
          </tr>
        </thead>
        <tbody>
          {p.versions.map((v) => (
            <Fragment key={v.version}>
              <tr data-version={v.version}>
                <th scope="row" className="nowrap">
                  v{v.version}
                  {v.version === p.current && <div className="ok small">{t('versions.inForce')}</div>}
                </th>
                <td className="nowrap">{formatTime(v.at, i18n.language)}</td>
                <td>{byWhom(v, t)}</td>
                <td>{p.changes(v)}</td>
                {cols > 4 && (
                  <td className="nowrap">
                    {p.detail && (
                      <button
                        type="button"
                        className="secondary"
                        aria-expanded={shown === v.version}
                        data-show-version={v.version}
                        onClick={() => setShown(shown === v.version ? undefined : v.version)}
                      >
                        {shown === v.version ? t('versions.hide') : t('versions.show')}
                      </button>
                    )}{' '}
                    {p.restore && v.version !== p.current && (
                      <ConfirmAction
                        name={`restore-${v.version}`}
                        label={t('versions.restore')}
                        question={p.restore.question(v.version, p.current + 1)}
                        onConfirm={() => p.restore!.run(v.version, p.current + 1)}
                      />
                    )}
                  </td>
                )}
              </tr>
              {p.detail && shown === v.version && (
                <tr>
                  <td colSpan={cols}>{p.detail(v.version)}</td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
