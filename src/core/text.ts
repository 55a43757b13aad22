// Small text helpers shared by the domain: stable ids from names, and loose name matching.

/** Lower-case ascii slug: "'s-Hertogenbosch" → "s-hertogenbosch", "Café Één" → "cafe-een". */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** For matching names loosely: no accents or case, and the word "gemeente" left out. */
export function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\bgemeente\b/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
