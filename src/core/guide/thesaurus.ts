// The thesaurus of the field: how people ask, mapped onto the words of the guide. It is data
// (content/handreiking/thesaurus.txt), edited by coordinators, so it is read strictly: every
// problem is named with file and line, and a file with any problem is refused as a whole (the
// previous thesaurus stays in use). Half a file would change search in ways its editor did not
// see; the whole file refused, with every bad line listed, is predictable.
//
// Line format (documented at the top of the shipped file):
//   formaat: 1                      the first line that is no comment: the format version
//   a = b = c                       Dutch synonyms: each term is also searched as the others
//   a > b, c                        related: searching a also searches b and c (not back)
//   en: forced marriage > huwelijksdwang, gedwongen huwelijk
//                                   English: the English term is searched as the Dutch terms
//   # comment                       comments and blank lines do not count
// Terms are normalised as queries are (lower case, letters and digits; "honour-based" is
// "honour based"), so the thesaurus and the question meet in the same words.
import { queryWords } from './query.ts';

export const THESAURUS_FILE = 'thesaurus.txt';
export const THESAURUS_FORMAT = '1';

/** Terms on one line, and synonyms or expansions of one term in the whole file. */
export const MAX_TERMS_PER_LINE = 25;
export const MAX_EXPANSIONS_PER_TERM = 40;
/** A term is a word or a short phrase. */
export const MAX_WORDS_PER_TERM = 4;
export const MAX_TERM_LENGTH = 60;
/** Lines longer than this are not read further (a pasted list, a binary file). */
export const MAX_LINE_LENGTH = 2000;
export const MAX_LINES = 20_000;
/** Errors reported per file; the rest are counted. */
export const MAX_REPORTED_ERRORS = 10;

export type ThesaurusLang = 'nl' | 'en';
export type ThesaurusKind = 'synonym' | 'related' | 'translation';

/** One way a term is also searched: `term` (in `lang`) is also searched as the Dutch `target`. */
export interface ThesaurusEntry {
  lang: ThesaurusLang;
  kind: ThesaurusKind;
  term: string;
  target: string;
  line: number;
}

export interface ThesaurusProblem {
  file: string;
  line: number;
  problem: string;
}

export class ThesaurusError extends Error {
  constructor(
    readonly problems: ThesaurusProblem[],
    /** Problems beyond the reported ones. */
    readonly more: number = 0,
  ) {
    super(problems.map((p) => `${p.file}, line ${p.line}: ${p.problem}`).join('; ') + (more ? ` (and ${more} more)` : ''));
    this.name = 'ThesaurusError';
  }
}

/** A term as the search sees it: the query's own words, joined by single spaces. */
export function normaliseTerm(text: string): string {
  return queryWords(text).join(' ');
}

type Parsed =
  | { kind: 'synonyms'; terms: string[] }
  | { kind: 'related'; from: string; to: string[] }
  | { kind: 'english'; from: string; to: string[] };

/** The whole file: entries, or a ThesaurusError listing every problem (at most 10 named). */
export function parseThesaurus(text: string, file: string = THESAURUS_FILE): ThesaurusEntry[] {
  const problems: ThesaurusProblem[] = [];
  const fail = (line: number, problem: string) => problems.push({ file, line, problem });
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length > MAX_LINES) throw new ThesaurusError([{ file, line: MAX_LINES + 1, problem: `more than ${MAX_LINES} lines` }]);
  const graph = new TermGraph();
  let format: string | undefined;
  lines.forEach((raw, index) => {
    const number = index + 1;
    if (raw.length > MAX_LINE_LENGTH) return void fail(number, `line of ${raw.length} characters; at most ${MAX_LINE_LENGTH}`);
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    if (format === undefined) {
      const header = /^(?:formaat|format)\s*:\s*(.*)$/i.exec(line);
      format = header ? header[1]!.trim() : '';
      if (format !== THESAURUS_FORMAT) fail(number, header ? `unknown format '${format}'; expected 'formaat: ${THESAURUS_FORMAT}'` : `the first line must say 'formaat: ${THESAURUS_FORMAT}'`);
      return;
    }
    if (format !== THESAURUS_FORMAT) return; // Lines of an unknown format are not guessed at.
    const parsed = parseLine(line);
    if (typeof parsed === 'string') return void fail(number, parsed);
    const problem = graph.add(parsed, number);
    if (problem) fail(number, problem);
  });
  if (format === undefined) fail(1, `empty; the first line must say 'formaat: ${THESAURUS_FORMAT}'`);
  if (problems.length) throw new ThesaurusError(problems.slice(0, MAX_REPORTED_ERRORS), Math.max(0, problems.length - MAX_REPORTED_ERRORS));
  return graph.entries();
}

/** One line, or what is wrong with it. */
function parseLine(line: string): Parsed | string {
  const english = /^en\s*:\s*(.*)$/i.exec(line);
  const body = english ? english[1]! : line;
  const arrow = body.indexOf('>');
  if (english) {
    const at = arrow >= 0 ? arrow : body.indexOf('=');
    if (at < 0) return `an English line is 'en: <English term> > <Dutch term>, <Dutch term>'`;
    return listed(body.slice(0, at), body.slice(at + 1), (from, to) => ({ kind: 'english', from, to }));
  }
  if (arrow >= 0) {
    if (body.includes('=')) return `a line has either '=' (synonyms) or '>' (related terms), not both`;
    return listed(body.slice(0, arrow), body.slice(arrow + 1), (from, to) => ({ kind: 'related', from, to }));
  }
  if (!body.includes('=')) {
    return body.split(/[\s,]+/).filter(Boolean).length === 1
      ? `only one term ('${shorten(body)}'); a line needs at least two: 'a = b' or 'a > b'`
      : `expected 'a = b' (synonyms), 'a > b, c' (related terms) or 'en: term > Dutch term'`;
  }
  const terms = body.split('=');
  if (terms.length > MAX_TERMS_PER_LINE) return `${terms.length} terms on one line; at most ${MAX_TERMS_PER_LINE}`;
  const checked = checkTerms(terms);
  if (typeof checked === 'string') return checked;
  if (checked.length < 2) return `only one term ('${checked[0] ?? ''}'); synonyms need at least two`;
  const self = repeated(checked);
  if (self) return `'${self}' maps to itself`;
  return { kind: 'synonyms', terms: checked };
}

function listed(left: string, right: string, make: (from: string, to: string[]) => Parsed): Parsed | string {
  const targets = right.split(',');
  if (targets.length > MAX_TERMS_PER_LINE) return `${targets.length} terms on one line; at most ${MAX_TERMS_PER_LINE}`;
  const from = checkTerms([left]);
  if (typeof from === 'string') return from;
  const to = checkTerms(targets);
  if (typeof to === 'string') return to;
  if (from.length === 0) return `nothing before the '>'`;
  if (to.length === 0) return `only one term ('${from[0]}'); name what it is also searched as after the '>'`;
  if (to.includes(from[0]!)) return `'${from[0]}' maps to itself`;
  const twice = repeated(to);
  if (twice) return `'${twice}' is named twice`;
  return make(from[0]!, to);
}

/** Normalised terms, blanks left out, or what is wrong with one of them. */
function checkTerms(raw: string[]): string[] | string {
  const terms: string[] = [];
  for (const text of raw) {
    if (!text.trim()) continue;
    if (/[=>]/.test(text)) return `'${shorten(text.trim())}': use one '>' per line`;
    const term = normaliseTerm(text);
    if (!term) return /[\p{L}\p{N}]/u.test(text) ? `'${shorten(text.trim())}' is too short to search for` : `'${shorten(text.trim())}' has no letters or digits`;
    if (term.length > MAX_TERM_LENGTH || term.split(' ').length > MAX_WORDS_PER_TERM) {
      return `'${shorten(term)}' is too long for a term (at most ${MAX_WORDS_PER_TERM} words, ${MAX_TERM_LENGTH} characters)`;
    }
    terms.push(term);
  }
  return terms;
}

function repeated(terms: string[]): string | undefined {
  return terms.find((term, i) => terms.indexOf(term) !== i);
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Synonym groups (union of every line that shares a term), related links between groups (a
 * directed graph that must stay free of cycles: "a > b" and "b > a" say nothing) and English
 * terms with their Dutch targets.
 */
class TermGraph {
  /** Each term of a synonym group names its group; each group lists its members. */
  private readonly groupOf = new Map<string, Set<string>>();
  private readonly firstLine = new Map<string, number>();
  private readonly related = new Map<string, Map<string, number>>();
  private readonly english = new Map<string, Map<string, number>>();

  add(parsed: Parsed, line: number): string | undefined {
    if (parsed.kind === 'synonyms') return this.addSynonyms(parsed.terms, line);
    if (parsed.kind === 'english') return this.addTargets(this.english, parsed.from, parsed.to, line);
    return this.addRelated(parsed.from, parsed.to, line);
  }

  /** The synonym group of a term (itself alone when it has none). */
  private group(term: string): Set<string> {
    return this.groupOf.get(term) ?? new Set([term]);
  }

  private addSynonyms(terms: string[], line: number): string | undefined {
    const merged = new Set(terms.flatMap((term) => [...this.group(term)]));
    if (merged.size > MAX_EXPANSIONS_PER_TERM) return `this line makes a group of ${merged.size} synonyms; at most ${MAX_EXPANSIONS_PER_TERM}`;
    // Two related terms ("a > b") cannot become synonyms: b would map to itself.
    for (const from of merged) {
      for (const [to, at] of this.related.get(from) ?? []) {
        if (merged.has(to)) return `'${from}' and '${to}' would be synonyms, but line ${at} says '${from} > ${to}' (a term mapping to itself)`;
      }
    }
    for (const term of merged) {
      if (!this.firstLine.has(term)) this.firstLine.set(term, line);
      this.groupOf.set(term, merged);
    }
    return undefined;
  }

  private addRelated(from: string, to: string[], line: number): string | undefined {
    for (const target of to) {
      if (this.group(from).has(target)) {
        return `'${from} > ${target}': they are synonyms (line ${this.firstLine.get(target)}), so '${from}' would map to itself`;
      }
      const path = this.pathBetween(target, from);
      if (path) return `a cycle: ${[from, ...path].join(' > ')} (line ${line} closes it)`;
    }
    return this.addTargets(this.related, from, to, line);
  }

  private addTargets(map: Map<string, Map<string, number>>, from: string, to: string[], line: number): string | undefined {
    const targets = new Map(map.get(from) ?? []);
    for (const target of to) if (!targets.has(target)) targets.set(target, line);
    if (targets.size > MAX_EXPANSIONS_PER_TERM) return `'${from}' now has ${targets.size} terms it is searched as; at most ${MAX_EXPANSIONS_PER_TERM}`;
    map.set(from, targets);
    return undefined;
  }

  /** A related path from one term to another (synonyms count as the same term), if any. */
  private pathBetween(start: string, goal: string): string[] | undefined {
    const goals = this.group(goal);
    const seen = new Set<string>();
    const stack: { term: string; path: string[] }[] = [{ term: start, path: [start] }];
    while (stack.length) {
      const { term, path } = stack.pop()!;
      if (goals.has(term)) return path;
      if (seen.has(term)) continue;
      const members = this.group(term);
      for (const member of members) seen.add(member);
      for (const member of members) for (const next of this.related.get(member)?.keys() ?? []) if (!seen.has(next)) stack.push({ term: next, path: [...path, next] });
    }
    return undefined;
  }

  entries(): ThesaurusEntry[] {
    const entries: ThesaurusEntry[] = [];
    for (const [term, members] of this.groupOf) {
      for (const target of members) if (target !== term) entries.push({ lang: 'nl', kind: 'synonym', term, target, line: this.firstLine.get(target)! });
    }
    for (const [from, targets] of this.related) {
      // A related link holds for every synonym of its term ("sleutelfiguur" is related where
      // "sleutelpersoon" is).
      for (const source of this.group(from)) for (const [target, line] of targets) if (target !== source) entries.push({ lang: 'nl', kind: 'related', term: source, target, line });
    }
    for (const [from, targets] of this.english) for (const [target, line] of targets) entries.push({ lang: 'en', kind: 'translation', term: from, target, line });
    return dedupe(entries);
  }
}

/** One entry per language, term and target (the first kind wins: synonyms before related). */
function dedupe(entries: ThesaurusEntry[]): ThesaurusEntry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = `${entry.lang}|${entry.term}|${entry.target}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
