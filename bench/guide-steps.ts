// Profiling aid for issue 15 (not a figure): where a guide question spends its time on a
// backend. Loads the sample guide + thesaurus + scaledCorpus(N), then runs every relevance
// question through GuideManager.search with a Prisma client whose raw queries and passage reads
// are timed one by one (each is a round trip to the database, on PGlite a message to the worker).
// Prints per statement p50/p95, round trips per question, a `SELECT 1` round trip and the ILIKE
// scan of the bench for comparison, and with --explain the EXPLAIN ANALYZE of the slowest run of
// each statement.
//   npx tsx bench/guide-steps.ts [--size 5000] [--rounds 3] [--explain] [--postgres URL]
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Prisma } from '../src/generated/prisma/client.ts';
import { GuideManager, readGuideDirectory } from '../src/core/guide/guide.ts';
import { openDatabase } from '../src/db/index.ts';
import type { Store } from '../src/core/store.ts';
import { scaledCorpus } from './corpus.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const size = Number(arg('size') ?? 5000);
const rounds = Number(arg('rounds') ?? 3);
const explain = process.argv.includes('--explain');
const url = arg('postgres');
/** Write every question's results (limit 3, and a second page of 5) to this file: before/after must be equal. */
const dump = arg('dump');
/** How many of the slowest questions to list. */
const tailSize = Number(arg('tail') ?? 15);

const cases = JSON.parse(readFileSync('test/fixtures/handreiking-queries.json', 'utf8')) as { query: string }[];
const queries = cases.map((c) => c.query);

interface Sample { ms: number; sql: string; values: unknown[] }
const samples = new Map<string, Sample[]>();
let trips = 0;
let recording = false;
/** The steps of the question being timed. */
let current: { name: string; ms: number }[] = [];

/** A statement's name: the first words that tell the statements of search.ts apart. */
function nameOf(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  if ((flat.includes('GuideThesaurus') && flat.includes("key_nl")) || flat.includes("guide_lookup_thesaurus")) return flat.includes("guide_analyse_words") ? "analyse + thesaurus" : "lookupThesaurus";
  if (flat.includes('similar_lexemes')) return 'analyse';
  if (flat.includes('ts_headline') || flat.includes('guide_rank_passages')) return 'rankPassages';
  if (flat.includes('word_similarity') && flat.includes('GuideThesaurus')) return 'similarThesaurusTerms';
  if (flat.includes('word_similarity')) return 'similarTitles';
  if (flat.includes('GuideTerm')) return 'similarWords';
  return flat.slice(0, 40);
}

function record(name: string, ms: number, sql = '', values: unknown[] = []) {
  if (!recording) return;
  trips++;
  current.push({ name, ms });
  const list = samples.get(name) ?? [];
  list.push({ ms, sql, values });
  samples.set(name, list);
}

function timed(prisma: Store): Store {
  const passages = new Proxy(prisma.guidePassage, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        const result = await value.apply(target, args);
        record(`guidePassage.${String(key)}`, performance.now() - started);
        return result;
      };
    },
  });
  return new Proxy(prisma, {
    get(target, key, receiver) {
      if (key === 'guidePassage') return passages;
      if (key === '$queryRaw') {
        return async (strings: TemplateStringsArray, ...values: unknown[]) => {
          const query = Prisma.sql(strings, ...values);
          const started = performance.now();
          const result = await target.$queryRaw(strings, ...values);
          record(nameOf(query.text), performance.now() - started, query.text, query.values);
          return result;
        };
      }
      return Reflect.get(target, key, receiver);
    },
  }) as Store;
}

const pct = (list: number[], q: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const f = (n: number) => n.toFixed(1).padStart(7);

async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'binnenuit-steps-'));
  const db = await openDatabase({ databaseUrl: url, dataDir, inMemory: !url });
  try {
    const guide = new GuideManager(timed(db.prisma));
    await guide.sync(readGuideDirectory());
    await guide.reloadThesaurus();
    const t0 = performance.now();
    await guide.sync(scaledCorpus(size), 'bench');
    console.log(`${db.kind}: ${size} passages loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await db.prisma.$executeRawUnsafe('ANALYZE');
    for (const q of queries) await guide.search(q, { limit: 3 });
    const total: number[] = [];
    const perQuestion: number[] = [];
    const ping: number[] = [];
    const ilike: number[] = [];
    /** Per question its times over the rounds, and the steps of its slowest run: the tail. */
    const byQuestion = new Map<string, number[]>();
    const stepsOf = new Map<string, string>();
    for (let r = 0; r < rounds; r++) {
      for (const q of queries) {
        recording = true;
        trips = 0;
        current = [];
        const started = performance.now();
        await guide.search(q, { limit: 3 });
        const ms = performance.now() - started;
        total.push(ms);
        recording = false;
        const times = byQuestion.get(q) ?? [];
        if (ms >= Math.max(0, ...times)) stepsOf.set(q, current.map((c) => `${c.name} ${c.ms.toFixed(1)}`).join(', '));
        byQuestion.set(q, [...times, ms]);
        perQuestion.push(trips);
        let s = performance.now();
        await db.prisma.$queryRaw`SELECT 1`;
        ping.push(performance.now() - s);
        if (r > 0 || queries.indexOf(q) % 5 !== 0) continue; // the ILIKE scan is slow: a sample
        const words = q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 2).map((w) => `%${w}%`);
        s = performance.now();
        await db.prisma.$queryRaw`
          SELECT p.slug, count(*) AS score FROM "GuidePassage" p
          JOIN unnest(${words}::text[]) AS pat ON (p.title ILIKE pat OR array_to_string(p.tags, ' ') ILIKE pat OR p.body ILIKE pat)
          GROUP BY p.slug ORDER BY score DESC, p.slug LIMIT 3`;
        ilike.push(performance.now() - s);
      }
    }
    console.log(`${'step'.padEnd(28)}    n     p50     p95     max   share of total`);
    const sum = total.reduce((a, b) => a + b, 0);
    for (const [name, list] of samples) {
      const ms = list.map((s) => s.ms);
      const all = ms.reduce((a, b) => a + b, 0);
      console.log(`${name.padEnd(28)} ${String(list.length).padStart(4)} ${f(pct(ms, 0.5))} ${f(pct(ms, 0.95))} ${f(Math.max(...ms))}   ${((100 * all) / sum).toFixed(0)}%`);
    }
    console.log(`${'search (whole)'.padEnd(28)} ${String(total.length).padStart(4)} ${f(pct(total, 0.5))} ${f(pct(total, 0.95))} ${f(Math.max(...total))}`);
    console.log(`${'SELECT 1 (round trip)'.padEnd(28)} ${String(ping.length).padStart(4)} ${f(pct(ping, 0.5))} ${f(pct(ping, 0.95))} ${f(Math.max(...ping))}`);
    console.log(`${'ILIKE scan'.padEnd(28)} ${String(ilike.length).padStart(4)} ${f(pct(ilike, 0.5))} ${f(pct(ilike, 0.95))} ${f(Math.max(...ilike))}`);
    console.log(`round trips per question: min ${Math.min(...perQuestion)} max ${Math.max(...perQuestion)} mean ${(perQuestion.reduce((a, b) => a + b, 0) / perQuestion.length).toFixed(2)}`);
    const tail = [...byQuestion].map(([q, ms]) => ({ q, median: pct(ms, 0.5) })).sort((a, b) => b.median - a.median).slice(0, tailSize);
    console.log(`\nslowest ${tailSize} questions (median of ${rounds} rounds; steps of the slowest run):`);
    for (const t of tail) console.log(`${f(t.median)}  ${t.q}\n           ${stepsOf.get(t.q)}`);
    if (dump) {
      const out: unknown[] = [];
      for (const q of queries) out.push({ q, first: await guide.search(q, { limit: 3 }), more: await guide.search(q, { limit: 5, offset: 3 }) });
      writeFileSync(dump, JSON.stringify(out, null, 1));
    }
    if (explain) {
      for (const [name, list] of samples) {
        const slowest = [...list].filter((s) => s.sql).sort((a, b) => b.ms - a.ms)[0];
        if (!slowest) continue;
        const rows = await db.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${slowest.sql}`, ...slowest.values);
        console.log(`\n=== ${name} (${slowest.ms.toFixed(1)} ms)\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
    }
  } finally {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
