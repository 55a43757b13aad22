// Query text before it reaches the database: only letters and digits survive, terms fit the
// budget, and tsquery operands are always well-formed, whatever was typed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyOf, decodeMore, encodeMore, MAX_WORD_LENGTH, prefixOperand, queryWords, TERMS_BUDGET, termQuery, withinBudget } from '../../src/core/guide/query.ts';

describe('query words', () => {
  it('keeps lower-case words of letters and digits, deduplicated', () => {
    expect(queryWords("Wat zegt de Handreiking over 'vergoeding' & (vrijwilligers | VRIJWILLIGERS)?")).toEqual([
      'wat', 'zegt', 'de', 'handreiking', 'over', 'vergoeding', 'vrijwilligers',
    ]);
    expect(queryWords('coördinator ＦＵＬＬ e-mail 5 x 112 😀')).toEqual(['coördinator', 'full', 'mail', '5', '112']);
    expect(queryWords('')).toEqual([]);
    expect(queryWords('❤️❤️ 1️⃣ 👍🏽 \uFE0F\u20E3')).toEqual(['1']);
    expect(queryWords(`& | ! : * ( ) ' <-> \\ "`)).toEqual([]);
  });

  it('never lets syntax, quotes or control characters through, and caps word length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        for (const word of queryWords(text)) {
          expect(word).toMatch(/^[\p{L}\p{N}\p{M}]+$/u);
          expect(Array.from(word).length).toBeLessThanOrEqual(MAX_WORD_LENGTH);
        }
      }),
    );
  });

  it('keeps whole terms within the budget', () => {
    const terms = withinBudget(Array.from({ length: 30 }, (_, i) => `woord${i}`));
    expect(terms.join(' ').length).toBeLessThanOrEqual(TERMS_BUDGET);
    expect(terms[0]).toBe('woord0');
    expect(withinBudget(['a'.repeat(TERMS_BUDGET + 1)])).toEqual([]);
  });
});

describe('tsquery text', () => {
  it('quotes lexemes, escapes quotes and backslashes, and makes longer ones prefixes', () => {
    expect(prefixOperand('vrijwilliger')).toBe("'vrijwilliger':*");
    expect(prefixOperand('we')).toBe("'we'");
    expect(prefixOperand("o'neil\\x")).toBe("'o''neil\\\\x':*");
    expect(termQuery([['financir'], ['financier']])).toBe("('financir':* | 'financier':*)");
    expect(termQuery([['covid', '19']])).toBe("('covid':* & '19')");
    expect(termQuery([[]])).toBe('');
    expect(anyOf(["'a'", '', "'b'"])).toBe("'a' | 'b'");
  });
});

describe('"more results" values', () => {
  it('round-trip, and refuse anything else', () => {
    expect(decodeMore(encodeMore(3, ['vrijwilligers', 'betalen']))).toEqual({ offset: 3, query: 'vrijwilligers betalen', english: false });
    // An English search stays English on the next page.
    expect(decodeMore(encodeMore(3, ['forced', 'marriage'], true))).toEqual({ offset: 3, query: 'forced marriage', english: true });
    expect(decodeMore('3 e marriage')).toEqual({ offset: 3, query: 'e marriage', english: false });
    for (const value of [undefined, '', 'abc', '3', '-1 x', '99999 x']) expect(decodeMore(value)).toBeUndefined();
  });
});
