// Figure 1, Slack ack: signed slash commands (half `/update plaats`, a write; half `/help`) at
// concurrency 10 against the bot's /slack/events, p50/p99 to the HTTP 200, next to a bare Bolt
// 5 app that only acks, in the same run. Target: p99 ratio ≤ 1.5. Between the two the bot's
// work behind the acks is let finish, so one does not slow the other.
import { type Context, type Figure, p50p99, stats, until } from '../lib/harness.ts';
import { fire, startBareBolt, startFakeSlack, startSlackBot, type SlackTarget } from '../lib/slack.ts';

const CONCURRENCY = 10;

export const figure: Figure = {
  name: 'ack',
  async run(ctx: Context) {
    const count = ctx.quick ? 100 : 2000;
    const fake = await startFakeSlack();
    try {
      const measure = async (target: SlackTarget) => {
        await fire(fake, target, { count: 20, concurrency: 5 }); // warm-up: connections, plans
        return stats((await fire(fake, target, { count, concurrency: CONCURRENCY, offset: 20 })).acks);
      };
      for (const kind of ctx.backends) {
        // The baseline right before each backend: the machine's load drifts during a run.
        const bare = await startBareBolt(fake);
        const baseline = await measure(bare).finally(() => bare.stop());
        const bot = await startSlackBot(fake, kind, kind === 'postgres' ? await ctx.postgresDatabase() : undefined);
        try {
          const posts = () => fake.responses.length + fake.callsTo('chat.postMessage').length;
          const before = posts();
          const figures = await measure(bot);
          // The answers behind the acks (bounded): the next figure starts on a quiet bot.
          await until(() => posts() - before >= count + 20, 90_000, 100);
          ctx.report({
            label: `ack ${count} at c${CONCURRENCY} ${kind}`,
            value: p50p99(figures),
            baseline: `bare Bolt ${p50p99(baseline)}`,
            ratio: figures.p99 / baseline.p99,
            target: 'p99 ratio ≤ 1.5',
            met: figures.lost === 0 && figures.p99 / baseline.p99 <= 1.5,
            detail: { bot: figures, bare: baseline, p50ratio: figures.p50 / baseline.p50 },
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
