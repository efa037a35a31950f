import {
  fieldProblem,
  KZ_REGIONS,
  type Localized,
  NATIONAL_DEFAULT_PROFILE,
  type ProblemCode,
  type ProblemParams,
  problemText,
  REGISTRY_CSV_COLUMNS,
  Registry,
  School,
} from '@kuzet/protocol';
import type { z } from 'zod';

/**
 * The field separator of a CSV: the one its header line uses more, outside quotes. Excel writes ';' where the list
 * separator is one (Windows in Russian or Kazakh, as in Kazakhstan's offices), ',' elsewhere.
 */
export function csvSeparator(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** Rows of a CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF), its separator found by `csvSeparator`. */
export function parseCsv(text: string, sep: ',' | ';' = csvSeparator(text)): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

/** the columns a schools CSV must have (BIN and district KATO optional: REGISTRY_CSV_OPTIONAL) */
export const CSV_COLUMNS = REGISTRY_CSV_COLUMNS;

/**
 * A problem of an imported file: the line it is on (1 is the header; 0 a JSON registry's, which has no lines) and what
 * is wrong, in English (`reason`) and in the three languages (protocol's problems.ts).
 */
export interface RowError {
  line: number;
  reason: string;
  localized: Localized;
}

/** A problem on a line, from the protocol's table of problems (one wording for the API and the dashboard). */
export function rowError(line: number, code: ProblemCode, params: ProblemParams = {}): RowError {
  const localized = problemText(code, params);
  return { line, reason: localized.en, localized };
}

/** A value the schema refused on a line, said in the three languages after its field (protocol/src/problems.ts). */
export function issueError(line: number, field: string, issue: z.core.$ZodIssue): RowError {
  const localized = fieldProblem(field, issue);
  return { line, reason: localized.en, localized };
}

/** the file's column a field of the school's schema comes from (the schema's names are not the file's) */
const COLUMN_OF: Record<string, string> = {
  id: 'school_id',
  districtId: 'district_id',
  regionCode: 'region_code',
  nameKk: 'name_kk',
  nameRu: 'name_ru',
};

/**
 * A registry from a schools CSV, checked row by row: every bad row is reported with its line number and reason
 * (a missing column, a field the schema refuses, a BIN whose check digit is wrong, a school or BIN twice, a
 * district given two regions), and nothing is returned when any row is bad — a file is applied whole or not at all.
 */
export function importRegistryCsv(text: string): { registry?: Registry; errors: RowError[] } {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header) return { errors: [rowError(1, 'file_empty')] };
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) return { errors: [rowError(1, 'missing_columns', { columns: missing.join(', ') })] };
  const at = (name: string) => header.indexOf(name);
  const errors: RowError[] = [];
  const schools: Registry['schools'] = [];
  const districts = new Map<string, Registry['districts'][number] & { line: number }>();
  const seenIds = new Map<string, number>();
  const seenBins = new Map<string, number>();
  for (const [i, r] of rows.entries()) {
    const line = i + 2;
    const get = (c: string) => (at(c) >= 0 ? (r[at(c)] ?? '').trim() : '');
    if (r.length < header.length) {
      errors.push(rowError(line, 'field_count', { fields: r.length, header: header.length }));
      continue;
    }
    const row = {
      id: get('school_id'),
      districtId: get('district_id'),
      regionCode: get('region_code'),
      nameKk: get('name_kk'),
      nameRu: get('name_ru'),
      address: get('address'),
      // Excel where ';' separates writes a decimal comma: 43,2567
      lat: Number(get('lat').replace(',', '.')),
      lon: Number(get('lon').replace(',', '.')),
      agents: get('agents').split(/\s+/).filter(Boolean),
      profile: get('profile') || NATIONAL_DEFAULT_PROFILE.name,
      ...(get('bin') ? { bin: get('bin') } : {}),
    };
    // a coordinate that is no number says so in words (the schema's own message is "expected number, received NaN")
    const coords = (['lat', 'lon'] as const).filter((c) => !Number.isFinite(row[c]));
    for (const c of coords) errors.push(rowError(line, 'not_a_number', { field: c, value: get(c) }));
    const v = School.safeParse(row, { reportInput: true });
    if (coords.length || !v.success) {
      for (const issue of v.error?.issues ?? [])
        if (!coords.includes(issue.path[0] as 'lat' | 'lon'))
          errors.push(issueError(line, COLUMN_OF[String(issue.path[0])] ?? String(issue.path[0] ?? 'row'), issue));
      continue;
    }
    if (!KZ_REGIONS.some((x) => x.code === row.regionCode))
      errors.push(rowError(line, 'region_unknown', { region: row.regionCode }));
    if (!row.districtId.startsWith(`${row.regionCode}-`) && !row.districtId.startsWith(row.regionCode))
      errors.push(rowError(line, 'district_not_in_region', { district: row.districtId, region: row.regionCode }));
    const dupe = seenIds.get(row.id);
    if (dupe) errors.push(rowError(line, 'school_twice', { school: row.id, line: dupe }));
    seenIds.set(row.id, line);
    if (row.bin) {
      const b = seenBins.get(row.bin);
      if (b) errors.push(rowError(line, 'bin_twice', { bin: row.bin, line: b }));
      seenBins.set(row.bin, line);
    }
    let kato = get('district_kato');
    if (kato && !/^\d{9}$/.test(kato)) {
      errors.push(rowError(line, 'kato_digits', { kato }));
      kato = '';
    }
    const d = districts.get(row.districtId);
    if (d && d.regionCode !== row.regionCode)
      errors.push(
        rowError(line, 'district_region_conflict', { district: row.districtId, region: d.regionCode, line: d.line }),
      );
    if (d && kato && d.kato && d.kato !== kato)
      errors.push(rowError(line, 'district_kato_conflict', { district: row.districtId, kato: d.kato, line: d.line }));
    if (!d)
      districts.set(row.districtId, {
        id: row.districtId,
        regionCode: row.regionCode,
        nameRu: get('district_name_ru'),
        nameKk: get('district_name_kk'),
        ...(kato ? { kato } : {}),
        line,
      });
    schools.push(v.data);
  }
  if (!rows.length) errors.push(rowError(2, 'no_school'));
  if (errors.length) return { errors };
  const registry = Registry.parse({
    regions: KZ_REGIONS,
    districts: [...districts.values()].map(({ line: _l, ...d }) => d),
    schools,
    profiles: [NATIONAL_DEFAULT_PROFILE],
  });
  return { registry, errors: [] };
}

/**
 * A registry from a schools CSV (one row per school, columns CSV_COLUMNS; `agents` separated by spaces). Regions
 * are the 20 official ones; districts come from the rows; the national default profile is always present. The
 * result is validated by the Registry schema by the importer, which lists every problem.
 */
export function registryFromCsv(text: string): Registry {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header) throw new Error('empty CSV');
  const col = (name: (typeof CSV_COLUMNS)[number]) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`CSV has no column "${name}" (needs: ${CSV_COLUMNS.join(', ')})`);
    return i;
  };
  const idx = Object.fromEntries(CSV_COLUMNS.map((c) => [c, col(c)])) as Record<(typeof CSV_COLUMNS)[number], number>;
  const districts = new Map<string, Registry['districts'][number]>();
  const schools: Registry['schools'] = rows.map((r) => {
    const get = (c: (typeof CSV_COLUMNS)[number]) => (r[idx[c]] ?? '').trim();
    districts.set(get('district_id'), {
      id: get('district_id'),
      regionCode: get('region_code'),
      nameRu: get('district_name_ru'),
      nameKk: get('district_name_kk'),
    });
    return {
      id: get('school_id'),
      districtId: get('district_id'),
      regionCode: get('region_code'),
      nameKk: get('name_kk'),
      nameRu: get('name_ru'),
      address: get('address'),
      // Excel where ';' separates writes a decimal comma: 43,2567
      lat: Number(get('lat').replace(',', '.')),
      lon: Number(get('lon').replace(',', '.')),
      agents: get('agents').split(/\s+/).filter(Boolean),
      profile: get('profile') || NATIONAL_DEFAULT_PROFILE.name,
    };
  });
  return { regions: KZ_REGIONS, districts: [...districts.values()], schools, profiles: [NATIONAL_DEFAULT_PROFILE] };
}
