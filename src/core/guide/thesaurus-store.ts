// The thesaurus in the database (GuideThesaurus): the file's rows, replaced whenever it loads,
// and the rows admins add with /handreiking synoniem. In the database rather than in memory so
// every instance searches with the same thesaurus, and in SQL so PGlite and PostgreSQL stem the
// terms exactly as they stem the guide.
import type { Tx } from '../store.ts';
import { PASSAGE_COUNT_LEXEME } from './passage-count.ts';
import { MAX_EXPANSIONS_PER_TERM, type ThesaurusEntry, type ThesaurusKind, type ThesaurusLang } from './thesaurus.ts';

/** Phrases of the question looked up: words 1 to 4 long, as terms may be. */
const MAX_PHRASE_WORDS = 4;
/** Rows one question may bring back; a thesaurus gone wild cannot make a search slow. */
const MAX_LOOKUP_ROWS = 400;
const SUGGEST_SIMILARITY = 0.3;

export interface ThesaurusMatch {
  /** The phrase of the question: its first word (0-based) and length in words. */
  start: number;
  length: number;
  lang: ThesaurusLang;
  kind: ThesaurusKind | 'translation-synonym';
  term: string;
  target: string;
  /** Dutch lexemes of the target; empty when the target is only stop words. */
  lexemes: string[];
  /** The share of passages with the target's rarest lexeme (0–1). */
  share: number;
}

/** The file's rows made equal to `entries` (in the caller's transaction). */
export async function replaceFileRows(db: Tx, entries: ThesaurusEntry[], file: string): Promise<void> {
  await db.$executeRaw`DELETE FROM "GuideThesaurus" WHERE origin = 'file'`;
  if (entries.length === 0) return;
  await insertRows(db, entries.map((entry) => ({ ...entry, origin: 'file', source: `${file}:${entry.line}` })));
}

type Row = { lang: ThesaurusLang; kind: ThesaurusKind; term: string; target: string; origin: 'file' | 'command'; source: string };

async function insertRows(db: Tx, rows: Row[]): Promise<void> {
  const column = <K extends keyof Row>(name: K) => rows.map((row) => row[name]);
  await db.$executeRaw`
    INSERT INTO "GuideThesaurus" (lang, kind, term, key, target, origin, source)
    SELECT u.lang, u.kind, u.term,
           array_to_string(tsvector_to_array(to_tsvector((CASE WHEN u.lang = 'en' THEN 'english' ELSE 'dutch' END)::regconfig, u.term)), ' '),
           u.target, u.origin, u.source
    FROM unnest(${column('lang')}::text[], ${column('kind')}::text[], ${column('term')}::text[], ${column('target')}::text[],
                ${column('origin')}::text[], ${column('source')}::text[]) AS u(lang, kind, term, target, origin, source)`;
}

export type AddOutcome = 'added' | 'known' | 'self' | 'tooMany';

/** Two Dutch terms as synonyms of each other (both ways), added by an admin. */
export async function addCommandSynonym(db: Tx, a: string, b: string, who: string): Promise<AddOutcome> {
  if (a === b) return 'self';
  const [row] = await db.$queryRaw<{ known: boolean; most: number }[]>`
    SELECT EXISTS (SELECT 1 FROM "GuideThesaurus" WHERE lang = 'nl' AND term = ${a} AND target = ${b}) AS known,
           greatest((SELECT count(*) FROM "GuideThesaurus" WHERE lang = 'nl' AND term = ${a}),
                    (SELECT count(*) FROM "GuideThesaurus" WHERE lang = 'nl' AND term = ${b}))::int AS most`;
  if (row?.known) return 'known';
  // As in the file: no term is searched as more than so many others.
  if ((row?.most ?? 0) >= MAX_EXPANSIONS_PER_TERM) return 'tooMany';
  await insertRows(db, [
    { lang: 'nl', kind: 'synonym', term: a, target: b, origin: 'command', source: who },
    { lang: 'nl', kind: 'synonym', term: b, target: a, origin: 'command', source: who },
  ]);
  return 'added';
}

export async function thesaurusSize(db: Tx): Promise<{ file: number; command: number }> {
  const rows = await db.$queryRaw<{ origin: string; n: number }[]>`SELECT origin, count(*)::int AS n FROM "GuideThesaurus" GROUP BY origin`;
  const count = (origin: string) => rows.find((row) => row.origin === origin)?.n ?? 0;
  return { file: count('file'), command: count('command') };
}

/** Every phrase of 1–4 consecutive words, longest first at each position. */
export function phrasesOf(words: string[]): { start: number; length: number; text: string }[] {
  const phrases: { start: number; length: number; text: string }[] = [];
  for (let start = 0; start < words.length; start++) {
    for (let length = Math.min(MAX_PHRASE_WORDS, words.length - start); length >= 1; length--) {
      phrases.push({ start, length, text: words.slice(start, start + length).join(' ') });
    }
  }
  return phrases;
}

/** A row of guide_lookup_thesaurus (migration h27_guide_stripped_vector). */
export interface LookupRow {
  i: number;
  lang: ThesaurusLang;
  kind: ThesaurusMatch['kind'];
  term: string;
  target: string;
  lexemes: string[];
  share: number;
}

/**
 * What the phrases of a question are also searched as: Dutch synonyms and related terms,
 * English terms' Dutch translations and those translations' synonyms (one step, never more:
 * the thesaurus says what a word means, it is not followed from term to term). The lookup is
 * the function guide_lookup_thesaurus (its plan kept for the session), called with these
 * arguments in the statement that also analyses the words (search.ts: one round trip).
 */
export function thesaurusLookup(words: string[]): { phrases: string[]; rowLimit: number; passageCountLexeme: string; matches: (rows: LookupRow[]) => ThesaurusMatch[] } {
  const phrases = phrasesOf(words);
  return {
    phrases: phrases.map((p) => p.text),
    rowLimit: MAX_LOOKUP_ROWS,
    passageCountLexeme: PASSAGE_COUNT_LEXEME,
    matches: (rows) =>
      rows.map((row) => {
        const phrase = phrases[row.i - 1]!;
        return { start: phrase.start, length: phrase.length, lang: row.lang, kind: row.kind, term: row.term, target: row.target, lexemes: row.lexemes, share: Number(row.share) };
      }),
  };
}

/** Thesaurus terms (Dutch and English) closest to each word: what to suggest when nothing matched. */
export async function similarThesaurusTerms(db: Tx, words: string[], limit = 5): Promise<string[]> {
  const candidates = words.filter((word) => word.length >= 3);
  if (candidates.length === 0) return [];
  const rows = await db.$queryRaw<{ term: string }[]>`
    SELECT s.term
    FROM unnest(${candidates}::text[]) WITH ORDINALITY AS u(word, i)
    CROSS JOIN LATERAL (
      SELECT t.term, max(word_similarity(u.word, t.term)) AS score
      FROM "GuideThesaurus" t
      WHERE u.word <% t.term AND t.term <> u.word
      GROUP BY t.term
      ORDER BY score DESC, t.term
      LIMIT 3
    ) s
    WHERE s.score >= ${SUGGEST_SIMILARITY}
    ORDER BY u.i, s.score DESC, s.term`;
  return [...new Set(rows.map((row) => row.term))].slice(0, limit);
}
