// Loading the guide: our Markdown, plain Markdown and PDF (a small PDF written by hand in
// make-pdf.ts), malformed files reported with file and line, syncs that are idempotent and
// all-or-nothing, and the `npm run handreiking:import` command itself.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuideManager, readGuideDirectory } from '../../src/core/guide/guide.ts';
import { readGuideFile } from '../../src/core/guide/loader.ts';
import { GuideFormatError, MAX_SLUG_LENGTH, parseGuideMarkdown } from '../../src/core/guide/markdown.ts';
import { parseGuidePdf } from '../../src/core/guide/pdf.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../support/db.ts';
import { buildPdf } from './make-pdf.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** A GuideFormatError with this file and line, or the test fails. */
function formatError(action: () => unknown): GuideFormatError {
  try {
    action();
  } catch (error) {
    if (error instanceof GuideFormatError) return error;
    throw error;
  }
  throw new Error('expected a GuideFormatError');
}

async function asyncFormatError(action: () => Promise<unknown>): Promise<GuideFormatError> {
  const error = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof GuideFormatError) return error;
  throw new Error(`expected a GuideFormatError, got ${String(error)}`);
}

const GOOD = `---
chapter: "8"
title: Proef
document: Proefdocument
---

## Eerste passage
<!-- tags: proef, eerste -->
De eerste passage gaat over ketenpartners.

## Tweede passage
De tweede passage gaat over wijkteams.
`;

describe('the Markdown formats', () => {
  it('reads the shipped sample guide: 55 passages, unique slugs, all marked as sample', () => {
    const passages = readGuideDirectory();
    expect(passages).toHaveLength(55);
    expect(new Set(passages.map((p) => p.slug)).size).toBe(55);
    expect(passages.every((p) => p.sample && p.source.includes('voorbeeldtekst'))).toBe(true);
    expect(new Set(passages.map((p) => p.chapter))).toEqual(new Set(['1', '2', '3', '4', '5', '6', '7']));
  });

  it('reads our format: chapter from front matter, passages from ## with tags', () => {
    const [first, second] = parseGuideMarkdown(GOOD, 'proef.md');
    expect(first).toMatchObject({ slug: '8-eerste-passage', chapter: '8', chapterTitle: 'Proef', tags: ['proef', 'eerste'], source: 'Proefdocument', position: 0 });
    expect(first!.body).toBe('De eerste passage gaat over ketenpartners.');
    expect(second).toMatchObject({ slug: '8-tweede-passage', tags: [], position: 1 });
  });

  it('reads plain Markdown: chapters from # headings, passages from ##', () => {
    const text = [
      '\uFEFFEen inleidende alinea zonder kop.',
      '',
      '# 1. Inleiding',
      'Tekst direct onder het hoofdstuk.',
      '',
      '## Doel',
      'Het doel van dit stuk.',
      '### Een subkop',
      'Meer tekst.',
      '```',
      '# geen kop in een codeblok',
      '```',
      '',
      '# Hoofdstuk 2: Samenwerking',
      '## Vertrouwen',
      '<!-- tags: vertrouwen -->',
      'Investeer in relaties.',
      '# Zonder nummer',
      '## Laatste',
      'Slot.',
    ].join('\r\n');
    const passages = parseGuideMarkdown(text, 'export.md');
    expect(passages.map((p) => [p.chapter, p.chapterTitle, p.title])).toEqual([
      ['0', 'export', 'export'],
      ['1', 'Inleiding', 'Inleiding'],
      ['1', 'Inleiding', 'Doel'],
      ['2', 'Samenwerking', 'Vertrouwen'],
      ['3', 'Zonder nummer', 'Laatste'],
    ]);
    expect(passages[2]!.body).toBe('Het doel van dit stuk.\n**Een subkop**\nMeer tekst.\n```\n# geen kop in een codeblok\n```');
    expect(passages[3]!.tags).toEqual(['vertrouwen']);
    expect(passages.every((p) => p.source === 'export.md' && !p.sample)).toBe(true);
  });

  it('reads plain Markdown with only ## headings as one chapter named after the file', () => {
    const passages = parseGuideMarkdown('## Een\nTekst een.\n\n## Een\nNog eens een.\n', 'notities.md');
    expect(passages.map((p) => [p.slug, p.chapterTitle])).toEqual([
      ['1-een', 'notities'],
      ['1-een-2', 'notities'],
    ]);
  });

  it('keeps slugs short enough for a button value', () => {
    const [passage] = parseGuideMarkdown(`## ${'Een heel lange titel '.repeat(10)}\nTekst.\n`, 'lang.md');
    expect(passage!.slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(passage!.slug).not.toMatch(/-$/);
  });

  it.each([
    ['broken front matter', '---\nchapter: "1"\ntitle: T\n  bad: x: y\n---\n## Kop\nTekst.\n', 4, /front matter: bad indentation/],
    ['front matter without title', '---\nchapter: "1"\n---\n## Kop\nTekst.\n', 1, /"chapter" and "title"/],
    ['text before the first passage', '---\nchapter: "1"\ntitle: T\n---\n\nLosse tekst.\n## Kop\nTekst.\n', 6, /before the first "## " heading/],
    ['a passage without text', '---\nchapter: "1"\ntitle: T\n---\n## Kop\nTekst.\n## Leeg\n\n## Nog een\nTekst.\n', 7, /"Leeg" has no text/],
    ['an unclosed tags comment', '---\nchapter: "1"\ntitle: T\n---\n## Kop\n<!-- tags: a, b\nTekst.\n', 6, /not closed/],
    ['plain Markdown with an empty passage', '# 1. Een\n## Kop\n\n## Verder\nTekst.\n', 2, /"Kop" has no text/],
  ])('refuses %s with file and line', (_name, text, line, problem) => {
    const error = formatError(() => parseGuideMarkdown(text, 'fout.md'));
    expect(error.file).toBe('fout.md');
    expect(error.line).toBe(line);
    expect(error.problem).toMatch(problem);
    expect(error.message).toBe(`fout.md:${line}: ${error.problem}`);
  });
});

describe('PDF', () => {
  const pdf = buildPdf([
    [
      { text: 'Handreiking Proefversie', size: 26 },
      { text: 'Een document om de import te testen.' },
      { text: '1 Inleiding', size: 18 },
      { text: 'Over deze handreiking', size: 14 },
      { text: 'Deze handreiking helpt gemeenten bij de samen-' },
      { text: 'werking met zelforganisaties (en vrijwilligers).' },
      { text: 'Pagina 1' },
    ],
    [
      { text: 'Leeswijzer', size: 14 },
      { text: 'Hoofdstuk 2 gaat over financiële vergoeding.' },
      { text: '2 Financiering', size: 18 },
      { text: 'Vergoeding voor vrijwilligers', size: 14 },
      { text: 'Een vrijwilligersvergoeding erkent de inzet.' },
      { text: 'Pagina 2' },
    ],
    [{ text: 'Ook reiskosten en kinderopvang horen erbij.' }, { text: 'Pagina 3' }],
  ]);

  it('splits by headings: the largest size is a chapter, the next a passage; source is file and page', async () => {
    const pages: string[] = [];
    const passages = await parseGuidePdf(pdf, '/tmp/proef.pdf', (page, total) => pages.push(`${page}/${total}`));
    expect(pages).toEqual(['1/3', '2/3', '3/3']);
    expect(passages.map((p) => [p.chapter, p.chapterTitle, p.title, p.source])).toEqual([
      ['0', 'Handreiking Proefversie', 'Handreiking Proefversie', 'proef.pdf, p. 1'],
      ['1', 'Inleiding', 'Over deze handreiking', 'proef.pdf, p. 1'],
      ['1', 'Inleiding', 'Leeswijzer', 'proef.pdf, p. 2'],
      ['2', 'Financiering', 'Vergoeding voor vrijwilligers', 'proef.pdf, p. 2–3'],
    ]);
    // Hyphenation joined, page numbers gone, a paragraph running over a page kept together.
    expect(passages[1]!.body).toBe('Deze handreiking helpt gemeenten bij de samenwerking met zelforganisaties (en vrijwilligers).');
    expect(passages[3]!.body).toBe('Een vrijwilligersvergoeding erkent de inzet. Ook reiskosten en kinderopvang horen erbij.');
    expect(passages.some((p) => /Pagina \d/.test(p.body))).toBe(false);
  });

  it('finds numbered headings in a PDF set in one size', async () => {
    const plain = buildPdf([[{ text: '3 Regie' }, { text: 'De gemeente houdt de regie.' }, { text: '3.1 Sleutelpersonen' }, { text: 'Sleutelpersonen slaan een brug.' }]]);
    const passages = await parseGuidePdf(plain, 'regie.pdf');
    expect(passages.map((p) => [p.chapter, p.title])).toEqual([
      ['3', 'Regie'],
      ['3', '3.1 Sleutelpersonen'],
    ]);
  });

  it('makes one passage per page when there are no headings', async () => {
    const flat = buildPdf([[{ text: 'Alleen tekst op pagina een.' }], [{ text: 'En op pagina twee.' }]]);
    const passages = await parseGuidePdf(flat, 'plat.pdf');
    expect(passages.map((p) => [p.title, p.source])).toEqual([
      ['Pagina 1', 'plat.pdf, p. 1'],
      ['Pagina 2', 'plat.pdf, p. 2'],
    ]);
  });

  it('refuses a file that is not a PDF, and a PDF without text', async () => {
    const broken = await asyncFormatError(() => parseGuidePdf(new TextEncoder().encode('geen pdf'), 'kapot.pdf'));
    expect(broken.message).toMatch(/^kapot\.pdf:1: not a readable PDF/);
    const empty = await asyncFormatError(() => parseGuidePdf(buildPdf([[]]), 'leeg.pdf'));
    expect(empty.problem).toMatch(/no text found/);
  });
});

describe.each(testBackends())('syncing and importing on %s', (kind) => {
  let db: TestDatabase;
  let guide: GuideManager;
  let dir: string;
  beforeAll(async () => {
    // The folder first: when a slow database start times this hook out, afterAll still finds it.
    dir = await mkdtemp(path.join(tmpdir(), 'binnenuit-guide-'));
    db = await createTestDatabase(kind);
    guide = new GuideManager(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('adds everything once, then reports everything unchanged', async () => {
    expect(await guide.sync(readGuideDirectory())).toEqual({ added: 55, changed: 0, removed: 0, unchanged: 0 });
    expect(await guide.sync(readGuideDirectory())).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 55 });
  });

  it('reports what changed and what was removed, and searches the new text', async () => {
    const passages = readGuideDirectory();
    const edited = passages.slice(1).map((p) => (p.slug === '5-effect-meten' ? { ...p, body: `${p.body} Denk aan een nulmeting.`, contentHash: 'edited' } : p));
    expect(await guide.sync(edited)).toEqual({ added: 0, changed: 1, removed: 1, unchanged: 53 });
    expect((await guide.search('nulmeting')).hits[0]!.slug).toBe('5-effect-meten');
    // The vocabulary follows: a typo of the new word is read as it.
    expect((await guide.search('nulmetin')).hits[0]!.slug).toBe('5-effect-meten');
    expect(await guide.sync(passages)).toEqual({ added: 1, changed: 1, removed: 0, unchanged: 53 });
  });

  it('imports a file as its own origin, idempotently, leaving the rest alone', async () => {
    const file = path.join(dir, 'proef.md');
    await writeFile(file, GOOD);
    expect((await guide.importFile(file)).report).toEqual({ added: 2, changed: 0, removed: 0, unchanged: 0 });
    expect((await guide.importFile(file)).report).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 2 });
    await writeFile(file, GOOD.replace(/## Tweede passage[\s\S]*$/, ''));
    expect((await guide.importFile(file)).report).toEqual({ added: 0, changed: 0, removed: 1, unchanged: 1 });
    expect(await guide.count()).toBe(56);
    expect((await guide.search('ketenpartners')).hits.map((h) => h.slug)).toContain('8-eerste-passage');
  });

  it('imports a PDF, idempotently', async () => {
    const file = path.join(dir, 'regie.pdf');
    await writeFile(file, buildPdf([[{ text: '9 Wijkaanpak', size: 18 }, { text: 'Wijkteams', size: 14 }, { text: 'Wijkteams kennen de buurt het best.' }]]));
    const first = await guide.importFile(file);
    expect(first).toEqual({ passages: 1, chapters: 1, report: { added: 1, changed: 0, removed: 0, unchanged: 0 } });
    expect((await guide.importFile(file)).report.unchanged).toBe(1);
    const [hit] = (await guide.search('wijkteam')).hits;
    expect(hit).toMatchObject({ slug: '9-wijkteams', source: 'regie.pdf, p. 1' });
  });

  it('rebuilds a missing vocabulary even when no passage changed', async () => {
    await db.prisma.$executeRaw`DELETE FROM "GuideLexeme"`;
    await db.prisma.$executeRaw`DELETE FROM "GuideTerm"`;
    expect((await guide.search('financiring')).corrections).toEqual([]);
    expect((await guide.sync(readGuideDirectory())).unchanged).toBe(55);
    expect((await guide.search('financiring')).corrections).toHaveLength(1);
  });

  it('lets two syncs of the same files meet without errors (one waits for the other)', async () => {
    const passages = readGuideDirectory().map((p) => ({ ...p, slug: `${p.slug}-tegelijk` }));
    const reports = await Promise.all([guide.sync(passages, 'tegelijk'), guide.sync(passages, 'tegelijk')]);
    expect(reports.map((r) => r.added).sort()).toEqual([0, 55]);
    expect((await guide.sync([], 'tegelijk')).removed).toBe(55);
  });

  it('loses nothing when a file is malformed: parsed first, nothing written', async () => {
    const before = await guide.count();
    const folder = await mkdtemp(path.join(dir, 'content-'));
    await writeFile(path.join(folder, '01-goed.md'), GOOD);
    await writeFile(path.join(folder, '02-fout.md'), '---\nchapter: "9"\ntitle: Fout\n---\n## Kop\nTekst.\n## Leeg\n');
    const error = await asyncFormatError(() => guide.reload(folder));
    expect([error.file, error.line]).toEqual(['02-fout.md', 7]);
    expect(await guide.count()).toBe(before);
    const unsupported = await asyncFormatError(() => readGuideFile(path.join(folder, 'notities.txt')));
    expect(unsupported.problem).toMatch(/\.md or \.pdf/);
  });

  it('agrees with the start-up loader: importing a file of the content folder changes nothing, nor does the next start', async () => {
    const content = new GuideManager(db.prisma);
    await content.reload();
    const bundled = path.join(content.contentDir, '05-financiering.md');
    expect((await content.importFile(bundled)).report).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 7 });
    expect(await content.reload()).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 55, skipped: [] });
  });

  it('skips a README in the content folder, names it, and removes the passages of a file that is gone', async () => {
    const folder = await mkdtemp(path.join(dir, 'readme-'));
    const local = new GuideManager(db.prisma, { contentDir: folder });
    await writeFile(path.join(folder, '01-goed.md'), GOOD.replace('chapter: "8"', 'chapter: "20"'));
    await writeFile(path.join(folder, '02-weg.md'), '---\nchapter: "9"\ntitle: Weg\n---\n## Tijdelijk\nStraks weg.\n');
    await writeFile(path.join(folder, 'README.md'), '# Over deze map\n\nHier staan de hoofdstukken.\n');
    // This folder is now the guide: the shipped chapters go, the README is no chapter 1.
    expect(await local.reload()).toMatchObject({ added: 3, changed: 0, removed: 55, skipped: ['README.md'] });
    expect(await local.count()).toBe(3 + (await db.prisma.guidePassage.count({ where: { origin: { not: { startsWith: 'content' } } } })));
    expect(await local.passage('1-over-deze-map')).toBeUndefined();
    await rm(path.join(folder, '02-weg.md'));
    expect(await local.reload()).toMatchObject({ added: 0, removed: 1, unchanged: 2 });
    expect(await local.passage('9-tijdelijk')).toBeUndefined();
    // Back to the shipped folder: the temporary chapters go, the guide is whole again.
    expect(await new GuideManager(db.prisma).reload()).toMatchObject({ added: 55, removed: 2 });
  });

  it('rolls the whole sync back when the database refuses one passage', async () => {
    const before = await guide.count();
    const passages = readGuideDirectory();
    const original = passages[0]!;
    const attempt = passages.map((p, i) =>
      i === 0 ? { ...p, body: 'Gewijzigd, maar dat mag niet blijven.', contentHash: 'changed' } : i === 40 ? { ...p, body: 'nul\u0000teken', contentHash: 'refused' } : p,
    );
    await expect(guide.sync([...attempt, { ...original, slug: 'nieuw-maar-niet-bewaard', contentHash: 'new' }])).rejects.toThrow();
    expect(await guide.count()).toBe(before);
    expect((await guide.passage(original.slug))!.body).toBe(original.body);
    expect(await guide.passage('nieuw-maar-niet-bewaard')).toBeUndefined();
  });
});

describe('npm run handreiking:import', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'binnenuit-import-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const importFile = async (file: string) => {
    const env = { ...process.env, DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', DEFAULT_LOCALE: 'nl', LOG_LEVEL: 'silent' };
    const result = await run(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/handreiking-import.ts'), file], { cwd: root, env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
    return result;
  };

  it('imports a PDF with progress and a report, reports all unchanged the second time, and refuses a malformed file', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'handreiking.pdf');
    await writeFile(file, buildPdf([[{ text: '1 Inleiding', size: 18 }, { text: 'Doel', size: 14 }, { text: 'Een doel.' }], [{ text: 'Aanpak', size: 14 }, { text: 'Een aanpak.' }]]));
    const first = await importFile(file);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('handreiking.pdf lezen');
    expect(first.stdout).toContain('pagina 2 van 2');
    expect(first.stdout).toContain('2 passages in 1 hoofdstuk gevonden');
    expect(first.stdout).toContain('handreiking.pdf: 2 toegevoegd, 0 gewijzigd, 0 verwijderd, 0 ongewijzigd.');
    const second = await importFile(file);
    expect(second.stdout).toContain('handreiking.pdf: 0 toegevoegd, 0 gewijzigd, 0 verwijderd, 2 ongewijzigd.');
    const bad = path.join(dir, 'fout.md');
    await writeFile(bad, '# 1. Een\n## Kop\n\n## Verder\nTekst.\n');
    const refused = await importFile(bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('fout.md, regel 2: passage "Kop" has no text');
    expect(refused.stderr).toContain('Er is niets gewijzigd');
    // The embedded database is open in another process (the bot): refused unless --force.
    await writeFile(path.join(dir, 'data', 'pglite', 'postmaster.pid'), '-42\n');
    const busy = await importFile(file);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('is in gebruik');
    await rm(path.join(dir, 'data', 'pglite', 'postmaster.pid'));
  });
});
