// The relevance set: Dutch questions as people type them (colloquial, plural/singular, typos,
// partial words) with the passage each should find. At least 90% must have it in the top 3.
// The figure is printed for each backend; the search must behave the same on both.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuideManager, readGuideDirectory } from '../../src/core/guide/guide.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../support/db.ts';

interface RelevanceCase {
  query: string;
  expected: string;
  kind: string;
}

const cases = JSON.parse(readFileSync(new URL('../fixtures/handreiking-queries.json', import.meta.url), 'utf8')) as RelevanceCase[];

describe('the relevance set', () => {
  it('has at least 30 queries, each naming a passage of the sample guide', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
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
  });
  afterAll(() => db?.close());

  it('puts the expected passage in the top 3 for at least 90% of the queries', async () => {
    let top3 = 0;
    let first = 0;
    const misses: string[] = [];
    for (const { query, expected } of cases) {
      const slugs = (await guide.search(query, { limit: 3 })).hits.map((hit) => hit.slug);
      const position = slugs.indexOf(expected);
      if (position >= 0) top3++;
      else misses.push(`${query} → ${slugs.join(', ') || '(nothing)'} (expected ${expected})`);
      if (position === 0) first++;
    }
    const share = (100 * top3) / cases.length;
    console.log(`relevance (${kind}): ${top3}/${cases.length} (${share.toFixed(1)}%) in top 3, ${first}/${cases.length} first`);
    if (misses.length) console.log(`not in top 3:\n  ${misses.join('\n  ')}`);
    expect(share).toBeGreaterThanOrEqual(90);
  });
});
