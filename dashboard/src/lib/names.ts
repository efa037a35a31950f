/** A place's or school's name, as its record gives it in each language. Schools and districts have no English name in
 * the registry: English pages show the Russian one. */
export type Named = { nameEn?: string; nameRu: string; nameKk: string };

/** The name to show in the page's language (kk, ru, en; a regional variant such as en-US counts as its language). */
export function placeName(x: Named, lang: string): string {
  if (lang.startsWith('kk')) return x.nameKk;
  if (lang.startsWith('en') && x.nameEn) return x.nameEn;
  return x.nameRu;
}
