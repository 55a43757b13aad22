// What a person types into a search box, made safe and small before it goes near the database:
// only letters and digits survive (no tsquery syntax, no quotes, no emoji), words are deduped
// and capped, and the tsquery text is built here from lexemes the database returned, so no
// input can produce a tsquery syntax error. Parameters are always bound, never spliced.

/** Words longer than this are cut (a pasted URL or a 1,000-letter word is not a search term). */
export const MAX_WORD_LENGTH = 40;
/** At most this many words of a query are looked at. */
export const MAX_QUERY_WORDS = 24;
/**
 * The searched terms, joined by spaces, stay within this many characters. It keeps a search
 * small and lets a "more results" button carry the whole search in its value: Discord allows
 * 100 characters for `handreiking.meer|<value>`, and the value also holds the offset.
 */
export const TERMS_BUDGET = 70;

/** Lower-case words of letters and digits (with their accents), in order, without duplicates. */
export function queryWords(query: string): string[] {
  const words = query
    .normalize('NFKC')
    // Emoji presentation: variation selectors and combining keycaps/enclosures.
    .replace(/[\uFE00-\uFE0F\u20D0-\u20FF\u{E0100}-\u{E01EF}]/gu, ' ')
    .toLowerCase()
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .map((word) => Array.from(word).slice(0, MAX_WORD_LENGTH).join(''))
    // A single letter says nothing; a single digit might (e.g. "hoofdstuk 5"), keep those.
    // Marks alone (an emoji's variation selector) are no word.
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .filter((word) => word.length >= 2 || /^\p{N}$/u.test(word));
  return [...new Set(words)].slice(0, MAX_QUERY_WORDS);
}

/** The first terms that fit the budget (joined by single spaces). */
export function withinBudget(terms: string[], budget = TERMS_BUDGET): string[] {
  const kept: string[] = [];
  let used = -1;
  for (const term of terms) {
    if (used + 1 + term.length > budget) break;
    kept.push(term);
    used += 1 + term.length;
  }
  return kept;
}

/** Shorter lexemes match only themselves: "we" as a prefix would match half the guide. */
export const MIN_PREFIX_LENGTH = 4;

/**
 * One lexeme as a tsquery operand: quoted (quotes and backslashes escaped), long ones as a
 * prefix, optionally only in some weights ("AB": title and tags).
 */
export function prefixOperand(lexeme: string, weights = ''): string {
  const quoted = `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  const prefix = [...lexeme].length >= MIN_PREFIX_LENGTH ? '*' : '';
  return prefix || weights ? `${quoted}:${prefix}${weights}` : quoted;
}

/** Alternatives of one term: any of them matches. A term of several lexemes needs all of them. */
export function termQuery(alternatives: string[][], weights = ''): string {
  const parts = alternatives.filter((lexemes) => lexemes.length > 0).map((lexemes) => lexemes.map((l) => prefixOperand(l, weights)).join(' & '));
  const unique = [...new Set(parts)].map((part) => (part.includes('&') ? `(${part})` : part));
  return unique.length > 1 ? `(${unique.join(' | ')})` : (unique[0] ?? '');
}

/** Any term matches (ranking decides how well): colloquial questions rarely share every word. */
export function anyOf(termQueries: string[]): string {
  return termQueries.filter(Boolean).join(' | ');
}

/**
 * A "more results" button value: `<offset> <terms…>`, within Discord's custom_id limit; an
 * English search is `<offset>e <terms…>`, so the next page is searched the same way.
 */
export function encodeMore(offset: number, terms: string[], english = false): string {
  return `${offset}${english ? 'e' : ''} ${terms.join(' ')}`;
}

export function decodeMore(value: string | undefined): { offset: number; query: string; english: boolean } | undefined {
  const match = value ? /^(\d{1,4})(e?) (.+)$/s.exec(value) : null;
  return match ? { offset: Number(match[1]), query: match[3]!, english: match[2] === 'e' } : undefined;
}
