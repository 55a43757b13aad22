// The relevance set: questions as people type them, each with the passage it should find, in
// four groups: Dutch in the guide's own words (colloquial, plural/singular, typos, partial
// words), Dutch paraphrases (other words than the passage's title and tags), English
// questions, and questions mixing both. Top-1 and top-3 are printed per group and backend; the
// targets: the expected passage in the top 3 for at least 95% of every group, first for at
// least 80% of each Dutch group. Latency is measured by `npm run bench`, not here.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuideManager, readGuideDirectory } from '../../src/core/guide/guide.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../support/db.ts';

interface RelevanceCase {
  query: string;
  expected: string;
  kind: string;
  /** nl (the default), paraphrase, en or mixed. */
  group?: string;
}

const cases = JSON.parse(readFileSync(new URL('../fixtures/handreiking-queries.json', import.meta.url), 'utf8')) as RelevanceCase[];
const groupOf = (c: RelevanceCase) => c.group ?? 'nl';
const GROUPS = [
  { name: 'nl', minimum: 60, top3: 95, top1: 80 },
  { name: 'paraphrase', minimum: 30, top3: 95, top1: 80 },
  { name: 'en', minimum: 20, top3: 95, top1: 0 },
  { name: 'mixed', minimum: 10, top3: 95, top1: 0 },
];

describe('the relevance set', () => {
  it('has enough questions in every group, each naming a passage of the sample guide', () => {
    for (const group of GROUPS) expect(cases.filter((c) => groupOf(c) === group.name).length, group.name).toBeGreaterThanOrEqual(group.minimum);
    expect(cases.every((c) => GROUPS.some((g) => g.name === groupOf(c)))).toBe(true);
    const slugs = new Set(readGuideDirectory().map((passage) => passage.slug));
    expect(cases.filter((c) => !slugs.has(c.expected)).map((c) => c.expected)).toEqual([]);
  });
});

describe.each(testBackends())('search relevance on %s', (kind) => {
  let db: TestDatabase;
  let guide: GuideManager;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    guide = new GuideManager(db.prisma);
    await guide.sync(readGuideDirectory());
    expect((await guide.reloadThesaurus()).status).toBe('read');
  }, 120_000);
  afterAll(() => db?.close());

  it.each(GROUPS)('$name: the expected passage in the top 3 (and first) often enough', async (group) => {
    const own = cases.filter((c) => groupOf(c) === group.name);
    let top3 = 0;
    let first = 0;
    const misses: string[] = [];
    for (const { query, expected } of own) {
      const slugs = (await guide.search(query, { limit: 3 })).hits.map((hit) => hit.slug);
      const position = slugs.indexOf(expected);
      if (position >= 0) top3++;
      if (position === 0) first++;
      else misses.push(`${position < 0 ? 'not in top 3' : `#${position + 1}`}: ${query} → ${slugs.join(', ') || '(nothing)'} (expected ${expected})`);
    }
    const percent = (n: number) => (100 * n) / own.length;
    console.log(
      `relevance ${group.name} (${kind}): top-1 ${first}/${own.length} (${percent(first).toFixed(1)}%), top-3 ${top3}/${own.length} (${percent(top3).toFixed(1)}%)` +
        (misses.length ? `\n  ${misses.join('\n  ')}` : ''),
    );
    expect(percent(top3)).toBeGreaterThanOrEqual(group.top3);
    expect(percent(first)).toBeGreaterThanOrEqual(group.top1);
  }, 300_000); // up to 64 searches in a row on a busy shared 2-core machine
});
