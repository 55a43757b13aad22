// npm run bench [-- --size 5000 --rounds 5 --backends pglite,postgres]
// Relevance first: top-1 and top-3 per group of the relevance set (Dutch, Dutch paraphrases,
// English, mixed) on the sample guide with the thesaurus, as test/guide/relevance.test.ts
// checks them. Then guide search latency over the sample guide scaled to `size` passages, on PGlite and on
// PostgreSQL, next to a naive scan (ILIKE '%term%' on title, tags and body for the same terms,
// ranked by how many terms matched) over the same data. The indexed search is the whole of
// GuideManager.search (query analysis, typo lookup, ranked GIN search, snippets, passages),
// through the same Prisma client as the naive scan. Prints p50/p95 and the ratio, and for how
// many queries the planner reads the matches through the GIN index (EXPLAIN; a query whose
// terms occur in a large part of the guide is read faster sequentially, and the planner knows). Exits 1 when the indexed search is not at
// least 5× faster (p50), or when a question takes 50 ms or more (p95) at 5,000 passages. PostgreSQL: TEST_DATABASE_URL if set, else a throwaway cluster from
// scripts/test-postgres.sh, stopped afterwards. Not a test: numbers depend on the machine.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { GuideManager, readGuideDirectory } from '../src/core/guide/guide.ts';
import { planSearch } from '../src/core/guide/search.ts';
import { openDatabase, type Database, type DatabaseKind } from '../src/db/index.ts';
import { scaledCorpus } from './corpus.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const REQUIRED_SPEEDUP = 5;
/** A question (the whole of GuideManager.search, p95) takes less than this at 5,000 passages. */
const MAX_QUESTION_MS = 50;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

const size = Number(option('size', '5000'));
const rounds = Number(option('rounds', '5'));
const backends = option('backends', 'pglite,postgres').split(',') as DatabaseKind[];
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

async function measure(run: (query: string) => Promise<unknown>): Promise<Figures> {
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

async function benchBackend(kind: DatabaseKind, url?: string): Promise<BackendResult> {
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
    console.log(`${kind}: loaded ${report.added} passages in ${(load / 1000).toFixed(1)} s`);
    await db.prisma.$executeRawUnsafe('ANALYZE "GuidePassage"');
    await db.prisma.$executeRawUnsafe('ANALYZE "GuideTerm"');
    const index = await indexUse(db);
    // The naive scan looks for the same terms the search looks for (stop words left out).
    const patterns = new Map<string, string[]>();
    for (const query of queries) {
      const plan = await planSearch(db.prisma, query);
      patterns.set(query, plan.terms.map((term) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
    }
    const indexed = await measure((query) => guide.search(query, { limit: 3 }));
    const naive = await measure((query) => naiveSearch(db, patterns.get(query)!));
    return { kind, indexed, naive, load, index, relevance: figures };
  } finally {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A database of its own on the server (dropped afterwards); a throwaway cluster if needed. */
async function withPostgres<T>(run: (url: string) => Promise<T>): Promise<T> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  let started = false;
  const env = { ...process.env, BINNENUIT_PG_DIR: path.join(tmpdir(), 'binnenuit-bench-pg') };
  if (!serverUrl) {
    serverUrl = execFileSync('bash', [path.join(root, 'scripts/test-postgres.sh'), 'start'], { env, encoding: 'utf8' }).trim();
    started = true;
  }
  const name = `binnenuit_bench_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    return await run(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    if (started) execFileSync('bash', [path.join(root, 'scripts/test-postgres.sh'), 'stop'], { env });
  }
}

const results = [];
console.log(`guide search benchmark: ${size} passages, ${queries.length} queries × ${rounds} rounds per backend`);
for (const kind of backends) {
  results.push(kind === 'postgres' ? await withPostgres((url) => benchBackend(kind, url)) : await benchBackend(kind));
}
console.log('');
const percent = (n: number, of: number) => `${n}/${of} (${((100 * n) / of).toFixed(1)}%)`;
console.log('relevance  group        top-1               top-3');
for (const r of results) {
  for (const g of r.relevance) console.log(`${r.kind.padEnd(10)} ${g.group.padEnd(12)} ${percent(g.first, g.of).padEnd(19)} ${percent(g.top3, g.of)}`);
}
console.log('');
console.log('backend    search p50   search p95   search max   ILIKE p50    ILIKE p95    speed-up p50 (p95)   GIN index in plan');
let ok = true;
for (const r of results) {
  const ratio = r.naive.p50 / r.indexed.p50;
  const ratio95 = r.naive.p95 / r.indexed.p95;
  ok &&= ratio >= REQUIRED_SPEEDUP && r.index.used > 0 && (size < 5000 || r.indexed.p95 < MAX_QUESTION_MS);
  console.log(
    `${r.kind.padEnd(10)} ${ms(r.indexed.p50).padStart(10)}   ${ms(r.indexed.p95).padStart(10)}   ${ms(r.indexed.max).padStart(10)}   ${ms(r.naive.p50).padStart(10)}   ${ms(r.naive.p95).padStart(10)}   ${`${ratio.toFixed(1)}× (${ratio95.toFixed(1)}×)`.padStart(18)}   ${r.index.used}/${r.index.of} queries`,
  );
}
console.log('');
const fast = results.every((r) => r.indexed.p95 < MAX_QUESTION_MS);
console.log(`a question (p95) takes ${fast ? 'under' : 'NOT under'} ${MAX_QUESTION_MS} ms at ${size} passages on every backend`);
console.log(ok ? `indexed search is at least ${REQUIRED_SPEEDUP}× faster than the naive scan on every backend` : `indexed search is NOT ${REQUIRED_SPEEDUP}× faster everywhere, or a question is too slow`);
process.exitCode = ok ? 0 : 1;
