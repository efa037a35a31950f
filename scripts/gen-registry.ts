/**
 * Generates a clearly synthetic registry: the 20 first-level regions of Kazakhstan (real codes and names), synthetic
 * districts and ~7,500 synthetic schools with one agent each. Deterministic (seeded).
 * Usage: node --import tsx scripts/gen-registry.ts [out.json] [schools=7500]
 */
import { writeFileSync } from 'node:fs';
import { KZ_REGIONS, NATIONAL_DEFAULT_PROFILE, Registry } from '@kuzet/protocol';

/** Approximate centre (lat, lon) and relative number of schools of each region. */
const GEO: Record<string, [number, number, number]> = {
  'KZ-10': [50.4, 80.2, 330],
  'KZ-11': [52.3, 70.0, 500],
  'KZ-15': [49.0, 58.0, 420],
  'KZ-19': [44.5, 77.5, 600],
  'KZ-23': [47.1, 51.9, 200],
  'KZ-27': [50.5, 51.5, 360],
  'KZ-31': [43.9, 72.0, 450],
  'KZ-33': [45.0, 79.5, 350],
  'KZ-35': [49.0, 73.5, 450],
  'KZ-39': [52.0, 63.5, 500],
  'KZ-43': [44.8, 65.5, 290],
  'KZ-47': [44.0, 53.5, 160],
  'KZ-55': [52.3, 76.9, 350],
  'KZ-59': [54.0, 69.5, 450],
  'KZ-61': [42.5, 68.5, 1000],
  'KZ-62': [48.0, 67.5, 70],
  'KZ-63': [49.5, 84.0, 400],
  'KZ-71': [51.16, 71.45, 250],
  'KZ-75': [43.24, 76.9, 320],
  'KZ-79': [42.32, 69.6, 300],
};

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function generateRegistry(total = 7500): Registry {
  const rand = rng(20261123);
  const weight = Object.values(GEO).reduce((a, g) => a + g[2], 0);
  const regions = KZ_REGIONS;
  const districts: Registry['districts'] = [];
  const schools: Registry['schools'] = [];
  for (const { code } of KZ_REGIONS) {
    const [lat, lon, w] = GEO[code]!;
    const city = ['KZ-71', 'KZ-75', 'KZ-79'].includes(code);
    const nDistricts = city ? 4 + Math.floor(rand() * 5) : 8 + Math.floor(rand() * 10);
    const n = Math.round((total * w) / weight);
    for (let d = 1; d <= nDistricts; d++) {
      districts.push({
        id: `${code}-${String(d).padStart(2, '0')}`,
        regionCode: code,
        nameRu: `${city ? 'Синтетический район города' : 'Синтетический район'} №${d}`,
        nameKk: `${city ? 'Қаланың синтетикалық ауданы' : 'Синтетикалық аудан'} №${d}`,
      });
    }
    const spread = city ? 0.12 : 2.0;
    for (let i = 1; i <= n; i++) {
      const d = 1 + Math.floor(rand() * nDistricts);
      const id = `${code}-${String(d).padStart(2, '0')}-${String(i).padStart(4, '0')}`;
      schools.push({
        id,
        districtId: `${code}-${String(d).padStart(2, '0')}`,
        regionCode: code,
        nameKk: `Синтетикалық мектеп №${i} (${code})`,
        nameRu: `Синтетическая школа №${i} (${code})`,
        address: `${code}, синтетический адрес ${i}`,
        lat: Math.round((lat + (rand() - 0.5) * spread) * 1e4) / 1e4,
        lon: Math.round((lon + (rand() - 0.5) * spread * 1.6) * 1e4) / 1e4,
        agents: [`agent-${id}`],
        profile: code === 'KZ-71' || code === 'KZ-75' ? 'city-strict' : NATIONAL_DEFAULT_PROFILE.name,
      });
    }
  }
  const profiles = [
    NATIONAL_DEFAULT_PROFILE,
    {
      name: 'city-strict',
      minRetentionDays: 45,
      minWidth: 1920,
      minHeight: 1080,
      minFps: 15,
      maxClockDriftSeconds: 10,
      maxGapMinutes: 5,
    },
  ];
  return Registry.parse({ regions, districts, schools, profiles });
}

if (process.argv[1]?.endsWith('gen-registry.ts')) {
  const out = process.argv[2] ?? 'var/registry.json';
  const reg = generateRegistry(Number(process.argv[3] ?? 7500));
  writeFileSync(out, JSON.stringify(reg));
  process.stdout.write(
    `${reg.schools.length} schools, ${reg.districts.length} districts, ${reg.regions.length} regions → ${out}\n`,
  );
}
