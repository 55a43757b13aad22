// Guide search on a real database (PGlite, and PostgreSQL when TEST_DATABASE_URL is set): odd
// input never reaches the database as an error, Dutch stemming, typos and partial words,
// weighting, snippets, pages, suggestions, browsing, autocomplete and the weekly tip.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuideManager, readGuideDirectory } from '../../src/core/guide/guide.ts';
import { decodeMore, encodeMore, TERMS_BUDGET } from '../../src/core/guide/query.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../support/db.ts';

const DISCORD_CUSTOM_ID_MAX = 100;

describe.each(testBackends())('guide search on %s', (kind) => {
  let db: TestDatabase;
  let guide: GuideManager;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    guide = new GuideManager(db.prisma);
    await guide.sync(readGuideDirectory());
  });
  afterAll(() => db?.close());

  describe('bad input: a status or results, never a database error', () => {
    it.each<[string, string, string]>([
      ['empty', '', 'empty'],
      ['blanks', '   \n\t ', 'empty'],
      ['only punctuation', '?!…', 'empty'],
      ['emoji only', '😀🎉👍🏽', 'empty'],
      ...[...`&|!:*()'`].map((c): [string, string, string] => [`tsquery syntax ${c}`, c, 'empty']),
      ['all tsquery syntax', `& | ! : * ( ) ' <-> \\`, 'empty'],
      ['only stop words', 'de het een wat van', 'stopWords'],
      ['stop words with syntax', "'de' & !het | (een)", 'stopWords'],
      ['a NUL character', 'vrij\u0000willigers', 'found'],
    ])('%s', async (_name, query, status) => {
      const result = await guide.search(query);
      expect(result.status).toBe(status);
      if (status !== 'found') expect(result.hits).toEqual([]);
    });

    it.each([
      ['tsquery syntax around words', "vrijwilligers & (betalen | !geld):* 'vergoeding'"],
      ['phrase and weight syntax', 'vrijwilligers <-> betalen:AB'],
      ['SQL in the query', `'; DROP TABLE "GuidePassage"; -- vrijwilligers`],
      ['emoji between words', 'vrijwilligers 🙂 betalen 💶'],
      ['full-width and accents', 'ＶＲＩＪＷＩＬＬＩＧＥＲＳ coördinator financiële'],
      ['backslashes and quotes', `vrijwilligers\\' "betalen" \\\\`],
    ])('%s: finds passages', async (_name, query) => {
      const result = await guide.search(query);
      expect(result.status).toBe('found');
      expect(result.hits.length).toBeGreaterThan(0);
      expect(await guide.count()).toBe(55);
    });

    it('takes a 1,000-character query of words, searching only the first terms that fit', async () => {
      const query = 'vrijwilligers betalen vergoeding ervaringsdeskundigen '.repeat(19).slice(0, 1000);
      expect(query).toHaveLength(1000);
      const result = await guide.search(query);
      expect(result.status).toBe('found');
      expect(result.hits[0]!.slug).toBe('5-vergoeding-voor-vrijwilligers');
      expect(result.terms.join(' ').length).toBeLessThanOrEqual(TERMS_BUDGET);
    });

    it('takes a 1,000-character word and 1,000 characters of syntax', async () => {
      expect((await guide.search('x'.repeat(1000))).status).toBe('nothing');
      expect((await guide.search('&|!:*()\''.repeat(125))).status).toBe('empty');
      expect((await guide.search('a'.repeat(500) + ' ' + 'é'.repeat(499))).status).toBe('nothing');
    });

    it('counts every word of a long question in the ranking, also past the eighth', async () => {
      // 13 words, each a concept: the coverage of the ninth and later ones is counted apart
      // (guide_rank_passages). The order is the one the previous rank statement gave.
      const result = await guide.search('geld wijk hulp werk taal zorg kerk plan buurt team jong kind eer', { limit: 5 });
      expect(result.terms).toHaveLength(13);
      expect(result.total).toBe(32);
      expect(result.hits.map((hit) => hit.slug)).toEqual([
        '6-amsterdam-wijkgerichte-aanpak-met-stichting-kezban',
        '7-eergerelateerd-geweld',
        '2-drempels-naar-voorzieningen-verlagen',
        '2-maatschappelijk-rendement',
        '4-afspraken-met-ketenpartners',
      ]);
    });

    it('clamps odd limits and offsets', async () => {
      expect((await guide.search('vrijwilligers', { limit: -5, offset: -3 })).hits).toHaveLength(1);
      expect((await guide.search('vrijwilligers', { limit: 1e9 })).hits.length).toBeLessThanOrEqual(25);
      expect((await guide.search('vrijwilligers', { limit: Number.NaN, offset: Number.POSITIVE_INFINITY })).hits).toHaveLength(3);
      const past = await guide.search('vrijwilligers', { offset: 1e9 });
      expect(past.status).toBe('found');
      expect(past.hits).toEqual([]);
      expect(past.total).toBeGreaterThan(0);
    });
  });

  describe('finding', () => {
    it('stems Dutch: the plural finds the singular and the other way round', async () => {
      expect((await guide.search('vrijwilliger')).hits[0]!.slug).toBe('5-vergoeding-voor-vrijwilligers');
      const sleutelpersoon = await guide.search('sleutelpersoon');
      expect(sleutelpersoon.hits[0]!.slug).toBe('4-sleutelpersonen');
    });

    it('reads a typo as the closest word of the guide, and says so', async () => {
      const result = await guide.search('financiring');
      expect(result.corrections).toEqual([{ term: 'financiring', words: expect.arrayContaining(['financiering']) }]);
      expect(result.hits.map((hit) => hit.slug)).toContain('5-meerjarige-financiering');
      expect((await guide.search('huwelijksdwnag')).hits[0]!.slug).toBe('7-huwelijksdwang');
    });

    it('finds partial words as prefixes', async () => {
      expect((await guide.search('eergerel')).hits.map((hit) => hit.slug)).toContain('7-eergerelateerd-geweld');
      expect((await guide.search('mudawwa')).hits[0]!.slug).toBe('7-de-organisaties-van-het-consortium-zelfbeschikking');
    });

    it('weighs a title above tags above body text', async () => {
      // "keyworkers" is a tag of Sleutelpersonen and appears in the body of other passages.
      const [first] = (await guide.search('keyworkers')).hits;
      expect(first!.slug).toBe('4-sleutelpersonen');
      const rows = await db.prisma.$queryRaw<{ a: number; b: number; c: number }[]>`
        SELECT ts_rank('{0.05, 0.25, 0.5, 1.0}', setweight(to_tsvector('dutch', 'geld'), 'A'), to_tsquery('dutch', 'geld'))::float8 AS a,
               ts_rank('{0.05, 0.25, 0.5, 1.0}', setweight(to_tsvector('dutch', 'geld'), 'B'), to_tsquery('dutch', 'geld'))::float8 AS b,
               ts_rank('{0.05, 0.25, 0.5, 1.0}', setweight(to_tsvector('dutch', 'geld'), 'C'), to_tsquery('dutch', 'geld'))::float8 AS c`;
      expect(rows[0]!.a).toBeGreaterThan(rows[0]!.b);
      expect(rows[0]!.b).toBeGreaterThan(rows[0]!.c);
    });

    it('returns snippets with the matched words in bold, and the source', async () => {
      const [hit] = (await guide.search('vrijwilligersvergoeding')).hits;
      expect(hit!.snippet).toMatch(/\*\*vrijwilligersvergoeding\*\*/i);
      expect(hit!.snippet).not.toMatch(/\n/);
      expect(hit!.source).toContain('Handreiking Verandering van Binnenuit');
    });

    it('pages through the results without repeating one', async () => {
      const first = await guide.search('vrijwilligers', { limit: 3 });
      const second = await guide.search('vrijwilligers', { limit: 3, offset: 3 });
      expect(first.total).toBeGreaterThan(6);
      expect(second.total).toBe(first.total);
      expect(second.offset).toBe(3);
      const slugs = [...first.hits, ...second.hits].map((hit) => hit.slug);
      expect(new Set(slugs).size).toBe(6);
    });

    it('fits a "more results" button in Discord\'s 100 characters and repeats the same search', async () => {
      const long = 'ervaringsdeskundigenorganisaties vrijwilligersvergoedingen samenwerkingsverbanden '.repeat(3);
      const first = await guide.search(long);
      const value = encodeMore(3, first.terms);
      expect(`handreiking.meer|${value}`.length).toBeLessThanOrEqual(DISCORD_CUSTOM_ID_MAX);
      const decoded = decodeMore(value)!;
      const again = await guide.search(decoded.query, { offset: decoded.offset });
      const direct = await guide.search(long, { offset: 3 });
      expect(again.hits.map((h) => h.slug)).toEqual(direct.hits.map((h) => h.slug));
      expect(again.total).toBe(first.total);
    });

    it('suggests the closest words and passages when nothing matches', async () => {
      const result = await guide.search('finanseringg');
      expect(result.status).toBe('nothing');
      expect(result.suggestions.words).toContain('financiering');
      expect(result.suggestions.passages.map((p) => p.slug)).toContain('5-meerjarige-financiering');
      const none = await guide.search('xyzzyq');
      expect(none.status).toBe('nothing');
      expect(none.suggestions).toEqual({ passages: [], words: [], thesaurus: [] });
    });
  });

  describe('browsing and autocomplete', () => {
    it('finds a chapter by number, title, start of its title or typed heading', async () => {
      for (const text of ['5', 'Financiering', 'finan', 'hoofdstuk 5', '5. Financiering', ' FINANCIERING ']) {
        expect((await guide.findChapter(text))?.chapter, text).toBe('5');
      }
      expect(await guide.findChapter('xyz')).toBeUndefined();
      expect(await guide.findChapter('')).toBeUndefined();
    });

    it('lists a chapter in document order', async () => {
      const passages = await guide.inChapter('5');
      expect(passages[0]!.slug).toBe('5-vergoeding-voor-vrijwilligers');
      expect(passages).toHaveLength(7);
    });

    it('suggests passages by title, also with a typo, and finds one by slug or title', async () => {
      expect((await guide.suggestPassages('sleutel')).map((p) => p.slug)).toContain('4-sleutelpersonen');
      expect((await guide.suggestPassages('sleutlprsonen')).map((p) => p.slug)).toContain('4-sleutelpersonen');
      expect(await guide.suggestPassages('', 25)).toHaveLength(25);
      // LIKE wildcards are no wildcards: typed alone they leave nothing to match on.
      expect(await guide.suggestPassages('%_\\', 5)).toEqual(await guide.suggestPassages('', 5));
      expect((await guide.findPassage('4-sleutelpersonen'))?.passage.title).toBe('Sleutelpersonen');
      expect(await guide.findPassage('vergoeding voor vrijwilligers')).toMatchObject({ passage: { slug: '5-vergoeding-voor-vrijwilligers' }, guess: false });
      expect(await guide.findPassage('qqqqqq')).toBeUndefined();
      // Words that are no title may only come back marked as a guess; no words find nothing.
      expect(await guide.findPassage('vergoedingen vrijwillig')).toMatchObject({ guess: true });
      expect(await guide.findPassage('???')).toBeUndefined();
    });
  });

  describe('the weekly tip', () => {
    const week = (n: number) => new Date(Date.UTC(2026, 0, 5 + 7 * n, 9)); // Mondays, 2026-W02 on

    it('is the same all week, deterministic, and does not come back before every passage had a turn', async () => {
      await db.prisma.guidePassage.updateMany({ data: { tipShownAt: null } });
      const first = await guide.tipOfTheWeek(week(0));
      // Deterministic: never shown yet, so the lowest md5(week || slug) wins.
      const slugs = readGuideDirectory().map((p) => p.slug);
      const md5 = (text: string) => createHash('md5').update(text).digest('hex');
      const expected = [...slugs].sort((a, b) => (md5(`2026-W02${a}`) < md5(`2026-W02${b}`) ? -1 : 1))[0];
      expect(first!.slug).toBe(expected);
      // Later the same week (Sunday evening, Amsterdam): the same tip.
      expect((await guide.tipOfTheWeek(new Date(Date.UTC(2026, 0, 11, 21))))!.slug).toBe(first!.slug);
      const seen = new Set([first!.slug]);
      for (let n = 1; n < slugs.length; n++) seen.add((await guide.tipOfTheWeek(week(n)))!.slug);
      expect(seen.size).toBe(slugs.length);
      // Everything has had a turn: the one shown longest ago comes back first.
      expect((await guide.tipOfTheWeek(week(slugs.length)))!.slug).toBe(first!.slug);
    });
  });
});

describe.each(testBackends())('an empty guide on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(() => db?.close());

  it('answers searches, browsing and the tip without errors', async () => {
    const guide = new GuideManager(db.prisma);
    expect((await guide.search('vrijwilligers')).status).toBe('nothing');
    expect(await guide.chapters()).toEqual([]);
    expect(await guide.tipOfTheWeek(new Date())).toBeUndefined();
    expect(await guide.suggestPassages('x')).toEqual([]);
  });
});

// A chapter imported whole can be long and use thousands of different words: its stripped
// vector (the coverage step's inline copy of the searchable words) is then larger than a
// database page, which a PLAIN column refused ("row is too big"): the whole load failed.
describe.each(testBackends())('a very long passage on %s', (kind) => {
  let db: TestDatabase;
  afterAll(() => db?.close());

  it('loads, and is found by a word that only it has', async () => {
    db = await createTestDatabase(kind);
    const guide = new GuideManager(db.prisma);
    const [model] = readGuideDirectory();
    // 40,000 characters of 4,000 different words (each in its own passage would be a page of its own).
    const words = Array.from({ length: 4_000 }, (_, i) => `woord${createHash('md5').update(String(i)).digest('hex').slice(0, 4)}${i}`);
    const body = words.join(' ').slice(0, 40_000);
    await guide.sync([{ ...model!, slug: 'lang-hoofdstuk', title: 'Een heel lang hoofdstuk', body }], 'lang.pdf');
    const result = await guide.search(words[1234]!);
    expect(result.status).toBe('found');
    expect(result.hits[0]!.slug).toBe('lang-hoofdstuk');
  }, 120_000);
});
