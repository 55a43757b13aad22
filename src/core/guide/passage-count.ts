// The number of passages, as the query analysis divides by it (the share of passages with a word).
import { Prisma } from '../../generated/prisma/client.ts';

/**
 * The number of passages, kept in GuideLexeme under the empty lexeme (no text stems to '')
 * when the vocabulary is rebuilt: a share of passages is a division by it, twice per question,
 * and `count(*)` over the passages is a sequential scan of the whole table, which on PGlite
 * cost about as much as the rest of the query analysis together (EXPLAIN ANALYZE at 5,000
 * passages: 958 buffers, 28–33 ms of 40). A vocabulary built before it was kept counts them.
 */
export const PASSAGE_COUNT_LEXEME = '';
export const PASSAGE_COUNT = Prisma.sql`greatest(coalesce(
  (SELECT x.passages FROM "GuideLexeme" x WHERE x.lexeme = ${PASSAGE_COUNT_LEXEME}),
  (SELECT count(*) FROM "GuidePassage")), 1)::float8`;

