// The Handreiking as passages in the database: loading, searching, browsing and the weekly tip.
import { DateTime } from 'luxon';
import type { Store, Tx } from '../store.ts';
import { normalise } from '../text.ts';
import { CONTENT_ORIGIN, GUIDE_CONTENT_DIR, importOrigin, isFolderOrigin, readGuideDirectory, readGuideFile, readGuideFolder } from './loader.ts';
import type { PageProgress } from './pdf.ts';
import { uniqueSlugs, type PassageInput } from './markdown.ts';
import { countMatches, planSearch, rankPassages, rebuildVocabulary, similarTitles, similarWords, titlesLike, vocabularyMissing, type SearchPlan } from './search.ts';
import { readThesaurusFile, type ThesaurusLoad } from './loader.ts';
import { normaliseTerm, THESAURUS_FILE } from './thesaurus.ts';
import { addCommandSynonym, replaceFileRows, similarThesaurusTerms, thesaurusSize, type AddOutcome } from './thesaurus-store.ts';

export { readGuideDirectory, GUIDE_CONTENT_DIR, CONTENT_ORIGIN };

export interface PassageView {
  slug: string;
  chapter: string;
  chapterTitle: string;
  title: string;
  body: string;
  tags: string[];
  source: string;
  sample: boolean;
}

export interface SyncReport {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

export interface ChapterView {
  chapter: string;
  title: string;
  passages: number;
}

export interface SearchHit extends PassageView {
  /** The best bits of the body with the matched words in **bold** (our reply markup). */
  snippet: string;
}

export type SearchStatus =
  /** Passages found (hits may still be empty when the offset lies past the end). */
  | 'found'
  /** No words to search for: empty, or only punctuation and emoji. */
  | 'empty'
  /** Only words too common to search for ("de", "het", "wat"). */
  | 'stopWords'
  /** Nothing matched; see suggestions. */
  | 'nothing';

export interface SearchResult {
  status: SearchStatus;
  /** The terms searched for: what a "more results" button repeats. */
  terms: string[];
  hits: SearchHit[];
  /** How many passages matched in all. */
  total: number;
  offset: number;
  /** Words not in the guide, and the words they were read as (typos). */
  corrections: { term: string; words: string[] }[];
  /** The question was read as English: its English terms were searched as Dutch words. */
  english: boolean;
  /** English terms and the Dutch words they were searched as ("forced marriage" → huwelijksdwang). */
  translations: { term: string; words: string[] }[];
  /** Words also searched as their thesaurus terms ("sleutelfiguur" → sleutelpersoon). */
  expansions: { term: string; words: string[] }[];
  /** When nothing matched: the closest passages, words of the guide and thesaurus terms. */
  suggestions: { passages: PassageView[]; words: string[]; thesaurus: string[] };
}

export interface SearchOptions {
  limit?: number;
  offset?: number;
  /** Read the question as English (the member's language is English). */
  english?: boolean;
}

export type { ThesaurusLoad };

const MAX_LIMIT = 25;
const MAX_OFFSET = 1000;
const SYNC_TIMEOUT_MS = 120_000;

export class GuideManager {
  constructor(
    private readonly store: Store,
    private readonly options: { contentDir?: string } = {},
  ) {}

  get contentDir(): string {
    return this.options.contentDir ?? GUIDE_CONTENT_DIR;
  }

  /**
   * Makes the stored passages of one origin (an imported file, or a test's own set) equal to
   * `passages`, in one transaction: unchanged ones stay put, a failure changes nothing.
   */
  async sync(passages: PassageInput[], origin: string = CONTENT_ORIGIN): Promise<SyncReport> {
    return this.syncGroups([{ origin, passages }], [origin]);
  }

  /**
   * Reads the content folder again and syncs every chapter file as its own origin, in one
   * transaction: passages whose file is gone are removed, files without chapter front matter
   * are skipped (and named), a malformed file throws and changes nothing.
   */
  async reload(directory: string = this.contentDir): Promise<SyncReport & { skipped: string[] }> {
    const { files, skipped } = readGuideFolder(directory);
    return { ...(await this.syncGroups(files, 'folder')), skipped };
  }

  /**
   * The passages of each origin made equal to its group. `scope` says which stored rows these
   * groups speak for: the named origins, or every folder origin (so files that went away lose
   * their passages).
   */
  private async syncGroups(groups: { origin: string; passages: PassageInput[] }[], scope: string[] | 'folder'): Promise<SyncReport> {
    const wanted = groups.flatMap((group) => uniqueSlugs(group.passages).map((passage) => ({ passage, origin: group.origin })));
    const owned = scope === 'folder' ? isFolderOrigin : (origin: string) => scope.includes(origin);
    const ownedWhere = scope === 'folder' ? [{ origin: CONTENT_ORIGIN }, { origin: { startsWith: `${CONTENT_ORIGIN}/` } }] : [{ origin: { in: scope } }];
    return this.store.$transaction(
      async (tx) => {
        // One sync at a time (the file watcher and /handreiking herlaad may meet): the second
        // waits, then sees what the first wrote.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('binnenuit.guide.sync'))`;
        const existing = await tx.guidePassage.findMany({
          where: { OR: [...ownedWhere, { slug: { in: wanted.map((w) => w.passage.slug) } }] },
          select: { slug: true, contentHash: true, origin: true },
        });
        const known = new Map(existing.map((row) => [row.slug, row]));
        const report: SyncReport = { added: 0, changed: 0, removed: 0, unchanged: 0 };
        const toCreate: (PassageInput & { origin: string })[] = [];
        for (const { passage, origin } of wanted) {
          const row = known.get(passage.slug);
          if (!row) {
            toCreate.push({ ...passage, origin });
            report.added++;
          } else if (row.contentHash !== passage.contentHash || row.origin !== origin) {
            await tx.guidePassage.update({ where: { slug: passage.slug }, data: { ...passage, section: passage.section ?? null, origin } });
            report.changed++;
          } else {
            report.unchanged++;
          }
        }
        if (toCreate.length) await tx.guidePassage.createMany({ data: toCreate });
        const keep = new Set(wanted.map((w) => w.passage.slug));
        const gone = existing.filter((row) => owned(row.origin) && !keep.has(row.slug)).map((row) => row.slug);
        if (gone.length) report.removed = (await tx.guidePassage.deleteMany({ where: { slug: { in: gone } } })).count;
        // Also when the vocabulary is missing (passages stored before it existed).
        if (report.added || report.changed || report.removed || (await vocabularyMissing(tx))) await rebuildVocabulary(tx);
        return report;
      },
      { timeout: SYNC_TIMEOUT_MS, maxWait: 10_000 },
    );
  }

  /**
   * Imports one Markdown or PDF file: parsed completely first (a malformed file throws
   * GuideFormatError with file and line and nothing is written), then synced as its origin
   * (see importOrigin), so importing the same file again changes only what changed.
   */
  async importFile(file: string, onPage?: PageProgress): Promise<{ passages: number; chapters: number; report: SyncReport }> {
    const passages = await readGuideFile(file, onPage);
    const report = await this.sync(passages, importOrigin(file, this.contentDir));
    return { passages: passages.length, chapters: new Set(passages.map((p) => p.chapter)).size, report };
  }

  /** How many passages are stored. */
  async count(): Promise<number> {
    return this.store.guidePassage.count();
  }

  /**
   * Dutch full-text search, best first, with snippets; typos read as the closest words of the
   * guide, words also searched as their thesaurus terms, and English terms as their Dutch
   * translations: in a question that reads as English (or any from someone who speaks
   * English) all of them, in any other question those the guide lacks. That is the fallback
   * for English, per word: a Dutch reading never finds nothing while an English one would, and
   * a mixed question ("LHBTI acceptance") gets both. Never throws on odd input: empty or
   * stop-word-only queries come back with a status.
   */
  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    const limit = clamp(options.limit, 1, MAX_LIMIT, 3);
    const offset = clamp(options.offset, 0, MAX_OFFSET, 0);
    const plan = await planSearch(this.store, query, { english: options.english });
    const result = await this.run(plan, limit, offset);
    if (result.status === 'nothing') result.suggestions = await this.suggestionsFor(plan.terms, plan.words.map((w) => w.word));
    return result;
  }

  private async run(plan: SearchPlan, limit: number, offset: number): Promise<SearchResult> {
    const base = { terms: plan.terms, hits: [], total: 0, offset, corrections: [], english: plan.english, translations: [], expansions: [], suggestions: { passages: [], words: [], thesaurus: [] } };
    if (plan.words.length === 0) return { ...base, status: 'empty', terms: [] };
    if (!plan.tsquery) return { ...base, status: 'stopWords', terms: [] };
    const rows = await rankPassages(this.store, plan, limit, offset);
    if (rows.length === 0) {
      const total = offset > 0 ? await countMatches(this.store, plan.matchQuery) : 0;
      return { ...base, status: total > 0 ? 'found' : 'nothing', total };
    }
    return {
      ...base,
      status: 'found',
      hits: rows.map(({ slug, chapter, chapterTitle, title, body, tags, source, sample, snippet }) => ({
        slug, chapter, chapterTitle, title, body, tags, source, sample,
        snippet: tidySnippet(snippet ?? '', body),
      })),
      total: rows[0]!.total,
      corrections: plan.corrections,
      translations: plan.translations,
      expansions: plan.expansions,
    };
  }

  /** When nothing matched: passage titles, guide words and thesaurus terms that look most like the query. */
  private async suggestionsFor(terms: string[], words: string[]): Promise<SearchResult['suggestions']> {
    const chosen = terms.length ? terms : words;
    const titles = await similarTitles(this.store, chosen.join(' '), 3);
    return {
      passages: await this.bySlugs(titles.map((t) => t.slug)),
      words: (await similarWords(this.store, chosen)).slice(0, 5),
      thesaurus: await similarThesaurusTerms(this.store, chosen, 5),
    };
  }

  /**
   * Reads the thesaurus file of the content folder and makes it the one searched with. A file
   * with any problem is refused as a whole and the stored thesaurus stays in use; a folder
   * without the file keeps what is stored too.
   */
  async reloadThesaurus(directory: string = this.contentDir): Promise<ThesaurusLoad> {
    const read = readThesaurusFile(directory);
    if (read.status !== 'read') return read;
    await this.store.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('binnenuit.guide.thesaurus'))`;
      await replaceFileRows(tx, read.entries, THESAURUS_FILE);
    });
    return read;
  }

  /** Two Dutch terms made synonyms of each other by an admin (kept apart from the file's rows). */
  async addSynonym(a: string, b: string, who: string): Promise<{ outcome: AddOutcome | 'empty'; terms: [string, string] }> {
    const terms: [string, string] = [normaliseTerm(a), normaliseTerm(b)];
    if (!terms[0] || !terms[1]) return { outcome: 'empty', terms };
    return { outcome: await addCommandSynonym(this.store, terms[0], terms[1], who), terms };
  }

  async thesaurusSize(): Promise<{ file: number; command: number }> {
    return thesaurusSize(this.store);
  }

  async chapters(): Promise<ChapterView[]> {
    const rows = await this.store.guidePassage.groupBy({ by: ['chapter', 'chapterTitle'], _count: { _all: true } });
    return rows
      .map((row) => ({ chapter: row.chapter, title: row.chapterTitle, passages: row._count._all }))
      .sort((a, b) => a.chapter.localeCompare(b.chapter, 'nl', { numeric: true }) || a.title.localeCompare(b.title, 'nl'));
  }

  /** A chapter by number ("5"), title ("Financiering") or the start of its title ("finan"). */
  async findChapter(text: string): Promise<ChapterView | undefined> {
    const wanted = normalise(text.replace(/^(hoofdstuk|chapter)\s+/i, '').replace(/^(\d+)[.:]?\s.*$/, '$1'));
    if (!wanted) return undefined;
    const chapters = await this.chapters();
    return (
      chapters.find((c) => c.chapter === wanted) ??
      chapters.find((c) => normalise(c.title) === wanted || normalise(`${c.chapter} ${c.title}`) === wanted) ??
      chapters.find((c) => normalise(c.title).startsWith(wanted)) ??
      chapters.find((c) => normalise(c.title).includes(wanted))
    );
  }

  async inChapter(chapter: string): Promise<PassageView[]> {
    const rows = await this.store.guidePassage.findMany({ where: { chapter }, orderBy: [{ position: 'asc' }, { slug: 'asc' }], select: { slug: true } });
    return this.bySlugs(rows.map((row) => row.slug));
  }

  async passage(slug: string): Promise<PassageView | undefined> {
    return (await this.bySlugs([slug]))[0];
  }

  /**
   * A passage by its slug or a title containing the words, or else the one whose title merely
   * resembles them: `guess`, which the reply must say. Words of no letters find nothing (the
   * first passage of the guide is no answer to "???").
   */
  async findPassage(text: string): Promise<{ passage: PassageView; guess: boolean } | undefined> {
    const exact = await this.passage(text.trim());
    if (exact) return { passage: exact, guess: false };
    const wanted = normalise(text);
    if (!wanted) return undefined;
    const [best] = await titlesLike(this.store, text, 1);
    const passage = best ? await this.passage(best.slug) : undefined;
    return passage ? { passage, guess: !normalise(passage.title).includes(wanted) } : undefined;
  }

  /** Passages for autocomplete: titles containing or resembling the partial text. */
  async suggestPassages(partial: string, limit = 25): Promise<{ slug: string; chapter: string; title: string }[]> {
    return titlesLike(this.store, partial, limit);
  }

  /**
   * The "tip uit de handreiking" for the week of `now`: the same passage all week; a new week
   * takes the passage shown longest ago (never shown first), ties broken by a hash of week and
   * slug, so the choice is deterministic and no passage returns before all others had a turn.
   */
  async tipOfTheWeek(now: Date = new Date(), timezone = 'Europe/Amsterdam'): Promise<PassageView | undefined> {
    const local = DateTime.fromJSDate(now, { zone: timezone });
    const start = local.startOf('week').toJSDate();
    const end = local.startOf('week').plus({ weeks: 1 }).toJSDate();
    const week = `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`;
    const slug = await this.store.$transaction(async (tx: Tx) => {
      // One chooser at a time (two digests asking at once must get the same tip).
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('binnenuit.guide.tip'))`;
      const current = await tx.guidePassage.findFirst({
        where: { tipShownAt: { gte: start, lt: end } },
        orderBy: [{ tipShownAt: 'desc' }, { slug: 'asc' }],
        select: { slug: true },
      });
      if (current) return current.slug;
      const [next] = await tx.$queryRaw<{ slug: string }[]>`
        SELECT slug FROM "GuidePassage"
        ORDER BY "tipShownAt" ASC NULLS FIRST, md5(${week} || slug), slug
        LIMIT 1`;
      if (!next) return undefined;
      await tx.guidePassage.update({ where: { slug: next.slug }, data: { tipShownAt: now } });
      return next.slug;
    });
    return slug ? this.passage(slug) : undefined;
  }

  private async bySlugs(slugs: string[]): Promise<PassageView[]> {
    if (slugs.length === 0) return [];
    const rows = await this.store.guidePassage.findMany({ where: { slug: { in: slugs } } });
    const bySlug = new Map(rows.map((row) => [row.slug, row]));
    return slugs.flatMap((slug) => {
      const row = bySlug.get(slug);
      return row ? [{ slug, chapter: row.chapter, chapterTitle: row.chapterTitle, title: row.title, body: row.body, tags: row.tags, source: row.source, sample: row.sample }] : [];
    });
  }
}

/** A whole number within bounds; anything else (NaN, Infinity, undefined) is the fallback. */
function clamp(value: number | undefined, min: number, max: number, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? Math.min(Math.max(Math.trunc(value), min), max) : fallback;
}

/** One line, with an ellipsis where the snippet starts or ends inside the text. */
function tidySnippet(snippet: string, body: string): string {
  const line = snippet.replace(/\s+/g, ' ').trim();
  if (!line) return body.length > 280 ? `${body.slice(0, 280).trimEnd()}…` : body;
  const plain = line.replace(/\*\*/g, '');
  const flatBody = body.replace(/\s+/g, ' ').trim();
  const head = plain.split(' … ')[0]!.slice(0, 30);
  const tail = plain.split(' … ').at(-1)!.slice(-30);
  return `${flatBody.startsWith(head) ? '' : '… '}${line}${flatBody.endsWith(tail) ? '' : ' …'}`;
}
