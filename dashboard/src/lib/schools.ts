import {
  type CameraDelta,
  type ComplianceDelta,
  type ReasonCounts,
  type SchoolSummary,
  type VerdictState,
  verdictState,
} from '@kuzet/protocol';
import { placeName } from './names.ts';
import { moveCount, STATUSES, total, trouble, worstStatus } from './status.ts';

export type SortKey = 'name' | 'district' | 'cameras' | 'status' | 'retention' | 'resolution' | 'verdict';
export interface SchoolFilter {
  text: string;
  onlyTrouble: boolean;
}

/** cameras failing the recording-days requirement, and the resolution one (the centre's verdicts: each camera once) */
const retentionShort = (s: SchoolSummary) => s.compliance?.requirements?.retention ?? 0;
const resolutionLow = (s: SchoolSummary) => s.compliance?.requirements?.resolution ?? 0;
/** a school's verdict as the table shows it (protocol's verdictState, as the server's lists filter by it) */
export const verdictOf = (s: SchoolSummary): VerdictState => verdictState(s.compliance);
/** the verdict's rank, worst first when sorted descending: not covered, then not compliant, then compliant */
const verdictRank = (s: SchoolSummary) => ({ notcovered: 2, noncompliant: 1, compliant: 0 })[verdictOf(s)];
/** severity rank of a school: worst status first, then how many cameras are in trouble */
const severity = (s: SchoolSummary) => {
  const w = worstStatus(s.counts);
  return (w ? STATUSES.length - STATUSES.indexOf(w) : 0) * 1e6 + trouble(s.counts);
};

export const columns = { retentionShort, resolutionLow, severity };

export function filterSchools(rows: SchoolSummary[], f: SchoolFilter, lang: string): SchoolSummary[] {
  const q = f.text.trim().toLocaleLowerCase();
  return rows.filter((s) => {
    if (f.onlyTrouble && trouble(s.counts) === 0) return false;
    if (!q) return true;
    const name = (lang === 'ru' ? s.nameRu : s.nameKk).toLocaleLowerCase();
    return name.includes(q) || s.id.toLowerCase().includes(q) || s.nameRu.toLocaleLowerCase().includes(q);
  });
}

/**
 * Sorted copy of the rows; ties go by school id. Each row's sort key is computed once (not once per comparison:
 * with 7,500 rows a sort makes ~100,000 comparisons, and live changes re-sort the table several times a second).
 */
export function sortSchools(
  rows: SchoolSummary[],
  key: SortKey,
  dir: 'asc' | 'desc',
  lang: string,
  districtName: (id: string) => string,
): SchoolSummary[] {
  const sign = dir === 'asc' ? 1 : -1;
  const order = rows.map((_, i) => i);
  const byId = (a: number, b: number) => (rows[a]!.id < rows[b]!.id ? -1 : 1);
  if (key === 'name' || key === 'district') {
    const collator = new Intl.Collator(lang === 'en' ? 'ru' : lang);
    const k = rows.map((s) => (key === 'district' ? districtName(s.districtId) : placeName(s, lang)));
    order.sort((a, b) => sign * collator.compare(k[a]!, k[b]!) || byId(a, b));
  } else {
    const value = {
      cameras: (s: SchoolSummary) => total(s.counts),
      status: severity,
      retention: retentionShort,
      resolution: resolutionLow,
      verdict: verdictRank,
    }[key];
    const k = Float64Array.from(rows, value);
    order.sort((a, b) => sign * (k[a]! - k[b]!) || byId(a, b));
  }
  return order.map((i) => rows[i]!);
}

function moveReasons(r: ReasonCounts, before: string[], after: string[]): ReasonCounts {
  const out: Record<string, number> = { ...r };
  for (const x of before) out[x] = Math.max(0, (out[x] ?? 0) - 1);
  for (const x of after) out[x] = (out[x] ?? 0) + 1;
  return out as ReasonCounts;
}

/**
 * Applies live deltas to school rows (their counts by status and compliance counts), as the server's roll-ups
 * did. Returns the same array when no row changed.
 */
export function applyDeltas(rows: SchoolSummary[], deltas: CameraDelta[]): SchoolSummary[] {
  let out: SchoolSummary[] | undefined;
  let index: Map<string, number> | undefined;
  for (const d of deltas) {
    if (!d.previous) continue;
    index ??= new Map(rows.map((s, i) => [s.id, i]));
    const i = index.get(d.schoolId);
    if (i === undefined) continue;
    out ??= [...rows];
    const s = out[i]!;
    out[i] = {
      ...s,
      counts: moveCount(s.counts, d.previous.status, d.status),
      reasons: moveReasons(s.reasons, d.previous.counted, d.previous.countedNow),
    };
  }
  return out ?? rows;
}

/** Applies live compliance changes (the centre's verdicts) to the rows. */
export function applyCompliance(rows: SchoolSummary[], changes: ComplianceDelta[]): SchoolSummary[] {
  let out: SchoolSummary[] | undefined;
  const index = new Map(rows.map((s, i) => [s.id, i]));
  for (const c of changes) {
    const i = index.get(c.schoolId);
    if (i === undefined) continue;
    out ??= [...rows];
    const { schoolId: _s, districtId: _d, regionCode: _r, ...summary } = c;
    out[i] = { ...out[i]!, compliance: summary };
  }
  return out ?? rows;
}
