// Figure: digests. The scheduler's real digest pass (DigestManager.runDue, what the `digests`
// job runs every minute) building and queueing the weekly digests of 500 subscribed Slack
// channels (quick: 50) over 100,000 updates (quick: 10,000), all of them inside the week the
// digests cover, each with the thread of its post (so every line looks its link up, as in the
// bot). The outbox worker and the scheduler are stopped first: this is building and queueing,
// not sending (figure `outbox` measures sending). Time of the pass and peak RSS of the process
// (the PGlite worker thread included), sampled every 20 ms.
//
// Baseline: the same pass with one subscribed channel (the best of three), times the number of
// channels; ratio = pass over N / (N × one). About 1 is linear (each digest costs what one
// costs); above 1, something grows with the number of channels (a query that scans what
// earlier digests queued, memory held across digests); well below 1, the pass shares work
// between channels (it builds each part once per window and language, so per channel it only
// records the run and queues the message). Targets: ratio ≤ 1.5, the pass within
// the minute between two scheduler ticks, every channel's digest queued once, peak RSS growth
// ≤ 256 MB.
import { DateTime } from 'luxon';
import type { DigestSettings } from '../../src/core/digests/digests.ts';
import type { ChannelRef } from '../../src/core/channels.ts';
import { createFieldCipher } from '../../src/core/crypto.ts';
import { themes } from '../../src/core/themes.ts';
import type { Database } from '../../src/db/index.ts';
import { type Context, type Figure } from '../lib/harness.ts';
import { type BotTarget, ENCRYPTION_KEY, startFakeSlack, startSlackBot } from '../lib/slack.ts';

const ZONE = 'Europe/Amsterdam';
/** The updates are spread over this much of the week before the pass. */
const SPREAD_MS = 6.5 * 86_400_000;
const UPDATES_CHANNEL = 'CDIGESTUPD';

export const figure: Figure = {
  name: 'digests',
  async run(ctx: Context) {
    const channels = ctx.quick ? 50 : 500;
    const updates = ctx.quick ? 10_000 : 100_000;
    for (const kind of ctx.backends) {
      const fake = await startFakeSlack();
      try {
        const bot = await startSlackBot(fake, kind, kind === 'postgres' ? await ctx.postgresDatabase() : undefined);
        try {
          // Nothing else runs: no scheduler tick building the same digests, no worker sending them.
          await bot.app.scheduler.stop();
          await bot.app.worker.stop();
          const seedS = await timed(() => seedWeek(bot.app.db, updates, bot.memberId, bot.organisationId));
          ctx.log(`${kind}: ${updates} updates with their threads seeded in ${seedS.toFixed(1)} s`);
          const now = new Date();
          const settings = weeklyJustDue(now);

          const solo: number[] = [];
          for (let i = 0; i < 3; i++) {
            const channel = { platform: 'slack' as const, ref: `CDIGESTSOLO${i}` };
            await bot.app.services.digests.subscribe(channel, { ...settings, locale: i % 2 ? 'en' : 'nl' }, bot.memberId, new Date(now.getTime() - 600_000));
            const pass = await measurePass(bot, now);
            if (pass.counts.sent !== 1) throw new Error(`one channel: ${JSON.stringify(pass.counts)}`);
            solo.push(pass.seconds);
            await bot.app.services.digests.stop(channel);
          }
          const one = Math.min(...solo);

          for (let i = 0; i < channels; i++) {
            const channel: ChannelRef = { platform: 'slack', ref: `CDIGEST${i}`, name: `digest-${i}` };
            await bot.app.services.digests.subscribe(channel, { ...settings, locale: i % 2 ? 'en' : 'nl' }, bot.memberId, new Date(now.getTime() - 600_000));
          }
          const pass = await measurePass(bot, now);
          const queued = await count(bot.app.db, `SELECT count(*)::int AS n FROM "OutboxMessage" WHERE "dedupeKey" LIKE 'digest:%' AND "targetRef" LIKE 'CDIGEST%' AND "targetRef" NOT LIKE 'CDIGESTSOLO%'`);
          const sent = await count(bot.app.db, `SELECT count(*)::int AS n FROM "OutboxMessage" WHERE "dedupeKey" LIKE 'digest:%' AND status = 'SENT'`);
          const ratio = pass.seconds / (channels * one);
          const growthMB = pass.peakMB - pass.startMB;
          ctx.report({
            label: `digests ${channels} × ${updates / 1000}k ${kind}`,
            value: `${pass.seconds.toFixed(1)} s for ${channels} digests (${((pass.seconds * 1000) / channels).toFixed(0)} ms each, ${queued} queued, ${sent} sent), peak RSS ${pass.peakMB.toFixed(0)} MB (+${growthMB.toFixed(0)} MB)`,
            baseline: `1 digest ${(one * 1000).toFixed(0)} ms × ${channels} = ${(one * channels).toFixed(1)} s`,
            ratio,
            target: `ratio ≤ 1.5, pass ≤ 60 s, ${channels} queued once, none sent, RSS growth ≤ 256 MB`,
            met: ratio <= 1.5 && pass.seconds <= 60 && queued === channels && pass.counts.sent === channels && sent === 0 && growthMB <= 256,
            detail: { channels, updates, seedS, solo, one, ...pass, queued, sent },
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

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return (performance.now() - t0) / 1000;
}

interface Pass {
  seconds: number;
  startMB: number;
  peakMB: number;
  counts: Awaited<ReturnType<BotTarget['app']['services']['digests']['runDue']>>;
}

/** One digest pass at `now`, timed, with the process's RSS sampled while it runs. */
async function measurePass(bot: BotTarget, now: Date): Promise<Pass> {
  globalThis.gc?.();
  const startMB = process.memoryUsage().rss / 2 ** 20;
  let peakMB = startMB;
  const sampler = setInterval(() => (peakMB = Math.max(peakMB, process.memoryUsage().rss / 2 ** 20)), 20);
  try {
    const t0 = performance.now();
    const counts = await bot.app.services.digests.runDue(now);
    const seconds = (performance.now() - t0) / 1000;
    peakMB = Math.max(peakMB, process.memoryUsage().rss / 2 ** 20);
    return { seconds, startMB, peakMB, counts };
  } finally {
    clearInterval(sampler);
  }
}

/** A weekly digest whose slot was two minutes before `now` (so the pass sends it, not late). */
function weeklyJustDue(now: Date): DigestSettings {
  const slot = DateTime.fromJSDate(now, { zone: ZONE }).minus({ minutes: 2 });
  return { frequency: 'weekly', weekday: slot.weekday, hour: slot.hour, minute: slot.minute, skipHolidays: false, locale: 'nl', parts: ['updates', 'overleg', 'advies', 'tip'], skipEmpty: false };
}

async function count(db: Database, sql: string): Promise<number> {
  return (await db.prisma.$queryRawUnsafe<{ n: number }[]>(sql))[0]!.n;
}

/**
 * `total` updates over the last 6.5 days (bodies encrypted with the bot's key, themes in turn),
 * each posted in one updates channel with its thread and post ref, as `/update plaats` leaves
 * them; set-based SQL in chunks (one statement of 100,000 rows holds PGlite's connection long).
 */
async function seedWeek(db: Database, total: number, authorId: string, organisationId: string | null): Promise<void> {
  const cipher = createFieldCipher(ENCRYPTION_KEY);
  const bodies = Array.from({ length: 50 }, (_, i) => cipher.encrypt(`Digestupdate ${i}: overleg met de gemeente over samenwerking en zelfbeschikking in de regio.`));
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "Channel" (id, platform, "externalId", name, purposes) VALUES (gen_random_uuid()::text, 'SLACK', $1, 'updates', ARRAY['updates']) ON CONFLICT DO NOTHING`,
    UPDATES_CHANNEL,
  );
  const stepMs = SPREAD_MS / total;
  for (let done = 0; done < total; done += 20_000) {
    const n = Math.min(20_000, total - done);
    await db.prisma.$executeRawUnsafe(
      `WITH made AS (
         INSERT INTO "Update" (id, "authorId", "organisationId", "channelId", theme, body, "createdAt")
         SELECT gen_random_uuid()::text, $1, $2, (SELECT id FROM "Channel" WHERE "externalId" = $6), ($3::text[])[1 + i % $5], ($4::text[])[1 + i % 50],
                now() - ((${done} + i) * ${stepMs.toFixed(3)} * interval '1 millisecond')
         FROM generate_series(1, ${n}) AS i
         RETURNING id, "channelId", "createdAt")
       INSERT INTO "Thread" (id, "channelId", "platformRef", "subjectType", "subjectId", "postRef")
       SELECT gen_random_uuid()::text, "channelId", ts, 'update', id, 'slack:' || $6 || ':' || ts
       FROM (SELECT id, "channelId", (1700000000 + ${done} + row_number() OVER ())::text || '.000100' AS ts FROM made) AS posted`,
      authorId,
      organisationId,
      [...themes],
      bodies,
      themes.length,
      UPDATES_CHANNEL,
    );
  }
  await db.prisma.$executeRawUnsafe('ANALYZE "Update"');
  await db.prisma.$executeRawUnsafe('ANALYZE "Thread"');
}
