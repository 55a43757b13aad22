// Figure 4, throughput: commands offered at a rising rate (open loop, from the load
// generator's process: on schedule whatever the answers), a mix of `/help`, `/update lijst` and
// `/handreiking zoek`, each step for a few seconds; the p99 from request to reply at each rate.
// The knee is the highest rate whose p99 stays within 1 s with every command answered. The same
// for a bare Bolt app that acks, runs the one `/update lijst` query and replies; ratio = bot
// knee / bare knee (higher is better; the bare app does a fraction of the work).
import { type Context, type Figure, stats } from '../lib/harness.ts';
import { seedMembers, seedUpdates } from '../lib/seed.ts';
import { fire, type Line, startBareBolt, startFakeSlack, startSlackBot, type SlackTarget } from '../lib/slack.ts';
import type { FakeSlack } from '../../test/slack/fake-slack.ts';
import { CASES } from './reply.ts';

const LINES: Line[] = [
  { command: '/help', text: '' },
  { command: '/update', text: 'lijst' },
  { command: '/handreiking', text: 'zoek financiering gemeente' },
];
// Up to 500/s: at 225/s both the bot (on PostgreSQL) and the bare app still kept p99 under 1 s.
const RATES = [2, 3, 4, 6, 9, 13, 20, 30, 45, 68, 100, 150, 225, 340, 500];
/** --quick: doubling steps, a coarser knee in fewer steps. */
const QUICK_RATES = [2, 4, 8, 16, 32, 64, 128, 256];
const P99_LIMIT_MS = 1000;

interface Step {
  rate: number;
  p99: number;
  lost: number;
  perSecond: number;
}

async function knee(fake: FakeSlack, target: SlackTarget, seconds: number, quick: boolean): Promise<{ knee: number; steps: Step[] }> {
  await fire(fake, target, { count: 20, concurrency: 2, lines: LINES, replies: true });
  const steps: Step[] = [];
  let best = 0;
  for (const rate of quick ? QUICK_RATES : RATES) {
    const count = Math.ceil(rate * seconds);
    const t0 = performance.now();
    // A reply later than a few seconds fails the step either way (p99 ≤ 1 s); quick waits less for it.
    const { replies } = await fire(fake, target, { count, rate, lines: LINES, replies: true, replyTimeoutMs: quick ? 3_000 : 10_000 });
    const s = stats(replies);
    const step = { rate, p99: s.p99, lost: s.lost, perSecond: (count - s.lost) / ((performance.now() - t0) / 1000) };
    steps.push(step);
    if (s.lost > 0 || !(s.p99 <= P99_LIMIT_MS)) break;
    best = rate;
  }
  return { knee: best, steps };
}

const describe = (steps: Step[]) => steps.map((s) => `${s.rate}/s→p99 ${Number.isFinite(s.p99) ? s.p99.toFixed(0) : '∞'}${s.lost ? ` (${s.lost} lost)` : ''}`).join(', ');

export const figure: Figure = {
  name: 'throughput',
  async run(ctx: Context) {
    const seconds = ctx.quick ? 1 : 5;
    const fake = await startFakeSlack();
    try {
      for (const kind of ctx.backends) {
        const bot = await startSlackBot(fake, kind, kind === 'postgres' ? await ctx.postgresDatabase() : undefined);
        try {
          await seedMembers(bot.app.services, 20);
          await seedUpdates(bot.app.db, 10_000, bot.memberId, bot.organisationId);
          const listQuery = CASES.find((c) => c.name === '/update lijst')!.baseline;
          const bare = await startBareBolt(fake, (text) => listQuery(bot.app.db, text, bot.memberId));
          const baseline = await knee(fake, bare, seconds, ctx.quick).finally(() => bare.stop());
          const figures = await knee(fake, bot, seconds, ctx.quick);
          ctx.log(`${kind} bot: ${describe(figures.steps)}`);
          ctx.log(`${kind} bare: ${describe(baseline.steps)}`);
          ctx.report({
            label: `throughput knee ${kind}`,
            value: `${figures.knee} commands/s with p99 ≤ 1 s`,
            baseline: `bare Bolt + 1 query ${baseline.knee}/s`,
            ratio: figures.knee / baseline.knee,
            detail: { bot: figures.steps, bare: baseline.steps },
          });
        } finally {
          await bot.stop();
        }
      }
    } finally {
      await fake.stop();
    }
  },
};
