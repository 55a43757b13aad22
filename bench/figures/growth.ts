// Figure 5, growth: the p99 of `/update lijst` and `/advies mijn` (request to reply, one at a
// time) with 1,000, 10,000 and 100,000 rows in their table. The cost must stay flat (each list
// reads its newest rows through an index): ratio = p99 at 100k / p99 at 1k, target ≤ 1.5.
// `/advies mijn` is the bench member's, one of 201 members asking in turn, so their own
// requests grow with the table (5 at 1k, 500 at 100k), as they would over the years. Next to
// the timings, noise-free evidence from the database: the list query's plan at 100k (index, no
// sort) and its EXPLAIN ANALYZE execution time at each size. The advice requests come without
// their history and conversations (the list reads neither); the reply figure has them.
// --quick: 20 replies a size.
import { type Context, type Figure, p50p99, stats } from '../lib/harness.ts';
import { seedAdvice, seedMembers, seedUpdates } from '../lib/seed.ts';
import { type BotTarget, type Line, sequentialReplies, startFakeSlack, startSlackBot } from '../lib/slack.ts';

const SIZES = [1_000, 10_000, 100_000];

interface Case {
  name: string;
  lines: Line[];
  /** Fills the case's table up to `size` rows. */
  seed(bot: BotTarget, size: number): Promise<unknown>;
  /** The query behind the list, as the manager asks it (SQL and parameters). */
  query(bot: BotTarget): [string, ...unknown[]];
}

const CASES: Case[] = [
  {
    name: '/update lijst',
    lines: [{ command: '/update', text: 'lijst' }, { command: '/update', text: 'lijst #samenwerking' }],
    seed: (bot, size) => seedUpdates(bot.app.db, size, bot.memberId, bot.organisationId),
    query: () => [`SELECT id FROM "Update" WHERE "withdrawnAt" IS NULL ORDER BY "createdAt" DESC LIMIT 10`],
  },
  {
    name: '/advies mijn',
    lines: [{ command: '/advies', text: 'mijn' }],
    // The requests themselves; their history and conversations (five more rows each, in tables
    // the list never reads) would make 100k an hour's load on PGlite.
    seed: (bot, size) => seedAdvice(bot.app.db, size, { history: false }),
    // AdviceManager.askedBy: the member's newest 20.
    query: (bot) => [`SELECT id FROM "AdviceRequest" WHERE "requesterId" = $1 ORDER BY "createdAt" DESC LIMIT 20`, bot.memberId],
  },
];

type Plan = { 'QUERY PLAN': string }[];

async function explain(bot: BotTarget, c: Case, analyze: boolean): Promise<string[]> {
  const [sql, ...params] = c.query(bot);
  const plan = await bot.app.db.prisma.$queryRawUnsafe<Plan>(`EXPLAIN ${analyze ? '(ANALYZE) ' : ''}${sql}`, ...params);
  return plan.map((row) => row['QUERY PLAN']);
}

/** The database's own time for the query (EXPLAIN ANALYZE), the best of five: no HTTP, no load spikes. */
async function executionMs(bot: BotTarget, c: Case): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const line = (await explain(bot, c, true)).find((l) => l.startsWith('Execution Time'));
    best = Math.min(best, Number(line?.match(/[\d.]+/)?.[0] ?? Number.NaN));
  }
  return best;
}

export const figure: Figure = {
  name: 'growth',
  async run(ctx: Context) {
    const count = ctx.quick ? 20 : 150;
    const warmUp = ctx.quick ? 5 : 10;
    const fake = await startFakeSlack();
    try {
      for (const kind of ctx.backends) {
        const bot = await startSlackBot(fake, kind, kind === 'postgres' ? await ctx.postgresDatabase() : undefined);
        try {
          await seedMembers(bot.app.services, 200);
          for (const c of CASES) {
            const bySize = new Map<number, ReturnType<typeof stats>>();
            const dbMs = new Map<number, number>();
            for (const size of SIZES) {
              await c.seed(bot, size);
              await sequentialReplies(fake, bot, c.lines, warmUp);
              bySize.set(size, stats(await sequentialReplies(fake, bot, c.lines, count)));
              dbMs.set(size, await executionMs(bot, c));
            }
            ctx.log(`${kind} ${c.name} answered: ${JSON.stringify(fake.responses.at(-1)?.body).slice(0, 160)}`);
            // The plan at 100k reads the newest rows through an index instead of sorting them.
            const plan = await explain(bot, c, false);
            const indexed = plan.some((row) => /Index Scan/.test(row)) && !plan.some((row) => /Sort/.test(row));
            const small = bySize.get(SIZES[0]!)!;
            const large = bySize.get(SIZES.at(-1)!)!;
            const db = SIZES.map((size) => `${size / 1000}k ${dbMs.get(size)!.toFixed(2)}`).join(', ');
            ctx.report({
              label: `growth ${c.name} ${kind}`,
              value: SIZES.map((size) => `${size / 1000}k p99 ${bySize.get(size)!.p99.toFixed(1)}`).join(', ') + ' ms',
              baseline: `1k ${p50p99(small)}; query in the database ${db} ms; plan at 100k: ${indexed ? 'index scan, no sort' : 'NOT index only (see detail.plan)'}`,
              ratio: large.p99 / small.p99,
              target: '100k/1k p99 ratio ≤ 1.5',
              met: large.lost === 0 && large.p99 / small.p99 <= 1.5,
              detail: { ...Object.fromEntries(bySize), databaseMs: Object.fromEntries(dbMs), plan },
            });
          }
        } finally {
          await bot.stop();
        }
      }
    } finally {
      await fake.stop();
    }
  },
};
