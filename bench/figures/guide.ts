// Figure 8, guide search (was bench/index.ts). Relevance first: top-1 and top-3 per group of
// the relevance set (Dutch, Dutch paraphrases, English, mixed) on the sample guide with the
// thesaurus, as test/guide/relevance.test.ts checks them. Then guide search latency over the
// sample guide scaled to 5,000 passages (quick: 1,000), next to a naive scan (ILIKE '%term%'
// on title, tags and body for the same terms, ranked by how many terms matched) over the same
// data. The indexed search is the whole of GuideManager.search (query analysis, typo lookup,
// ranked GIN search, snippets, passages), through the same Prisma client as the naive scan.
// Reports p50/p95, the ratio (ILIKE p50 / search p50: the speed-up), and for how many queries
// the planner reads the matches through the GIN index (EXPLAIN; a query whose terms occur in a
// large part of the guide is read faster sequentially, and the planner knows). Targets: at
// least 5× faster (p50), and a question under 50 ms (p95) at 5,000 passages.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GuideManager, readGuideDirectory } from '../../src/core/guide/guide.ts';
import { planSearch } from '../../src/core/guide/search.ts';
import { openDatabase, type Database, type DatabaseKind } from '../../src/db/index.ts';
import { scaledCorpus } from '../corpus.ts';
import { type Context, type Figure, root } from '../lib/harness.ts';

const REQUIRED_SPEEDUP = 5;
/** A question (the whole of GuideManager.search, p95) takes less than this at 5,000 passages. */
const MAX_QUESTION_MS = 50;

const cases = JSON.parse(readFileSync(path.join(root, 'test/fixtures/handreiking-queries.json'), 'utf8')) as { query: string; expected: string; group?: string }[];
const queries = cases.map((q) => q.query);
const GROUPS = ['nl', 'paraphrase', 'en', 'mixed'];

interface Relevance {
  group: string;
  first: number;
  top3: number;
  of: number;
}

/** Top-1 and top-3 per group on the guide as it is loaded now (the sample guide). */
async function relevance(guide: GuideManager): Promise<Relevance[]> {
  const figures = GROUPS.map((group) => ({ group, first: 0, top3: 0, of: 0 }));
  for (const c of cases) {
    const row = figures.find((f) => f.group === (c.group ?? 'nl'))!;
    const position = (await guide.search(c.query, { limit: 3 })).hits.map((hit) => hit.slug).indexOf(c.expected);
    row.of++;
    if (position === 0) row.first++;
    if (position >= 0) row.top3++;
  }
  return figures;
}

interface Figures {
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

function figures(samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1)!, mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

async function measure(run: (query: string) => Promise<unknown>, rounds: number): Promise<Figures> {
  for (const query of queries) await run(query); // warm-up: plans, caches
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const query of queries) {
      const started = performance.now();
      await run(query);
      samples.push(performance.now() - started);
    }
  }
  return figures(samples);
}

/** The naive way: every term as ILIKE '%term%' on title, tags and body; most terms first. */
async function naiveSearch(db: Database, patterns: string[]): Promise<unknown> {
  return db.prisma.$queryRaw`
    SELECT p.slug, count(*) AS score
    FROM "GuidePassage" p
    JOIN unnest(${patterns}::text[]) AS pat ON (p.title ILIKE pat OR array_to_string(p.tags, ' ') ILIKE pat OR p.body ILIKE pat)
    GROUP BY p.slug
    ORDER BY score DESC, p.slug
    LIMIT 3`;
}

/** For how many of the queries the planner reads the matches through the GIN index. */
async function indexUse(db: Database): Promise<{ used: number; of: number }> {
  let used = 0;
  for (const query of queries) {
    const plan = await planSearch(db.prisma, query);
    if (!plan.matchQuery) continue;
    const rows = await db.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
      `EXPLAIN SELECT id FROM "GuidePassage" WHERE "search" @@ $1::tsquery`,
      plan.matchQuery,
    );
    if (rows.some((row) => row['QUERY PLAN'].includes('GuidePassage_search_idx'))) used++;
  }
  return { used, of: queries.length };
}

interface BackendResult {
  kind: DatabaseKind;
  indexed: Figures;
  naive: Figures;
  load: number;
  index: { used: number; of: number };
  relevance: Relevance[];
}

async function benchBackend(kind: DatabaseKind, size: number, rounds: number, log: (m: string) => void, url?: string): Promise<BackendResult> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'binnenuit-bench-'));
  const db = await openDatabase({ databaseUrl: url, dataDir, inMemory: kind === 'pglite' });
  try {
    const guide = new GuideManager(db.prisma);
    await guide.sync(readGuideDirectory());
    const thesaurus = await guide.reloadThesaurus();
    if (thesaurus.status !== 'read') throw new Error(`thesaurus not loaded: ${thesaurus.status}`);
    const figures = await relevance(guide);
    const corpus = scaledCorpus(size);
    const started = performance.now();
    const report = await guide.sync(corpus, 'bench');
    const load = performance.now() - started;
    log(`${kind}: loaded ${report.added} passages in ${(load / 1000).toFixed(1)} s`);
    await db.prisma.$executeRawUnsafe('ANALYZE "GuidePassage"');
    await db.prisma.$executeRawUnsafe('ANALYZE "GuideTerm"');
    const index = await indexUse(db);
    // The naive scan looks for the same terms the search looks for (stop words left out).
    const patterns = new Map<string, string[]>();
    for (const query of queries) {
      const plan = await planSearch(db.prisma, query);
      patterns.set(query, plan.terms.map((term) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
    }
    const indexed = await measure((query) => guide.search(query, { limit: 3 }), rounds);
    const naive = await measure((query) => naiveSearch(db, patterns.get(query)!), rounds);
    return { kind, indexed, naive, load, index, relevance: figures };
  } finally {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export const figure: Figure = {
  name: 'guide',
  async run(ctx: Context) {
    const size = ctx.quick ? 500 : 5000;
    const rounds = ctx.quick ? 1 : 3;
    for (const kind of ctx.backends) {
      const r = await benchBackend(kind, size, rounds, ctx.log, kind === 'postgres' ? await ctx.postgresDatabase() : undefined);
      const percent = (n: number, of: number) => `${n}/${of}`;
      ctx.report({
        label: `guide relevance ${kind}`,
        value: r.relevance.map((g) => `${g.group} top-1 ${percent(g.first, g.of)} top-3 ${percent(g.top3, g.of)}`).join(', '),
        detail: { relevance: r.relevance },
      });
      const speedup = r.naive.p50 / r.indexed.p50;
      const fast = size < 5000 || r.indexed.p95 < MAX_QUESTION_MS;
      ctx.report({
        label: `guide search ${size} passages ${kind}`,
        value: `p50 ${ms(r.indexed.p50)} p95 ${ms(r.indexed.p95)}, GIN index for ${r.index.used}/${r.index.of}`,
        baseline: `ILIKE p50 ${ms(r.naive.p50)} p95 ${ms(r.naive.p95)}`,
        ratio: speedup,
        target: `ILIKE/search ratio ≥ ${REQUIRED_SPEEDUP}, p95 < ${MAX_QUESTION_MS} ms at 5,000`,
        met: speedup >= REQUIRED_SPEEDUP && r.index.used > 0 && fast,
        detail: { indexed: r.indexed, naive: r.naive, loadMs: r.load, index: r.index },
      });
    }
  },
};
