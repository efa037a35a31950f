import { type District, SchoolReason, type SchoolSummary } from '@kuzet/protocol';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type MouseEvent, memo, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { formatNumber } from '../lib/format.ts';
import { placeName } from '../lib/names.ts';
import { columns, filterSchools, type SortKey, sortSchools, verdictOf } from '../lib/schools.ts';
import { STATUS_META, STATUSES, total, worstStatus } from '../lib/status.ts';

const ROW_HEIGHT = 44;
const HEAD_HEIGHT = 42;
/** more than ever fit on a screen */
const SLOTS = 128;

/** Sortable, filterable, virtualised table of schools (only the visible rows are in the DOM). */
export function SchoolTable({
  rows,
  districts,
  works,
}: {
  rows: SchoolSummary[];
  districts: Map<string, District>;
  /** schools with planned works under way (nobody is paged for them): marked beside their names */
  works?: Set<string>;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [sort, setSort] = useState<Sort>({ key: 'status', dir: 'desc' });
  const [text, setText] = useState('');
  const [onlyTrouble, setOnlyTrouble] = useState(false);
  const districtName = (id: string) => {
    const d = districts.get(id);
    return d ? placeName(d, lang) : id;
  };
  // districts matter only to the district order: their names arriving (after the rows, as often as not) must not
  // sort 7,500 rows again while the user may already be scrolling
  const byDistrict = sort.key === 'district' ? districts : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: districtName depends on districts + lang only
  const shown = useMemo(
    () => sortSchools(filterSchools(rows, { text, onlyTrouble }, lang), sort.key, sort.dir, lang, districtName),
    [rows, text, onlyTrouble, sort, lang, byDistrict],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: t changes with lang
  const rowText = useMemo<RowText>(
    () => ({
      status: Object.fromEntries(STATUSES.map((x) => [x, t(`status.${x}`)])),
      compliant: t('table.compliant'),
      short: (n: number) => t('table.short', { n }),
      failingCams: (n: number) => t('compliance.failingCams', { n }),
      notCovered: t('compliance.notCovered'),
      works: t('table.works'),
      nonCompliant: t('table.nonCompliant'),
      schoolReason: Object.fromEntries(SchoolReason.options.map((r) => [r, t(`compliance.schoolReason.${r}`)])),
    }),
    [lang],
  );
  const scroller = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();
  // rows hold plain links (a router <Link> per row is several hooks for every row that scrolls past); one handler
  // here makes them client-side navigations, and leaves new-tab clicks to the browser
  const onLinkClick = (e: MouseEvent<HTMLDivElement>) => {
    const a = (e.target as HTMLElement).closest('a');
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(a.getAttribute('href')!);
  };
  const v = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    paddingStart: HEAD_HEIGHT,
    initialRect: { width: 1200, height: 600 },
    overscan: 3,
  });
  const items = v.getVirtualItems();
  return (
    <div className="schooltable">
      <Filters
        text={text}
        setText={setText}
        onlyTrouble={onlyTrouble}
        setOnlyTrouble={setOnlyTrouble}
        shown={shown.length}
        total={rows.length}
      />
      {/* An ARIA table of positioned rows, not a <table>: a table re-lays out all of itself whenever a row comes or
          goes, which made fast scrolling through 7,500 rows miss frames. Each row here is laid out on its own.
          (biome.json lets this file use ARIA table roles on divs, and a click handler that only delegates the
          rows' links, which are keyboard-reachable themselves.) */}
      <div ref={scroller} className="tscroll" data-testid="school-rows" onClick={onLinkClick}>
        <div role="table" className="vtable" aria-rowcount={shown.length + 1} style={{ height: v.getTotalSize() }}>
          <div role="rowgroup" className="vhead">
            <HeadRow sort={sort} setSort={setSort} />
          </div>
          <div role="rowgroup">
            {items.map((item) => (
              <SchoolRow
                // keyed by slot, not by school: a row scrolling out hands its DOM to the one scrolling in (text and
                // attributes change; no elements are created and thrown away for every row that passes by)
                key={items.length > SLOTS ? item.index : item.index % SLOTS}
                s={shown[item.index]!}
                rowIndex={item.index + 2}
                top={item.start}
                lang={lang}
                district={districtName(shown[item.index]!.districtId)}
                text={rowText}
                works={works?.has(shown[item.index]!.id) ?? false}
              />
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}

// The header and the filters are their own memoised components: scrolling re-renders the table on every frame, and
// their dozen translated labels were a twentieth of that work (profiled), for nothing that changes.

type Sort = { key: SortKey; dir: 'asc' | 'desc' };

const HeadRow = memo(function HeadRow({ sort, setSort }: { sort: Sort; setSort: (s: Sort) => void }) {
  const { t } = useTranslation();
  const head = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <div
        role="columnheader"
        className={`th th-${key}`}
        aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      >
        <button
          type="button"
          title={t('table.sortBy', { column: label })}
          onClick={() => setSort({ key, dir: active && sort.dir === 'desc' ? 'asc' : 'desc' })}
        >
          {label} <span aria-hidden="true">{active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
        </button>
      </div>
    );
  };
  return (
    <div role="row" className="vrow" aria-rowindex={1}>
      {head('name', t('table.school'))}
      {head('district', t('table.district'))}
      {head('status', t('table.status'))}
      {head('cameras', t('table.cameras'))}
      {head('retention', t('table.retention'))}
      {head('resolution', t('table.resolution'))}
      {head('verdict', t('table.verdict'))}
    </div>
  );
});

const Filters = memo(function Filters(p: {
  text: string;
  setText: (s: string) => void;
  onlyTrouble: boolean;
  setOnlyTrouble: (b: boolean) => void;
  shown: number;
  total: number;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <div className="filters">
      <label>
        <span className="sr-only">{t('table.filter')}</span>
        <input
          type="search"
          placeholder={t('table.filter')}
          value={p.text}
          onChange={(e) => p.setText(e.target.value)}
        />
      </label>
      <label className="check">
        <input type="checkbox" checked={p.onlyTrouble} onChange={(e) => p.setOnlyTrouble(e.target.checked)} />{' '}
        {t('table.onlyTrouble')}
      </label>
      <span className="muted" aria-live="polite">
        {t('table.rows', { shown: formatNumber(p.shown, lang), total: formatNumber(p.total, lang), count: p.total })}
      </span>
    </div>
  );
});

/** Words a row needs, computed once per language (rows use no hooks: thousands of them scroll past). */
interface RowText {
  status: Record<string, string>;
  compliant: string;
  /** the long form (a cell's title) and the short one (what a narrow column shows, as the compliance page does) */
  short: (n: number) => string;
  failingCams: (n: number) => string;
  notCovered: string;
  nonCompliant: string;
  schoolReason: Record<string, string>;
  /** a school with planned works under way */
  works: string;
}

/** A requirement's column: the centre's verdict (a school without a working agent or cameras is "not covered"). */
function Compliance({ n, covered, text }: { n: number; covered: boolean; text: RowText }) {
  // (a title: whatever a narrow column cuts stays readable)
  if (!covered)
    return (
      <span className="bad" title={text.notCovered}>
        ✕ {text.notCovered}
      </span>
    );
  if (n === 0)
    return (
      <span className="ok" title={text.compliant}>
        ✓ {text.compliant}
      </span>
    );
  return (
    <span className="bad" title={text.short(n)}>
      ✕ {text.failingCams(n)}
    </span>
  );
}

/**
 * The school's verdict (the centre's, every requirement and zone): compliant, not compliant (its reasons as the
 * title), or not covered.
 */
function VerdictCell({ s, text }: { s: SchoolSummary; text: RowText }) {
  const v = s.compliance;
  if (!v?.covered)
    return (
      <span className="bad" title={text.notCovered}>
        ✕ {text.notCovered}
      </span>
    );
  if (v.compliant)
    return (
      <span className="ok" title={text.compliant}>
        ✓ {text.compliant}
      </span>
    );
  const why = v.reasons.map((r) => text.schoolReason[r] ?? r).join('; ');
  return (
    <span className="bad" title={why}>
      ✕ {text.nonCompliant}
    </span>
  );
}

/** One row; memoised, so that scrolling renders only the rows that come into view. */
const SchoolRow = memo(function SchoolRow({
  s,
  rowIndex,
  top,
  lang,
  district,
  text,
  works,
}: {
  s: SchoolSummary;
  rowIndex: number;
  /** offset from the table's top, px */
  top: number;
  lang: string;
  district: string;
  text: RowText;
  works: boolean;
}) {
  const cams = total(s.counts);
  const worst = worstStatus(s.counts);
  return (
    <div
      role="row"
      className="vrow vbody-row"
      aria-rowindex={rowIndex}
      data-school={s.id}
      style={{ transform: `translateY(${top}px)` }}
    >
      <div role="cell" className="td td-name" title={`${placeName(s, lang)} · ${s.id}`}>
        {works && (
          <span className="warn" title={text.works} data-testid="works">
            ⚒{' '}
          </span>
        )}
        <a href={`/schools/${s.id}`}>{placeName(s, lang)}</a>
        <span className="muted small"> {s.id}</span>
      </div>
      <div role="cell" className="td" title={district}>
        {district}
      </div>
      <div role="cell" className="td">
        {worst ? (
          <span className={`st st-${worst}`}>
            {STATUS_META[worst].icon} {text.status[worst]}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </div>
      <div role="cell" className="td">
        {cams ? (
          <span className="counts-text">
            {STATUSES.filter((x) => (s.counts[x] ?? 0) > 0).map((x) => (
              <span key={x} className={`st st-${x}`} data-status={x} title={text.status[x]}>
                {STATUS_META[x].icon}
                <span className="sr-only">{text.status[x]}</span> {formatNumber(s.counts[x] ?? 0, lang)}
              </span>
            ))}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </div>
      <div role="cell" className="td">
        <Compliance n={columns.retentionShort(s)} covered={s.compliance?.covered ?? false} text={text} />
      </div>
      <div role="cell" className="td">
        <Compliance n={columns.resolutionLow(s)} covered={s.compliance?.covered ?? false} text={text} />
      </div>
      <div role="cell" className="td" data-verdict={verdictOf(s)}>
        <VerdictCell s={s} text={text} />
      </div>
    </div>
  );
});
