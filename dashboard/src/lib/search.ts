/** Rows an admin list shows at most: the rest are found by searching (7,500 agents, as many school staff). */
export const SHOWN = 100;

/**
 * The rows a search finds: each of its words (case-insensitive) in one of the row's fields; every row when the
 * search is empty. In the list's order.
 */
export function matching<T>(rows: T[], query: string, fields: (row: T) => (string | undefined)[]): T[] {
  const words = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return rows;
  return rows.filter((r) => {
    const text = fields(r).filter(Boolean).join('\u0000').toLocaleLowerCase();
    return words.every((w) => text.includes(w));
  });
}
