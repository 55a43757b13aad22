// Searching the guide: PostgreSQL full-text search with the `dutch` configuration over the
// weighted vector of each passage (title A > tags B > body C, kept by a trigger, GIN-indexed),
// widened with trigram similarity for words the guide does not contain (typos). The same SQL
// runs on PGlite and PostgreSQL.
//
//  1. analyse: per query word, its Dutch lexemes (none: a stop word), whether the guide has a
//     word starting with them, and for words it lacks, the most similar words of the guide's
//     vocabulary (GuideTerm, trigram index).
//  2. rank: every term as a prefix (partial words: "eergerel"), a missing term also as its
//     similar words, OR-combined; ts_rank orders, the GIN index finds the rows. A term in
//     more than a quarter of the passages ("gemeente") counts in the ranking but does not by
//     itself make a passage match, as long as the query has rarer terms: better results, and
//     the GIN index stays selective instead of ranking half the guide.
//  3. headline: snippets (ts_headline) for the page of results only.
// Nothing found: the closest passage titles and vocabulary words by trigram similarity.
import type { Tx } from '../store.ts';
import { anyOf, MIN_PREFIX_LENGTH, queryWords, termQuery, withinBudget } from './query.ts';

/** Similar vocabulary words replace a missing word from this trigram similarity on. */
const TYPO_SIMILARITY = 0.45;
/** Suggestions when nothing matched: passage titles and words from this similarity on. */
const SUGGEST_SIMILARITY = 0.3;
/** A term in more than this share of the passages does not make a match on its own. */
const COMMON_SHARE = 0.25;
/** ts_rank weights for D, C (body), B (tags), A (title). */
const RANK_WEIGHTS = '{0.05, 0.25, 0.5, 1.0}';
const HEADLINE_OPTIONS = 'StartSel="**", StopSel="**", MaxWords=22, MinWords=10, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "';

export interface AnalysedWord {
  word: string;
  /** Dutch lexemes of the word; empty for a stop word. */
  lexemes: string[];
  /** Some passage has a word starting with these lexemes. */
  found: boolean;
  /** The share of passages with the word (0–1, from GuideLexeme). */
  share: number;
  /** For a word not found: the guide's most similar words (typo correction). */
  similar: { word: string; lexemes: string[]; score: number }[];
}

export interface RankedRow {
  id: string;
  slug: string;
  rank: number;
  total: number;
  snippet: string;
}

export interface SearchPlan {
  /** Every cleaned word of the query, in order. */
  words: AnalysedWord[];
  /** The terms searched for (stop words out, within the budget): what "more results" repeats. */
  terms: string[];
  /** The tsquery that ranks, built from lexemes only; '' when nothing is left to search for. */
  tsquery: string;
  /** The tsquery a passage must match: `tsquery` without the very common terms. */
  matchQuery: string;
  /** Typos and the words they were read as. */
  corrections: { term: string; words: string[] }[];
}

export async function planSearch(db: Tx, query: string): Promise<SearchPlan> {
  const words = queryWords(query);
  if (words.length === 0) return { words: [], terms: [], tsquery: '', matchQuery: '', corrections: [] };
  const analysed = await analyse(db, words);
  const meaningful = analysed.filter((word) => word.lexemes.length > 0);
  const terms = withinBudget(meaningful.map((word) => word.word));
  const used = meaningful.filter((word) => terms.includes(word.word));
  const operand = (word: AnalysedWord) => termQuery([word.lexemes, ...(word.found ? [] : word.similar.map((s) => s.lexemes))]);
  const tsquery = anyOf(used.map(operand));
  const distinctive = used.filter((word) => word.share <= COMMON_SHARE);
  const matchQuery = distinctive.length > 0 ? anyOf(distinctive.map(operand)) : tsquery;
  const corrections = used
    .filter((word) => !word.found && word.similar.length > 0)
    .map((word) => ({ term: word.word, words: word.similar.map((s) => s.word) }));
  return { words: analysed, terms, tsquery, matchQuery, corrections };
}

async function analyse(db: Tx, words: string[]): Promise<AnalysedWord[]> {
  const rows = await db.$queryRaw<
    { i: number; word: string; lexemes: string[]; found: boolean; share: number; similar: string | null; similar_lexemes: string[] | null; score: number | null }[]
  >`
    WITH w AS (
      SELECT u.i::int AS i, u.word, tsvector_to_array(to_tsvector('dutch', u.word)) AS lexemes
      FROM unnest(${words}::text[]) WITH ORDINALITY AS u(word, i)
    ), f AS (
      SELECT w.*, cardinality(w.lexemes) > 0 AND EXISTS (
        SELECT 1 FROM "GuidePassage" p
        WHERE p."search" @@ to_tsquery('simple', array_to_string(ARRAY(
          SELECT quote_literal(l) || CASE WHEN length(l) >= ${MIN_PREFIX_LENGTH} THEN ':*' ELSE '' END FROM unnest(w.lexemes) AS l), ' & '))
      ) AS found,
      coalesce((SELECT max(x.passages) FROM "GuideLexeme" x WHERE x.lexeme = ANY (w.lexemes)), 0)::float8
        / greatest((SELECT count(*) FROM "GuidePassage"), 1) AS share
      FROM w
    )
    SELECT f.i, f.word, f.lexemes, f.found, f.share, s.word AS similar, s.lexemes AS similar_lexemes, s.score::float8 AS score
    FROM f
    LEFT JOIN LATERAL (
      SELECT g.word, tsvector_to_array(to_tsvector('dutch', g.word)) AS lexemes, similarity(g.word, f.word) AS score
      FROM "GuideTerm" g
      WHERE NOT f.found AND cardinality(f.lexemes) > 0 AND length(f.word) >= 4 AND g.word % f.word
      ORDER BY similarity(g.word, f.word) DESC, g.passages DESC, g.word
      LIMIT 3
    ) s ON s.score >= ${TYPO_SIMILARITY}
    ORDER BY f.i, s.score DESC NULLS LAST, s.word`;
  const byIndex = new Map<number, AnalysedWord>();
  for (const row of rows) {
    let word = byIndex.get(row.i);
    if (!word) {
      word = { word: row.word, lexemes: row.lexemes, found: row.found, share: Number(row.share), similar: [] };
      byIndex.set(row.i, word);
    }
    if (row.similar && row.similar_lexemes?.length) word.similar.push({ word: row.similar, lexemes: row.similar_lexemes, score: Number(row.score) });
  }
  return [...byIndex.values()];
}

/** One page of ranked passages with snippets, and how many matched in all. */
export async function rankPassages(db: Tx, plan: Pick<SearchPlan, 'tsquery' | 'matchQuery'>, limit: number, offset: number): Promise<RankedRow[]> {
  const rows = await db.$queryRaw<{ id: string; slug: string; rank: number; total: bigint | number; snippet: string }[]>`
    WITH q AS (SELECT ${plan.tsquery}::tsquery AS q, ${plan.matchQuery}::tsquery AS m),
    page AS (
      SELECT p.id, p.slug, ts_rank(${RANK_WEIGHTS}::float4[], p."search", q.q)::float8 AS rank, count(*) OVER () AS total
      FROM "GuidePassage" p, q
      WHERE p."search" @@ q.m
      ORDER BY rank DESC, p.slug
      LIMIT ${limit} OFFSET ${offset}
    )
    SELECT page.id, page.slug, page.rank, page.total,
           ts_headline('dutch', p.body, q.q, ${HEADLINE_OPTIONS}) AS snippet
    FROM page JOIN "GuidePassage" p ON p.id = page.id, q
    ORDER BY page.rank DESC, page.slug`;
  return rows.map((row) => ({ id: row.id, slug: row.slug, rank: Number(row.rank), total: Number(row.total), snippet: row.snippet }));
}

/** How many passages match, when the page asked for lies past the end. */
export async function countMatches(db: Tx, matchQuery: string): Promise<number> {
  const [row] = await db.$queryRaw<{ total: bigint | number }[]>`
    SELECT count(*) AS total FROM "GuidePassage" WHERE "search" @@ ${matchQuery}::tsquery`;
  return Number(row?.total ?? 0);
}

/** Passage titles closest to the words (trigram word similarity), best first. */
export async function similarTitles(db: Tx, text: string, limit: number): Promise<{ slug: string; score: number }[]> {
  if (!text.trim()) return [];
  const rows = await db.$queryRaw<{ slug: string; score: number }[]>`
    SELECT slug, word_similarity(${text}, lower(title))::float8 AS score
    FROM "GuidePassage"
    WHERE word_similarity(${text}, lower(title)) >= ${SUGGEST_SIMILARITY}
    ORDER BY score DESC, slug
    LIMIT ${limit}`;
  return rows.map((row) => ({ slug: row.slug, score: Number(row.score) }));
}

/** Vocabulary words closest to each of the words (did you mean …?). */
export async function similarWords(db: Tx, words: string[], perWord = 2): Promise<string[]> {
  const candidates = words.filter((word) => word.length >= 3);
  if (candidates.length === 0) return [];
  const rows = await db.$queryRaw<{ word: string }[]>`
    SELECT s.word
    FROM unnest(${candidates}::text[]) WITH ORDINALITY AS u(word, i)
    CROSS JOIN LATERAL (
      SELECT g.word, similarity(g.word, u.word) AS score
      FROM "GuideTerm" g
      WHERE g.word % u.word AND g.word <> u.word
      ORDER BY similarity(g.word, u.word) DESC, g.passages DESC, g.word
      LIMIT ${perWord}
    ) s
    WHERE s.score >= ${SUGGEST_SIMILARITY}
    ORDER BY u.i, s.score DESC`;
  return [...new Set(rows.map((row) => row.word))];
}

/** Titles for autocomplete: the words as a prefix of any title word, else by similarity. */
export async function titlesLike(db: Tx, partial: string, limit: number): Promise<{ slug: string; chapter: string; title: string }[]> {
  const text = queryWords(partial).join(' ');
  if (!text) {
    return db.$queryRaw`SELECT slug, chapter, title FROM "GuidePassage" ORDER BY chapter, position, slug LIMIT ${limit}`;
  }
  return db.$queryRaw`
    SELECT slug, chapter, title FROM "GuidePassage"
    WHERE lower(title) LIKE ${'%' + escapeLike(text) + '%'} OR word_similarity(${text}, lower(title)) >= ${SUGGEST_SIMILARITY}
    ORDER BY (lower(title) LIKE ${'%' + escapeLike(text) + '%'}) DESC, word_similarity(${text}, lower(title)) DESC, slug
    LIMIT ${limit}`;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Every word of the guide with its passage count, from the passages themselves ('simple'
 * configuration: lower-cased words, no stemming), and every Dutch lexeme likewise. Called in
 * the transaction that changed the passages.
 */
export async function vocabularyMissing(db: Tx): Promise<boolean> {
  const [row] = await db.$queryRaw<{ missing: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM "GuidePassage") AND NOT EXISTS (SELECT 1 FROM "GuideLexeme") AS missing`;
  return row?.missing === true;
}

export async function rebuildVocabulary(db: Tx): Promise<void> {
  await db.$executeRaw`DELETE FROM "GuideLexeme"`;
  await db.$executeRaw`
    INSERT INTO "GuideLexeme" (lexeme, passages)
    SELECT word, ndoc FROM ts_stat($$SELECT "search" FROM "GuidePassage"$$)`;
  await db.$executeRaw`DELETE FROM "GuideTerm"`;
  await db.$executeRaw`
    INSERT INTO "GuideTerm" (word, passages)
    SELECT word, ndoc FROM ts_stat($$SELECT to_tsvector('simple', title || ' ' || array_to_string(tags, ' ') || ' ' || body) FROM "GuidePassage"$$)
    WHERE length(word) BETWEEN 3 AND 40 AND word !~ '[0-9]'`;
}

