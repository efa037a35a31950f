import {
  type AckSla,
  type Alert,
  type AlertAction,
  type Assignee,
  BY_CENTRE,
  episodeStart,
  eventTextIn,
  parseNotifiedLine,
  type Region,
  type Severity,
  snoozed,
} from '@kuzet/protocol';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { type FormEvent, memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, errorText } from '../api/client.ts';
import { useUser } from '../hooks/auth.tsx';
import { useRegionNames } from '../hooks/region-names.ts';
import { useResource } from '../hooks/resource.ts';
import { overSla } from '../lib/alerts.ts';
import { formatTime } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';
import { AlertPlace } from './AlertPlace';

/** the snoozes offered (the server allows up to MAX_SNOOZE_MINUTES) */
const SNOOZE_MINUTES = [15, 30, 60, 120, 240];

export const SEVERITY_META: Record<Severity, { icon: string; cls: string }> = {
  critical: { icon: '‼', cls: 'sev-critical' },
  major: { icon: '!', cls: 'sev-major' },
  minor: { icon: '•', cls: 'sev-minor' },
  info: { icon: 'i', cls: 'sev-info' },
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useTranslation();
  return (
    <span className={`sev ${SEVERITY_META[severity].cls}`}>
      <span aria-hidden="true">{SEVERITY_META[severity].icon}</span> {t(`alerts.sev.${severity}`)}
    </span>
  );
}

/** Alerts as a list: severity, what, where, when, state; each opens its detail. */
export function AlertList({
  alerts,
  onChange,
  cursorId,
}: {
  alerts: Alert[];
  onChange?: (a: Alert) => void;
  /** the row the keyboard is on (the feed's j/k) */
  cursorId?: string;
}) {
  const { t } = useTranslation();
  const sla = useResource(() => api.alertSla(), []).data;
  const regions = useRegionNames();
  // the highlight follows the clock, not only new data
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  // only the rows near the screen are in the page (the feed of a storm holds hundreds, each with its forms: all of
  // them made every filter change a long task of up to 0.6 s); rows are measured as they render
  const list = useRef<HTMLUListElement>(null);
  // where the list starts in the document (what is above it moves it: filters, banners)
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    const top = Math.round((list.current?.getBoundingClientRect().top ?? 0) + window.scrollY);
    if (top !== margin) setMargin(top);
  });
  const v = useWindowVirtualizer({
    count: alerts.length,
    estimateSize: () => (onChange ? 120 : 70),
    overscan: 6,
    scrollMargin: margin,
    getItemKey: (i) => alerts[i]!.id,
  });
  const cursorIndex = cursorId ? alerts.findIndex((a) => a.id === cursorId) : -1;
  useEffect(() => {
    if (cursorIndex >= 0) v.scrollToIndex(cursorIndex, { align: 'auto' });
  }, [cursorIndex, v]);
  if (!alerts.length) return <p className="muted">{t('alerts.none')}</p>;
  const items = v.getVirtualItems();
  return (
    <ul
      ref={list}
      className="alerts"
      data-testid="alert-list"
      style={{ height: v.getTotalSize(), position: 'relative' }}
    >
      {items.map((row) => {
        const a = alerts[row.index]!;
        return (
          <AlertRow
            key={a.id}
            a={a}
            sla={sla}
            now={now}
            cursor={a.id === cursorId}
            onChange={onChange}
            index={row.index}
            measure={v.measureElement}
            top={row.start - v.options.scrollMargin}
            region={regions.get(a.regionCode)}
          />
        );
      })}
    </ul>
  );
}

/** One alert of the feed (memoised: a live change to one alert renders that row only). */
const AlertRow = memo(function AlertRow({
  a,
  sla,
  now,
  cursor,
  onChange,
  index,
  measure,
  top,
  region,
}: {
  a: Alert;
  sla: AckSla | undefined;
  now: number;
  cursor: boolean;
  onChange?: (a: Alert) => void;
  index: number;
  measure: (el: Element | null) => void;
  top: number;
  /** the alert's region, named (its code until the names are read) */
  region?: Region;
}) {
  const { t, i18n } = useTranslation();
  const late = overSla(a, sla, now);
  return (
    <li
      ref={measure}
      data-index={index}
      style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${top}px)` }}
      className={`alert-row state-${a.state}${late ? ' over-sla' : ''}${cursor ? ' cursor' : ''}`}
      aria-current={cursor || undefined}
      data-alert={a.id}
      data-state={a.state}
      data-rule={a.rule}
      data-over-sla={late || undefined}
    >
      <div className="alert-head">
        <SeverityBadge severity={a.severity} />{' '}
        <Link to={`/alerts/${a.id}`} className="alert-title">
          {t(`alerts.rule.${a.rule}`)}
        </Link>{' '}
        <span className="muted small">#{a.id}</span>
        {late && <strong className="sla-badge"> {t('alerts.overSla', { n: sla![a.severity] })}</strong>}
      </div>
      <div className="small">
        <AlertPlace alert={a} />
        {a.cameras ? ` · ${t('alerts.cameras', { n: a.cameras, count: a.cameras })}` : ''} ·{' '}
        <span data-testid="alert-region">{region ? placeName(region, i18n.language) : a.regionCode}</span> ·{' '}
        {/* a reopened alert: when it came back */}
        <time dateTime={episodeStart(a)}>{formatTime(episodeStart(a), i18n.language)}</time> ·{' '}
        <strong>{t(`alerts.st.${a.state}`)}</strong>
        {a.repeats > 0 && ` · ${t('alerts.repeats', { n: a.repeats })}`}
        {(a.reopens ?? 0) > 0 && <span data-testid="alert-reopens"> · {t('alerts.reopens', { n: a.reopens })}</span>}
        {a.assignee && ` · ${t('alerts.assignee', { who: a.assignee })}`}
        {snoozed(a, now) && (
          <span className="snoozed" data-testid="snoozed">
            {' · '}
            {t('alerts.snoozedUntil', { time: formatTime(a.snoozedUntil!, i18n.language) })}
          </span>
        )}
        {a.escalationLevel > 0 && ` · ${t('alerts.level', { n: a.escalationLevel })}`}
        {a.suppressed && <span className="muted"> · ⚒ {t('alerts.suppressed')}</span>}
      </div>
      <AlertWhat alert={a} className="small muted" />
      {onChange && a.state !== 'resolved' && <AlertActions alert={a} onChange={onChange} compact />}
    </li>
  );
});

/**
 * The actions on an alert, each with its own input: acknowledge (the note, optional), comment (the note), assign (to a
 * colleague picked from the list of those who may see the school), resolve (a reason, required, asked for when
 * resolving). School staff only comment.
 */
export function AlertActions({
  alert,
  onChange,
  compact = false,
}: {
  alert: Alert;
  onChange: (a: Alert) => void;
  compact?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const [text, setText] = useState('');
  const [reason, setReason] = useState<string>();
  // the operator just asked to resolve: the reason is what comes next (also from the feed's keyboard)
  const reasonInput = useRef<HTMLInputElement>(null);
  const asking = reason !== undefined;
  useEffect(() => {
    if (asking) reasonInput.current?.focus();
  }, [asking]);
  const [assignees, setAssignees] = useState<Assignee[]>();
  const [error, setError] = useState<string>();
  // a colleague picked with the mouse is assigned at once; one typed is assigned when typing stops (or on Enter, or
  // on leaving the list): the list's type-ahead passes through other names on the way ("o", "op75", "op75b"), and
  // each assignment tells that colleague
  const [pick, setPick] = useState('');
  const picked = useRef('');
  const typedAt = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout>>(undefined);
  const commitPick = useRef<() => void>(() => undefined);
  useEffect(() => () => clearTimeout(idle.current), []);
  const canAct = user.role === 'admin' || user.role === 'operator';
  const canComment = canAct || user.role === 'school';
  if (!canComment) return null;
  const run = (action: AlertAction) => (e?: FormEvent) => {
    e?.preventDefault();
    setError(undefined);
    api.alertAction(alert.id, action).then(
      (a) => {
        // only what this action used is cleared: the answer to an earlier action (an assignment) must not wipe a
        // reason or note being typed meanwhile
        if (action.action === 'comment' || (action.action === 'ack' && action.comment)) setText('');
        if (action.action === 'resolve') setReason(undefined);
        onChange(a);
      },
      (err: Error) => setError(errorText(err, i18n.language)),
    );
  };
  const choose = (to: string) => {
    picked.current = to;
    setPick(to);
  };
  commitPick.current = () => {
    clearTimeout(idle.current);
    const to = picked.current;
    choose('');
    if (to) run({ action: 'assign', to })();
  };
  // the list is read when the operator first opens it
  const loadAssignees = () => {
    if (!assignees)
      api.alertAssignees(alert.id).then(setAssignees, (err: Error) => setError(errorText(err, i18n.language)));
  };
  const placeholder = canAct ? t('alerts.commentPlaceholder') : t('alerts.staffPlaceholder');
  return (
    <form
      className={compact ? 'alert-actions compact' : 'alert-actions'}
      // Enter in the reason resolves, Enter in the note comments (the keyboard's way through: c, the note, Enter;
      // r, the reason, Enter); Escape leaves the field (and the reason) for the feed's keys
      onSubmit={(e) => {
        e.preventDefault();
        if (reason !== undefined) {
          if (reason.trim()) run({ action: 'resolve', reason: reason.trim() })();
        } else if (text.trim()) run({ action: 'comment', text: text.trim() })();
      }}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        if (reason !== undefined) setReason(undefined);
        (document.activeElement as HTMLElement | null)?.blur();
      }}
    >
      {reason === undefined ? (
        <>
          <label>
            <span className="sr-only">{placeholder}</span>
            <input
              key="note"
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={placeholder}
              title={placeholder}
            />
          </label>
          {canAct && alert.state === 'open' && (
            <button type="button" onClick={run({ action: 'ack', ...(text ? { comment: text } : {}) })}>
              {t('alerts.ack')}
            </button>
          )}
          <button type="button" className="secondary" disabled={!text} onClick={run({ action: 'comment', text })}>
            {t('alerts.comment')}
          </button>
          {canAct && (
            <label>
              <span className="sr-only">{t('alerts.assignTo')}</span>
              <select
                value={pick}
                onFocus={loadAssignees}
                onMouseDown={loadAssignees}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') {
                    clearTimeout(idle.current);
                    choose('');
                  } else if (e.key === 'Enter') {
                    e.preventDefault();
                    commitPick.current();
                  } else typedAt.current = Date.now();
                }}
                onBlur={() => commitPick.current()}
                onChange={(e) => {
                  choose(e.target.value);
                  clearTimeout(idle.current);
                  if (Date.now() - typedAt.current > 500) commitPick.current();
                  else idle.current = setTimeout(() => commitPick.current(), 1000);
                }}
                data-testid="assign"
              >
                <option value="">{t('alerts.assignTo')}</option>
                {(assignees ?? []).map((a) => (
                  <option key={a.username} value={a.username} disabled={a.username === alert.assignee}>
                    {a.username}
                  </option>
                ))}
              </select>
            </label>
          )}
          {canAct && (
            <label>
              <span className="sr-only">{t('alerts.snooze')}</span>
              <select
                value=""
                onChange={(e) => e.target.value && run({ action: 'snooze', minutes: Number(e.target.value) })()}
                data-testid="snooze"
              >
                <option value="">{t('alerts.snooze')}</option>
                {SNOOZE_MINUTES.map((n) => (
                  <option key={n} value={n}>
                    {t('alerts.snoozeFor', { n })}
                  </option>
                ))}
                {snoozed(alert) && <option value="0">{t('alerts.unsnooze')}</option>}
              </select>
            </label>
          )}
          {canAct && alert.state !== 'resolved' && (
            <button type="button" className="danger" onClick={() => setReason('')}>
              {t('alerts.resolveStart')}
            </button>
          )}
        </>
      ) : (
        <>
          <label>
            <span className="sr-only">{t('alerts.reasonPlaceholder')}</span>
            <input
              key="reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder={t('alerts.reasonPlaceholder')}
              title={t('alerts.reasonPlaceholder')}
              data-testid="resolve-reason"
              ref={reasonInput}
            />
          </label>
          <button
            type="button"
            className="danger"
            disabled={!reason?.trim()}
            onClick={run({ action: 'resolve', reason: reason?.trim() ?? '' })}
          >
            {t('alerts.resolveConfirm')}
          </button>
          <button type="button" className="secondary" onClick={() => setReason(undefined)}>
            {t('alerts.cancel')}
          </button>
        </>
      )}
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </form>
  );
}

/** what a notification was about ("opened → webhook …", written by the centre) with that word in the page's language */
/**
 * An event's text in the page's language: a notification's kind, or what the centre wrote itself (why it resolved an
 * alert, an escalation's level); people's own words as they wrote them.
 */
export function notifiedText(type: string, text: string, t: (k: string) => string, lang = 'en'): string {
  const n = type === 'notified' || type === 'notify_failed' ? parseNotifiedLine(text) : undefined;
  if (n) return `${t(`alerts.ev.${n.event}`)} → ${n.target}`;
  if (type === 'commented' || type === 'acknowledged' || type === 'assigned') return text;
  return eventTextIn(text, lang === 'kk' || lang === 'ru' ? lang : 'en') ?? text;
}

export function AlertTimeline({ alert }: { alert: Alert }) {
  const { t, i18n } = useTranslation();
  return (
    <ol className="timeline" data-testid="alert-timeline">
      {alert.events.map((e, i) => (
        // events are append-only: their position is their identity
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <li key={i}>
          <time dateTime={e.at}>{formatTime(e.at, i18n.language)}</time> <strong>{t(`alerts.ev.${e.type}`)}</strong>
          {e.by && ` ${t('alerts.by', { who: e.by === BY_CENTRE ? t('alerts.byCentre') : e.by })}`}
          {e.type === 'snoozed' ? (
            <span>: {Number(e.text) > 0 ? t('alerts.snoozeFor', { n: Number(e.text) }) : t('alerts.snoozeEnded')}</span>
          ) : (
            e.text && <span>: {notifiedText(e.type, e.text, t, i18n.language)}</span>
          )}
        </li>
      ))}
    </ol>
  );
}

/** What an alert says beyond its rule, in the page's language: the camera's reasons, then the detail. */
export function AlertWhat({ alert: a, className }: { alert: Alert; className?: string }) {
  const { t, i18n } = useTranslation();
  const what = [a.reasons.map((r) => t(`reason.${r}`)).join(', '), detailIn(a, i18n.language)].filter(Boolean);
  if (!what.length) return null;
  return (
    <div className={className} data-testid="alert-what">
      {what.join(' · ')}
    </div>
  );
}

/** An alert's detail in the page's language when the centre wrote it in three, else as written. */
export function detailIn(a: Alert, lang: string): string | undefined {
  const d = a.details;
  if (!d) return a.detail;
  return lang.startsWith('kk') ? d.kk : lang.startsWith('ru') ? d.ru : d.en;
}
