/**
 * A schematic tile map of Kazakhstan's 20 first-level units: one tile per region at its rough place (column =
 * west → east, row = north → south). Drawn from this table, so it works offline and has no licence to carry.
 */
export const REGION_TILES: Record<string, { col: number; row: number; short: string }> = {
  'KZ-39': { col: 4, row: 1, short: 'KOS' },
  'KZ-59': { col: 5, row: 1, short: 'SKO' },
  'KZ-55': { col: 7, row: 1, short: 'PAV' },
  'KZ-27': { col: 1, row: 2, short: 'ZKO' },
  'KZ-15': { col: 3, row: 2, short: 'AKT' },
  'KZ-11': { col: 5, row: 2, short: 'AKM' },
  'KZ-71': { col: 6, row: 2, short: 'AST' },
  'KZ-10': { col: 8, row: 2, short: 'ABA' },
  'KZ-63': { col: 9, row: 2, short: 'VKO' },
  'KZ-23': { col: 2, row: 3, short: 'ATY' },
  'KZ-62': { col: 4, row: 3, short: 'ULY' },
  'KZ-35': { col: 6, row: 3, short: 'KAR' },
  'KZ-47': { col: 1, row: 4, short: 'MAN' },
  'KZ-43': { col: 4, row: 4, short: 'KZY' },
  'KZ-33': { col: 8, row: 4, short: 'ZHT' },
  'KZ-61': { col: 5, row: 5, short: 'TUR' },
  'KZ-31': { col: 6, row: 5, short: 'ZHA' },
  'KZ-19': { col: 7, row: 5, short: 'ALM' },
  'KZ-79': { col: 5, row: 6, short: 'SHY' },
  'KZ-75': { col: 7, row: 6, short: 'ALA' },
};

/** Tile fill by share of cameras in trouble: a sequential scale (light = fine, dark red = bad). */
export function troubleFill(share: number, hasCameras: boolean): string {
  if (!hasCameras) return '#e5e7eb';
  if (share === 0) return '#d8f0dc';
  if (share < 0.02) return '#fdf0c4';
  if (share < 0.05) return '#fbd38d';
  if (share < 0.15) return '#f6a06b';
  if (share < 0.3) return '#e4604e';
  return '#b3261e';
}

/** Dark fills need light text. */
export const tileText = (share: number) => (share >= 0.15 ? '#ffffff' : '#111827');
