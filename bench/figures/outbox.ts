// Figure 6, fan-out: 10,000 channel messages (quick: 300) queued at once in the outbox, over
// 500 channels, drained by the bot's outbox worker against the fake Slack answering 429 (with
// Retry-After: 1) on 10% of chat.postMessage calls. Messages per second until all are sent,
// next to the platform's limit, which is the real ceiling: Slack allows chat.postMessage about
// one message per second per channel (short bursts above it), so 500 channels could take at
// most about 500 a second, and a single channel about 1. No baseline: no ratio. The 500
// channels' digests being built and queued join here once digests land (lib/seed.ts).
import type { NewOutboxItem } from '../../src/core/outbox/outbox.ts';
import { type Context, type Figure, sleep } from '../lib/harness.ts';
import { startFakeSlack, startSlackBot } from '../lib/slack.ts';

const CHANNELS = 500;

export const figure: Figure = {
  name: 'outbox',
  async run(ctx: Context) {
    const total = ctx.quick ? 300 : 10_000;
    const budgetMs = ctx.quick ? 120_000 : 600_000;
    for (const kind of ctx.backends) {
      const fake = await startFakeSlack();
      try {
        const bot = await startSlackBot(fake, kind, kind === 'postgres' ? await ctx.postgresDatabase() : undefined);
        try {
          const items: NewOutboxItem[] = Array.from({ length: total }, (_, i) => ({
            dedupeKey: `bench:fanout:${i}`,
            target: { platform: 'slack', kind: 'channel', ref: `CBENCH${i % CHANNELS}` },
            locale: 'nl',
            reply: { visibility: 'channel', text: `Overzicht ${i}: nieuwe updates over samenwerking met de gemeente deze week.` },
          }));
          const faults = fake.injectFaults({ seed: 14, rate: 0.1, kinds: ['rate-limited'], retryAfterS: 1 }, ['chat.postMessage']);
          const t0 = performance.now();
          for (let i = 0; i < total; i += 500) await bot.app.services.outbox.enqueueMany(bot.app.db.prisma, items.slice(i, i + 500));
          const queuedS = (performance.now() - t0) / 1000;
          void bot.app.worker.kick();
          const sent = async () =>
            (await bot.app.db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "OutboxMessage" WHERE status = 'SENT' AND "dedupeKey" LIKE 'bench:fanout:%'`))[0]!.n;
          let done = 0;
          while ((done = await sent()) < total && performance.now() - t0 < budgetMs) await sleep(500);
          const seconds = (performance.now() - t0) / 1000;
          const posted = fake.callsTo('chat.postMessage').filter((call) => call.status === 200 && String(call.body.channel).startsWith('CBENCH')).length;
          ctx.report({
            label: `outbox drain ${total} (10% 429) ${kind}`,
            value: `${(done / seconds).toFixed(0)} messages/s (${done}/${total} sent in ${seconds.toFixed(1)} s, queued in ${queuedS.toFixed(1)} s, ${faults.counts['rate-limited']} × 429, ${posted - done} posted twice)`,
            target: `all sent within ${budgetMs / 1000} s, none twice; Slack's ceiling ~1/s per channel (~${CHANNELS}/s over ${CHANNELS})`,
            met: done === total && posted === done,
            detail: { total, done, seconds, queuedS, rateLimited: faults.counts['rate-limited'], posted },
          });
        } finally {
          await bot.stop();
        }
      } finally {
        await fake.stop();
      }
    }
  },
};
