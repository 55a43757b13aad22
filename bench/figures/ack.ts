// Figure 1, Slack ack: signed slash commands (half `/update plaats`, a write; half `/help`) at
// concurrency 10 against the bot's /slack/events, p50/p99 to the HTTP 200, next to a bare Bolt
// 5 app that only acks, in the same run. Target: p99 ratio ≤ 1.5. Between the two the bot's
// work behind the acks is let finish, so one does not slow the other.
// Also next to the durable floor: a bare Bolt app that writes one row before each ack (the
// least that keeps an acknowledged command through a kill -9) and after it runs one query and
// replies, as every command of the bot does some work. The ratio is against the app
// that does nothing; the floor ratio says how much of the gap is the guarantee itself.
import type { DatabaseKind } from '../../src/db/index.ts';
import { type Context, type Figure, p50p99, stats, until } from '../lib/harness.ts';
import { fire, openDurableFloor, startBareBolt, startFakeSlack, startSlackBot, type SlackTarget } from '../lib/slack.ts';

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
      const posts = () => fake.responses.length + fake.callsTo('chat.postMessage').length;
      const measureFloor = async (kind: DatabaseKind, databaseUrl: string | undefined) => {
        const floor = await openDurableFloor(kind, databaseUrl);
        const app = await startBareBolt(fake, () => floor.work(), { beforeAck: (command) => floor.receipt(command.trigger_id, command.text) });
        try {
          const before = posts();
          const figures = await measure(app);
          await until(() => posts() - before >= count + 20, 90_000, 100);
          return figures;
        } finally {
          await app.stop();
          await floor.close();
        }
      };
      for (const kind of ctx.backends) {
        // The baseline right before each backend: the machine's load drifts during a run.
        const bare = await startBareBolt(fake);
        const baseline = await measure(bare).finally(() => bare.stop());
        const floor = await measureFloor(kind, kind === 'postgres' ? await ctx.postgresDatabase() : undefined);
        const bot = await startSlackBot(fake, kind, kind === 'postgres' ? await ctx.postgresDatabase() : undefined);
        try {
          const before = posts();
          const figures = await measure(bot);
          // The answers behind the acks (bounded): the next figure starts on a quiet bot.
          await until(() => posts() - before >= count + 20, 90_000, 100);
          ctx.report({
            label: `ack ${count} at c${CONCURRENCY} ${kind}`,
            value: p50p99(figures),
            baseline: `bare Bolt ${p50p99(baseline)}; durable floor ${p50p99(floor)} (p99 ratio ${(figures.p99 / floor.p99).toFixed(2)})`,
            ratio: figures.p99 / baseline.p99,
            target: 'p99 ratio ≤ 1.5',
            met: figures.lost === 0 && figures.p99 / baseline.p99 <= 1.5,
            detail: { bot: figures, bare: baseline, floor, p50ratio: figures.p50 / baseline.p50, floorRatio: figures.p99 / floor.p99 },
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
