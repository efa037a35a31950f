import { KZ_REGIONS, NATIONAL_DEFAULT_PROFILE, type Registry } from '@kuzet/protocol';

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
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
    else if (c === ',') {
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

export const CSV_COLUMNS = [
  'school_id',
  'region_code',
  'district_id',
  'district_name_ru',
  'district_name_kk',
  'name_kk',
  'name_ru',
  'address',
  'lat',
  'lon',
  'agents',
  'profile',
] as const;

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
      lat: Number(get('lat')),
      lon: Number(get('lon')),
      agents: get('agents').split(/\s+/).filter(Boolean),
      profile: get('profile') || NATIONAL_DEFAULT_PROFILE.name,
    };
  });
  return { regions: KZ_REGIONS, districts: [...districts.values()], schools, profiles: [NATIONAL_DEFAULT_PROFILE] };
}
