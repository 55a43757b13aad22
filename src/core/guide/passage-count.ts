// The number of passages, as the query analysis divides by it (the share of passages with a word).

/**
 * The number of passages, kept in GuideLexeme under the empty lexeme (no text stems to '')
 * when the vocabulary is rebuilt: a share of passages is a division by it, twice per question,
 * and `count(*)` over the passages is a sequential scan of the whole table, which on PGlite
 * cost about as much as the rest of the query analysis together (EXPLAIN ANALYZE at 5,000
 * passages: 958 buffers, 28–33 ms of 40). A vocabulary built before it was kept counts them
 * (the functions guide_analyse_words and guide_lookup_thesaurus fall back to `count(*)`).
 */
export const PASSAGE_COUNT_LEXEME = '';
