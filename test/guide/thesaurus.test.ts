// The thesaurus of the field: the file format and its validation (every problem named with file
// and line, the whole file refused), and on a real database (PGlite, and PostgreSQL when
// TEST_DATABASE_URL is set) what a search does with it: synonyms weighted below exact words,
// English questions through their Dutch translations, a refused file leaving the previous
// thesaurus in use, the best passage first, and bad input.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUIDE_CONTENT_DIR, GuideManager, readGuideDirectory } from '../../src/core/guide/guide.ts';
import { hashPassage, type PassageInput } from '../../src/core/guide/markdown.ts';
import { parseThesaurus, ThesaurusError, type ThesaurusProblem } from '../../src/core/guide/thesaurus.ts';
import { themes } from '../../src/core/themes.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../support/db.ts';

/** The problems of a refused file (fails when the file is accepted). */
function problemsOf(text: string): ThesaurusProblem[] {
  try {
    parseThesaurus(text, 'test.txt');
  } catch (error) {
    if (error instanceof ThesaurusError) return error.problems;
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('the thesaurus file', () => {
  it('ships with the guide, valid, with English for every theme', async () => {
    const entries = parseThesaurus(await readFile(path.join(GUIDE_CONTENT_DIR, 'thesaurus.txt'), 'utf8'));
    const english = entries.filter((e) => e.lang === 'en');
    const dutchOf = (term: string) => english.filter((e) => e.term === term).map((e) => e.target);
    expect(dutchOf('forced marriage')).toContain('huwelijksdwang');
    expect(dutchOf('honour based violence')).toContain('eergerelateerd geweld');
    expect(dutchOf('marital captivity')).toContain('huwelijksgevangenschap');
    expect(dutchOf('volunteers')).toContain('vrijwilligers');
    expect(dutchOf('funding')).toContain('financiering');
    expect(dutchOf('key figures')).toContain('sleutelpersonen');
    // Every theme but 'algemeen' is the Dutch target of some English term.
    for (const theme of themes.filter((t) => t !== 'algemeen')) {
      expect(english.some((e) => e.target === theme.replace('-', ' ')), theme).toBe(true);
    }
    const synonyms = entries.filter((e) => e.lang === 'nl' && e.kind === 'synonym');
    expect(synonyms).toContainEqual(expect.objectContaining({ term: 'sleutelfiguur', target: 'sleutelpersoon' }));
    expect(synonyms).toContainEqual(expect.objectContaining({ term: 'gedwongen huwelijk', target: 'huwelijksdwang' }));
  });

  it('reads synonyms both ways, related terms one way, English to Dutch, normalised like a query', () => {
    const entries = parseThesaurus('# kop\nformaat: 1\n\nSleutelFiguur = sleutel-persoon\ngeld > Financiering, subsidie\nen: Honour-Based Violence > eergerelateerd geweld\n');
    expect(entries.map(({ lang, kind, term, target, line }) => `${lang} ${kind} ${term} → ${target} (${line})`).sort()).toEqual([
      'en translation honour based violence → eergerelateerd geweld (6)',
      'nl related geld → financiering (5)',
      'nl related geld → subsidie (5)',
      'nl synonym sleutel persoon → sleutelfiguur (4)',
      'nl synonym sleutelfiguur → sleutel persoon (4)',
    ]);
  });

  it('refuses an unknown or missing format, naming file and line', () => {
    expect(problemsOf('# a comment\nformaat: 2\na = b\n')).toEqual([{ file: 'test.txt', line: 2, problem: "unknown format '2'; expected 'formaat: 1'" }]);
    expect(problemsOf('a = b\n')).toEqual([{ file: 'test.txt', line: 1, problem: "the first line must say 'formaat: 1'" }]);
    expect(problemsOf('')[0]).toMatchObject({ line: 1, problem: expect.stringContaining('empty') });
  });

  it('refuses a line with one word, a term mapping to itself, and a cycle', () => {
    const problems = problemsOf(
      [
        'formaat: 1',
        'sleutelfiguur', // 2: one word
        'geld = Geld', // 3: itself
        'en: training > training', // 4: itself
        'armoede > bijstand',
        'bijstand > schulden',
        'schulden > armoede', // 7: closes a cycle
        'wijk = buurt',
        'wijk > buurt', // 9: synonyms cannot be related
        'gemeente =', // 10: one term
      ].join('\n'),
    );
    expect(problems.map((p) => `${p.line}: ${p.problem}`)).toEqual([
      "2: only one term ('sleutelfiguur'); a line needs at least two: 'a = b' or 'a > b'",
      "3: 'geld' maps to itself",
      "4: 'training' maps to itself",
      '7: a cycle: schulden > armoede > bijstand > schulden (line 7 closes it)',
      "9: 'wijk > buurt': they are synonyms (line 8), so 'wijk' would map to itself",
      "10: only one term ('gemeente'); synonyms need at least two",
    ]);
    expect(problemsOf('formaat: 1\na = geld\n')).toEqual([{ file: 'test.txt', line: 2, problem: "'a' is too short to search for" }]);
  });

  it('refuses huge entries at once, and lists at most ten problems', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `woord${i}`);
    expect(problemsOf(`formaat: 1\nvrijwilliger = ${many.join(' = ')}\n`)).toEqual([
      { file: 'test.txt', line: 2, problem: expect.stringMatching(/^line of \d+ characters; at most 2000$/) },
    ]);
    expect(problemsOf(`formaat: 1\nvrijwilliger > ${many.slice(0, 30).join(', ')}\n`)[0]!.problem).toBe('30 terms on one line; at most 25');
    // 10,000 synonyms for one word, a line each: refused where the group grows too large.
    const lines = ['formaat: 1', ...many.map((word) => `vrijwilliger = ${word}`)];
    let error: ThesaurusError | undefined;
    try {
      parseThesaurus(lines.join('\n'), 'test.txt');
    } catch (caught) {
      error = caught as ThesaurusError;
    }
    expect(error).toBeInstanceOf(ThesaurusError);
    expect(error!.problems).toHaveLength(10);
    expect(error!.problems[0]).toEqual({ file: 'test.txt', line: 41, problem: 'this line makes a group of 41 synonyms; at most 40' });
    expect(error!.more).toBe(10_000 - 39 - 10);
    expect(error!.message).toContain('test.txt, line 41: ');
  });
});

/** A passage of a small test guide. */
function passage(slug: string, title: string, body: string, tags: string[] = []): PassageInput {
  const input: Omit<PassageInput, 'contentHash'> = { slug, chapter: '9', chapterTitle: 'Test', title, body, tags, source: 'test', sample: true, position: 0 };
  return { ...input, contentHash: hashPassage(input) };
}

describe.each(testBackends())('searching with the thesaurus on %s', (kind) => {
  let db: TestDatabase;
  let guide: GuideManager;
  let dir: string;
  const writeThesaurus = (text: string) => writeFile(path.join(dir, 'thesaurus.txt'), text);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    dir = await mkdtemp(path.join(tmpdir(), 'binnenuit-thesaurus-'));
    guide = new GuideManager(db.prisma, { contentDir: dir });
    await guide.sync(readGuideDirectory());
    await writeFile(path.join(dir, 'thesaurus.txt'), await readFile(path.join(GUIDE_CONTENT_DIR, 'thesaurus.txt'), 'utf8'));
    expect((await guide.reloadThesaurus()).status).toBe('read');
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds a passage by a synonym, and says what else it searched for', async () => {
    const result = await guide.search('sleutelfiguren');
    expect(result.hits[0]!.slug).toBe('4-sleutelpersonen');
    expect(result.expansions).toEqual([{ term: 'sleutelfiguren', words: expect.arrayContaining(['sleutelpersonen']) }]);
    expect((await guide.search('homoseksualiteit bespreekbaar maken')).hits[0]!.slug).toBe('7-lhbti-acceptatie');
  });

  it('searches an English question as its Dutch words, and says which', async () => {
    for (const [question, expected, dutch] of [
      ['forced marriage', '7-huwelijksdwang', 'huwelijksdwang'],
      ['paying volunteers', '5-vergoeding-voor-vrijwilligers', 'vrijwilligers'],
      ['honour-based violence', '7-eergerelateerd-geweld', 'eergerelateerd geweld'],
      ['domestic violence', '7-huiselijk-geweld', 'huiselijk geweld'],
    ] as const) {
      const result = await guide.search(question);
      expect(result.status, question).toBe('found');
      expect(result.english, question).toBe(true);
      expect(result.hits[0]!.slug, question).toBe(expected);
      expect(result.translations.flatMap((t) => t.words), question).toContain(dutch);
    }
  });

  it('reads English terms the guide lacks in a Dutch question too, and a whole question as English for English speakers', async () => {
    const mixed = await guide.search('LHBTI acceptance in de gemeenschap');
    expect(mixed.english).toBe(false);
    expect(mixed.hits[0]!.slug).toBe('7-lhbti-acceptatie');
    expect(mixed.translations).toEqual([{ term: 'acceptance', words: ['acceptatie'] }]);
    // "training" is a Dutch word of the guide too; for someone who speaks English it is also scholing.
    expect((await guide.search('training')).translations).toEqual([]);
    expect((await guide.search('training', { english: true })).translations).toEqual([{ term: 'training', words: expect.arrayContaining(['scholing']) }]);
  });

  it('answers stop words with a status in either language, and corrects Dutch typos in English questions', async () => {
    expect((await guide.search('wat is het')).status).toBe('stopWords');
    expect((await guide.search('what is it')).status).toBe('stopWords');
    expect((await guide.search('what is it', { english: true })).status).toBe('stopWords');
    const typo = await guide.search('paying the vrijwiligers');
    expect(typo.hits[0]!.slug).toBe('5-vergoeding-voor-vrijwilligers');
    expect(typo.corrections).toEqual([{ term: 'vrijwiligers', words: expect.arrayContaining(['vrijwilligers']) }]);
  });

  it('suggests thesaurus terms and keeps the reading when nothing matches', async () => {
    const result = await guide.search('voluntears');
    expect(result.status).toBe('nothing');
    expect(result.suggestions.thesaurus).toContain('volunteers');
  });

  it('refuses a bad file and keeps the previous thesaurus in use; a missing file keeps it too', async () => {
    await writeThesaurus('formaat: 1\nwijkagent > politie\n');
    expect((await guide.reloadThesaurus()).status).toBe('read');
    expect((await guide.search('wijkagent')).hits[0]!.slug).toBe('4-afspraken-met-ketenpartners');
    await writeThesaurus('formaat: 1\nwijkagent > politie\npolitie > wijkagent\nalleen\n');
    const refused = await guide.reloadThesaurus();
    expect(refused).toMatchObject({ status: 'refused', error: { problems: [{ file: 'thesaurus.txt', line: 3 }, { file: 'thesaurus.txt', line: 4 }] } });
    expect((await guide.search('wijkagent')).hits[0]!.slug).toBe('4-afspraken-met-ketenpartners');
    expect((await guide.search('vrijwilligers')).status).toBe('found');
    await rm(path.join(dir, 'thesaurus.txt'));
    expect((await guide.reloadThesaurus()).status).toBe('missing');
    expect((await guide.search('wijkagent')).hits[0]!.slug).toBe('4-afspraken-met-ketenpartners');
  });

  it('adds synonyms from the command, refusing itself, repeats and endless lists', async () => {
    expect((await guide.search('buurtvader')).status).toBe('nothing');
    expect(await guide.addSynonym('Buurtvader', 'sleutelpersoon', 'admin')).toEqual({ outcome: 'added', terms: ['buurtvader', 'sleutelpersoon'] });
    expect((await guide.search('buurtvader')).hits[0]!.slug).toBe('4-sleutelpersonen');
    expect((await guide.addSynonym('buurtvader', 'sleutelpersoon', 'admin')).outcome).toBe('known');
    expect((await guide.addSynonym('buurtvader', 'Buurt-vader', 'admin')).outcome).toBe('added');
    expect((await guide.addSynonym('geld', 'GELD', 'admin')).outcome).toBe('self');
    expect((await guide.addSynonym('???', 'geld', 'admin')).outcome).toBe('empty');
    let outcome = '';
    for (let i = 0; i < 100 && outcome !== 'tooMany'; i++) outcome = (await guide.addSynonym('proefwoord', `proefwoord${i}`, 'admin')).outcome;
    expect(outcome).toBe('tooMany');
    // Reloading the file replaces the file's rows only.
    await writeThesaurus('formaat: 1\nwijkagent > politie\n');
    await guide.reloadThesaurus();
    expect((await guide.search('buurtvader')).hits[0]!.slug).toBe('4-sleutelpersonen');
  });
});

describe.each(testBackends())('the best passage first on %s', (kind) => {
  let db: TestDatabase;
  let guide: GuideManager;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    guide = new GuideManager(db.prisma);
  }, 120_000);
  afterAll(() => db?.close());

  it('ranks a title and tags that match the whole question above a body that repeats one word', async () => {
    await guide.sync(
      [
        passage('vergoeding', 'Vergoeding voor vrijwilligers', 'Een kleine tegemoetkoming voor wie zich inzet, binnen de fiscale grenzen.', ['onkosten']),
        passage('herhaling', 'Over de stad', `${'Vrijwilligers doen veel. '.repeat(30)}En soms krijgen ze een vergoeding.`),
        passage('anders', 'Iets anders', 'Een tekst over samenwerking met de wijk en de stad.'),
      ],
      'test',
    );
    const slugs = (await guide.search('vergoeding vrijwilligers')).hits.map((h) => h.slug);
    expect(slugs).toEqual(['vergoeding', 'herhaling']);
  });

  it('weighs a synonym below the word itself', async () => {
    // Alike but for the word; the synonym's slug sorts first, so only the weight can put it second.
    await guide.sync(
      [
        passage('a-synoniem', 'Eerste passage', 'Een sleutelpersoon uit de buurt helpt mensen de weg te vinden.'),
        passage('b-woord', 'Tweede passage', 'Een sleutelfiguur uit de buurt helpt mensen de weg te vinden.'),
      ],
      'test',
    );
    expect((await guide.addSynonym('sleutelfiguur', 'sleutelpersoon', 'test')).outcome).toBe('added');
    expect((await guide.search('sleutelfiguur')).hits.map((h) => h.slug)).toEqual(['b-woord', 'a-synoniem']);
    expect((await guide.search('sleutelpersoon')).hits.map((h) => h.slug)).toEqual(['a-synoniem', 'b-woord']);
  });
});
