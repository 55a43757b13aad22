// Searching the guide: PostgreSQL full-text search with the `dutch` configuration over the
// weighted vector of each passage (title A > tags B > body C, kept by a trigger, GIN-indexed),
// widened with the thesaurus of the field and trigram similarity for typos. The same SQL runs
// on PGlite and PostgreSQL.
//
//  1. analyse: per query word, its Dutch lexemes (none: a stop word), whether the guide has a
//     word starting with them, and for words it lacks, the most similar words of the guide's
//     vocabulary (GuideTerm, trigram index); per phrase of 1–4 words, what the thesaurus says it
//     is also searched as (GuideThesaurus).
//  2. concepts: the question as the things it asks about. A phrase the thesaurus knows is one
//     concept ("gedwongen huwelijk", "forced marriage"); every other word is one. Each has
//     exact alternatives (its own lexemes, the words a typo was read as, the Dutch translation
//     of an English term) and thesaurus alternatives (synonyms, related terms), which count
//     for less. English terms are read as Dutch when the question is English (detected, or the
//     member's language), or when the guide lacks the word anyway ("LHBTI acceptance").
//  3. rank: every alternative as a prefix, OR-combined; the GIN index finds the rows. The rank
//     is ts_rank of the exact alternatives, plus less for the thesaurus ones, plus the share of
//     the question's concepts that the title and tags cover: a passage whose heading answers
//     the whole question beats a body that repeats one of its words. A concept in more than a
//     quarter of the passages ("gemeente") counts in the ranking but does not by itself make a
//     passage match, as long as the question has rarer ones. One GIN scan finds the passages
//     with a rarer concept; each one's coverage is read from two small inline vectors (`heading`:
//     title and tags; `stripped`: `search` without positions), and only the best-covered
//     candidates get the text rank, which has to read the large `search` vector.
//  4. headline: snippets (ts_headline) for the page of results only.
// Nothing found: the closest passage titles, vocabulary words and thesaurus terms.
import type { Tx } from '../store.ts';
import type { PassageView } from './guide.ts';
import { isEnglishStopWord, looksEnglish } from './english.ts';
import { anyOf, MIN_PREFIX_LENGTH, queryWords, termQuery, withinBudget } from './query.ts';
import { PASSAGE_COUNT_LEXEME } from './passage-count.ts';
import { thesaurusLookup, type LookupRow, type ThesaurusMatch } from './thesaurus-store.ts';

/** Similar vocabulary words replace a missing word from this trigram similarity on. */
const TYPO_SIMILARITY = 0.45;
/** Suggestions when nothing matched: passage titles and words from this similarity on. */
const SUGGEST_SIMILARITY = 0.3;
/** A term in more than this share of the passages does not make a match on its own. */
const COMMON_SHARE = 0.25;
/** ts_rank weights for D, C (body), B (tags), A (title). */
const RANK_WEIGHTS = '{0.05, 0.25, 0.5, 1.0}';
/** Thesaurus alternatives count for this much of an exact match. */
const THESAURUS_WEIGHT = 0.5;
/** The rank added when title and tags cover every concept of the question (in proportion). */
const HEADING_COVERAGE_WEIGHT = 0.5;
/** The rank added when the passage covers every concept anywhere (in proportion). */
const COVERAGE_WEIGHT = 0.2;
/**
 * ts_rank normalisation 2: divided by the passage's length, so a long body that repeats a word
 * does not outrank a short passage about exactly that (top-1 of the paraphrases 74% → 83%).
 */
const RANK_NORMALISATION = 2;
/** Alternatives per concept: no thesaurus entry can make one question large. */
const MAX_ALTERNATIVES = 12;
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

/** The passage itself comes with the rank: one round trip less per question. */
export interface RankedRow extends PassageView {
  id: string;
  rank: number;
  total: number;
  snippet: string;
}

/** One thing the question asks about: a word, or a phrase the thesaurus knows. */
export interface Concept {
  /** The words of the question it stands for. */
  label: string;
  /** Lexeme sets searched at full weight. */
  exact: string[][];
  /** Lexeme sets from the thesaurus, weighted below exact matches. */
  expanded: string[][];
  /** The share of passages with its most distinctive alternative (0–1). */
  share: number;
  /** Dutch terms an English term was searched as. */
  translatedAs: string[];
  /** Dutch thesaurus terms it was also searched as. */
  alsoAs: string[];
}

export interface SearchPlan {
  /** Every cleaned word of the query, in order. */
  words: AnalysedWord[];
  /** The question read as English (its English terms searched as their Dutch translations). */
  english: boolean;
  concepts: Concept[];
  /** The searched words (stop words out, within the budget): what "more results" repeats. */
  terms: string[];
  /** The tsquery of the exact alternatives; '' when nothing is left to search for. */
  tsquery: string;
  /** The tsquery of the thesaurus alternatives ('' when none). */
  expandedQuery: string;
  /** The tsquery a passage must match: every alternative of the concepts that are not very common. */
  matchQuery: string;
  /** Per concept, all its alternatives restricted to title and tags; and anywhere. */
  headingQueries: string[];
  conceptQueries: string[];
  /** The concepts (1-based, into conceptQueries) of which matchQuery is made. */
  matchConcepts: number[];
  /** Typos and the words they were read as. */
  corrections: { term: string; words: string[] }[];
  /** English terms and the Dutch words they were searched as. */
  translations: { term: string; words: string[] }[];
  /** Dutch words also searched as thesaurus terms. */
  expansions: { term: string; words: string[] }[];
}

export interface PlanOptions {
  /** Read English terms as Dutch whatever the question looks like (the member speaks English, or a fallback). */
  english?: boolean;
}

const EMPTY_PLAN: Omit<SearchPlan, 'words' | 'english'> = {
  concepts: [],
  terms: [],
  tsquery: '',
  expandedQuery: '',
  matchQuery: '',
  headingQueries: [],
  conceptQueries: [],
  matchConcepts: [],
  corrections: [],
  translations: [],
  expansions: [],
};

export async function planSearch(db: Tx, query: string, options: PlanOptions = {}): Promise<SearchPlan> {
  const words = queryWords(query);
  if (words.length === 0) return { ...EMPTY_PLAN, words: [], english: false };
  const { words: analysed, matches: found } = await analyse(db, words);
  const matches = found.filter((m) => m.lexemes.length > 0);
  const english =
    options.english === true ||
    looksEnglish(words, {
      englishTerm: (i) => matches.some((m) => m.lang === 'en' && m.start <= i && i < m.start + m.length),
      inGuide: (i) => analysed[i]?.found === true,
    });
  const all = conceptsOf(analysed, matches, english);
  const labels = withinBudget(all.map((c) => c.label));
  const concepts = all.filter((c) => labels.includes(c.label));
  if (concepts.length === 0) return { ...EMPTY_PLAN, words: analysed, english };
  const distinctive = concepts.filter((c) => c.share <= COMMON_SHARE);
  const anyAlternative = (c: Concept, weights = '') => termQuery([...c.exact, ...c.expanded], weights);
  return {
    words: analysed,
    english,
    concepts,
    terms: labels,
    tsquery: anyOf(concepts.map((c) => termQuery(c.exact))),
    expandedQuery: anyOf(concepts.map((c) => termQuery(c.expanded))),
    matchQuery: anyOf((distinctive.length ? distinctive : concepts).map((c) => anyAlternative(c))),
    headingQueries: concepts.map((c) => anyAlternative(c, 'AB')),
    conceptQueries: concepts.map((c) => anyAlternative(c)),
    matchConcepts: concepts.flatMap((c, i) => (distinctive.length === 0 || distinctive.includes(c) ? [i + 1] : [])),
    corrections: concepts.flatMap((c) => {
      const word = analysed.find((w) => w.word === c.label);
      return word && !word.found && word.similar.length && c.exact.length > 1 ? [{ term: c.label, words: word.similar.map((s) => s.word) }] : [];
    }),
    translations: concepts.filter((c) => c.translatedAs.length).map((c) => ({ term: c.label, words: c.translatedAs })),
    expansions: concepts.filter((c) => c.alsoAs.length).map((c) => ({ term: c.label, words: c.alsoAs })),
  };
}

/**
 * The question as concepts, left to right: at each word the longest phrase the thesaurus knows
 * (in Dutch; in English when the question is English or the guide lacks its words), else the
 * word alone. Stop words (Dutch, and English ones in an English question) are no concept.
 */
function conceptsOf(words: AnalysedWord[], matches: ThesaurusMatch[], english: boolean): Concept[] {
  const concepts: Concept[] = [];
  const stop = (w: AnalysedWord, m: ThesaurusMatch) => (m.lang === 'en' ? isEnglishStopWord(w.word) : w.lexemes.length === 0);
  // A phrase starts and ends with a word that counts: "sleutelfiguren in de" is "sleutelfiguren".
  const whole = (m: ThesaurusMatch) => m.length === 1 || (!stop(words[m.start]!, m) && !stop(words[m.start + m.length - 1]!, m));
  // In a Dutch question an English term counts where the guide lacks it: a word it does not
  // have, or a phrase with such a word ("social return", where "social" looks like "sociaal").
  const lacking = (m: ThesaurusMatch) => {
    const span = words.slice(m.start, m.start + m.length);
    return m.length === 1 ? !span[0]!.found : span.some((w) => !w.found);
  };
  const usable = (m: ThesaurusMatch) => whole(m) && (m.lang === 'nl' || english || lacking(m));
  for (let i = 0; i < words.length; ) {
    const here = matches.filter((m) => m.start === i && usable(m));
    const length = Math.max(1, ...here.map((m) => m.length));
    const span = words.slice(i, i + length);
    const own = here.filter((m) => m.length === length);
    i += length;
    const englishMatches = own.filter((m) => m.lang === 'en');
    const dutchMatches = own.filter((m) => m.lang === 'nl');
    if (length === 1 && english && isEnglishStopWord(span[0]!.word) && englishMatches.length === 0) continue;
    if (englishMatches.length) {
      concepts.push(englishConcept(span, englishMatches, dutchMatches));
      continue;
    }
    const lexemes = span.flatMap((w) => w.lexemes);
    if (lexemes.length === 0) continue;
    const word = span[0]!;
    // A word the thesaurus knows is no typo, even where the guide lacks it.
    const typo = length === 1 && !word.found && dutchMatches.length === 0 ? word.similar.map((s) => s.lexemes) : [];
    concepts.push(
      concept(span.map((w) => w.word).join(' '), [lexemes, ...typo], dutchMatches, Math.min(...span.map((w) => w.share)), [], dutchMatches.map((m) => m.target)),
    );
  }
  return concepts;
}

function englishConcept(span: AnalysedWord[], englishMatches: ThesaurusMatch[], dutchMatches: ThesaurusMatch[]): Concept {
  const translations = englishMatches.filter((m) => m.kind === 'translation');
  const rest = [...englishMatches.filter((m) => m.kind !== 'translation'), ...dutchMatches];
  // An English word the guide also has ("training", "project") is searched as itself too.
  const own = span.length === 1 && span[0]!.found ? [span[0]!.lexemes] : [];
  const share = Math.min(...translations.map((m) => m.share), ...(own.length ? [span[0]!.share] : []));
  const targets = unique(translations.map((m) => m.target));
  return concept(span.map((w) => w.word).join(' '), [...translations.map((m) => m.lexemes), ...own], rest, share, targets, []);
}

function concept(label: string, exact: string[][], thesaurus: ThesaurusMatch[], share: number, translatedAs: string[], alsoAs: string[]): Concept {
  const key = (lexemes: string[]) => lexemes.join(' ');
  const exactKeys = new Set(exact.map(key));
  const kept = dedupeLexemes(exact).slice(0, MAX_ALTERNATIVES);
  // Synonyms before related terms, then the rarest first: they tell passages apart.
  const ordered = [...thesaurus].sort((a, b) => rankKind(a) - rankKind(b) || a.share - b.share || a.target.localeCompare(b.target));
  const expanded = dedupeLexemes(ordered.map((m) => m.lexemes).filter((l) => !exactKeys.has(key(l)))).slice(0, Math.max(0, MAX_ALTERNATIVES - kept.length));
  // Only what was really searched besides the words themselves ("wijken" is no news for "wijk").
  const alsoSearched = new Set(expanded.map(key));
  const shown = unique(alsoAs).filter((target) => alsoSearched.has(key(ordered.find((m) => m.target === target)?.lexemes ?? [])));
  return { label, exact: kept, expanded, share: Number.isFinite(share) ? share : 0, translatedAs: translatedAs.slice(0, 6), alsoAs: dedupeBy(shown, (t) => key(ordered.find((m) => m.target === t)!.lexemes)).slice(0, 6) };
}

const rankKind = (m: ThesaurusMatch) => (m.kind === 'synonym' || m.kind === 'translation-synonym' ? 0 : 1);

function dedupeLexemes(sets: string[][]): string[][] {
  const seen = new Set<string>();
  return sets.filter((set) => {
    const key = set.join(' ');
    if (set.length === 0 || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const unique = <T>(items: T[]): T[] => [...new Set(items)];

function dedupeBy<T>(items: T[], by: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(by(item)) && (seen.add(by(item)), true));
}

type AnalyseRow = { i: number; word: string; lexemes: string[]; found: boolean; share: number; similar: string | null; similar_lexemes: string[] | null; score: number | null };

/**
 * Per word its lexemes, whether the guide has it, its share of passages and, if the guide lacks
 * it, the most similar words; and what the thesaurus says its phrases are also searched as.
 * Two functions (migrations h24_guide_rank_function, h27_guide_stripped_vector) that keep their
 * plans for the session, called in one statement: one round trip, their rows as JSON.
 */
async function analyse(db: Tx, words: string[]): Promise<{ words: AnalysedWord[]; matches: ThesaurusMatch[] }> {
  const lookup = thesaurusLookup(words);
  const [row] = await db.$queryRaw<{ words: string; matches: string }[]>`
    SELECT
      (SELECT coalesce(json_agg(a ORDER BY a.n), '[]')::text
       FROM guide_analyse_words(${words}::text[], ${MIN_PREFIX_LENGTH}::int, ${TYPO_SIMILARITY}::float8)
         WITH ORDINALITY AS a(i, word, lexemes, found, share, "similar", similar_lexemes, score, n)) AS words,
      (SELECT coalesce(json_agg(t ORDER BY t.n), '[]')::text
       FROM guide_lookup_thesaurus(${lookup.phrases}::text[], ${lookup.passageCountLexeme}::text, ${lookup.rowLimit}::int)
         WITH ORDINALITY AS t(i, lang, kind, term, target, lexemes, share, n)) AS matches`;
  const rows = JSON.parse(row?.words ?? '[]') as AnalyseRow[];
  const byIndex = new Map<number, AnalysedWord>();
  for (const row of rows) {
    let word = byIndex.get(row.i);
    if (!word) {
      word = { word: row.word, lexemes: row.lexemes, found: row.found, share: Number(row.share), similar: [] };
      byIndex.set(row.i, word);
    }
    if (row.similar && row.similar_lexemes?.length) word.similar.push({ word: row.similar, lexemes: row.similar_lexemes, score: Number(row.score) });
  }
  return { words: [...byIndex.values()], matches: lookup.matches(JSON.parse(row?.matches ?? '[]') as LookupRow[]) };
}

/**
 * At most this many passages, the best by coverage of the question, get the full rank (text
 * rank, snippets). Coverage outweighs the text rank by far (a concept is worth 0.1–0.7, the
 * text rank of a body a few thousandths), so the page is the same as ranking every match; it
 * keeps a question over thousands of passages from evaluating every concept on every match.
 */
const RANKED_CANDIDATES = 200;

/** One page of ranked passages with snippets, and how many matched in all. */
export async function rankPassages(
  db: Tx,
  plan: Pick<SearchPlan, 'tsquery' | 'expandedQuery' | 'headingQueries' | 'conceptQueries' | 'matchConcepts'>,
  limit: number,
  offset: number,
): Promise<RankedRow[]> {
  const candidates = Math.max(RANKED_CANDIDATES, offset + limit);
  // The statement is a function (migrations h24_guide_rank_function, h27_guide_stripped_vector):
  // its plan is kept for the session and it finds the matches through the GIN index; the
  // coverage, candidates, text rank and snippets are computed there as described at the top.
  const rows = await db.$queryRaw<(Omit<RankedRow, 'total'> & { total: bigint | number })[]>`
    SELECT * FROM guide_rank_passages(
      ${plan.tsquery}::text, ${plan.expandedQuery}::text, ${plan.matchConcepts}::int[], ${plan.conceptQueries}::text[], ${plan.headingQueries}::text[],
      ${candidates}::int, ${limit}::int, ${offset}::int,
      ${RANK_WEIGHTS}::float4[], ${RANK_NORMALISATION}::int, ${THESAURUS_WEIGHT}::float8, ${HEADING_COVERAGE_WEIGHT}::float8, ${COVERAGE_WEIGHT}::float8,
      ${HEADLINE_OPTIONS}::text)`;
  return rows.map((row) => ({ ...row, rank: Number(row.rank), total: Number(row.total) }));
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
    SELECT EXISTS (SELECT 1 FROM "GuidePassage") AND NOT EXISTS (SELECT 1 FROM "GuideLexeme" WHERE lexeme = ${PASSAGE_COUNT_LEXEME}) AS missing`;
  return row?.missing === true;
}

export async function rebuildVocabulary(db: Tx): Promise<void> {
  await db.$executeRaw`DELETE FROM "GuideLexeme"`;
  await db.$executeRaw`
    INSERT INTO "GuideLexeme" (lexeme, passages)
    SELECT word, ndoc FROM ts_stat($$SELECT "search" FROM "GuidePassage"$$)
    UNION ALL
    SELECT ${PASSAGE_COUNT_LEXEME}, count(*)::int FROM "GuidePassage"`;
  await db.$executeRaw`DELETE FROM "GuideTerm"`;
  await db.$executeRaw`
    INSERT INTO "GuideTerm" (word, passages)
    SELECT word, ndoc FROM ts_stat($$SELECT to_tsvector('simple', title || ' ' || array_to_string(tags, ' ') || ' ' || body) FROM "GuidePassage"$$)
    WHERE length(word) BETWEEN 3 AND 40 AND word !~ '[0-9]'`;
}

