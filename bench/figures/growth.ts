// Figure 5, growth: the p99 of `/update lijst` (request to reply, one at a time) with 1,000,
// 10,000 and 100,000 updates in the database. The cost must stay flat (the list reads the
// newest ten through the createdAt index): ratio = p99 at 100k / p99 at 1k, target ≤ 1.5.
// `/advies mijn` joins once advice lands (its rows in lib/seed.ts, a line in CASES below).
import { type Context, type Figure, p50p99, stats } from '../lib/harness.ts';
import { seedUpdates } from '../lib/seed.ts';
import { type Line, sequentialReplies, startFakeSlack, startSlackBot } from '../lib/slack.ts';

const SIZES = [1_000, 10_000, 100_000];
const CASES: { name: string; lines: Line[] }[] = [{ name: '/update lijst', lines: [{ command: '/update', text: 'lijst' }, { command: '/update', text: 'lijst #samenwerking' }] }];

export const figure: Figure = {
  name: 'growth',
  async run(ctx: Context) {
    const count = ctx.quick ? 20 : 150;
    const fake = await startFakeSlack();
    try {
      for (const kind of ctx.backends) {
        const bot = await startSlackBot(fake, kind, kind === 'postgres' ? await ctx.postgresDatabase() : undefined);
        try {
          for (const c of CASES) {
            const bySize = new Map<number, ReturnType<typeof stats>>();
            for (const size of SIZES) {
              await seedUpdates(bot.app.db, size, bot.memberId, bot.organisationId);
              await sequentialReplies(fake, bot, c.lines, 10);
              bySize.set(size, stats(await sequentialReplies(fake, bot, c.lines, count)));
            }
            // Noise-free evidence next to the timings: the plan at 100k reads the newest ten
            // through an index instead of sorting the table.
            const plan = await bot.app.db.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
              `EXPLAIN SELECT id FROM "Update" WHERE "withdrawnAt" IS NULL ORDER BY "createdAt" DESC LIMIT 10`,
            );
            const indexed = plan.some((row) => /Index Scan/.test(row['QUERY PLAN'])) && !plan.some((row) => /Sort/.test(row['QUERY PLAN']));
            const small = bySize.get(SIZES[0]!)!;
            const large = bySize.get(SIZES.at(-1)!)!;
            ctx.report({
              label: `growth ${c.name} ${kind}`,
              value: SIZES.map((size) => `${size / 1000}k p99 ${bySize.get(size)!.p99.toFixed(1)}`).join(', ') + ' ms',
              baseline: `1k ${p50p99(small)}; plan at 100k: ${indexed ? 'index scan, no sort' : 'NO index'}`,
              ratio: large.p99 / small.p99,
              target: '100k/1k p99 ratio ≤ 1.5',
              met: large.lost === 0 && large.p99 / small.p99 <= 1.5,
              detail: { ...Object.fromEntries(bySize), plan: plan.map((row) => row['QUERY PLAN']) },
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
