// Figure 2, end-to-end reply: a signed slash command to its reply reaching the fake Slack API
// (the response_url post), one at a time, p50/p99, next to a bare Bolt app that acks, runs one
// indexed query of similar size on the same database and replies. Target: p99 ratio ≤ 2.
// The database at scale: 200 members, 100,000 updates, 5,000 guide passages, 5,000 advice
// requests with their conversations, 2,000 meetings (quick: 20 members, 10,000, 1,000, 1,000
// and 500). `/advies mijn` is the bench member's (a member: the requests they asked, about 25);
// `/overleg lijst` the upcoming meetings they organise, are invited to or that were planned in
// the channel the command comes from.
import type { Database } from '../../src/db/index.ts';
import { type Context, type Figure, p50p99, stats } from '../lib/harness.ts';
import { seedAdvice, seedGuide, seedMeetings, seedMembers, seedUpdates } from '../lib/seed.ts';
import { type Line, sequentialReplies, startBareBolt, startFakeSlack, startSlackBot } from '../lib/slack.ts';

interface Case {
  name: string;
  lines: Line[];
  /** The bare app's one query of similar size: what it reads to reply. */
  baseline(db: Database, text: string, memberId: string): Promise<string>;
}

const QUESTIONS = ['financiering', 'samenwerking met de gemeente', 'huwelijksdwang signalen', 'eergerelateerd geweld aanpak', 'lhbti acceptatie', 'vrijwilligers werven'];

export const CASES: Case[] = [
  {
    name: '/handreiking zoek',
    lines: QUESTIONS.map((q) => ({ command: '/handreiking', text: `zoek ${q}` })),
    async baseline(db, text) {
      const rows = await db.prisma.$queryRawUnsafe<{ title: string; body: string }[]>(
        `SELECT title, left(body, 300) AS body FROM "GuidePassage" WHERE "search" @@ plainto_tsquery('dutch', $1) LIMIT 3`,
        text.replace(/^zoek /, ''),
      );
      return rows.map((row) => `*${row.title}*\n${row.body}`).join('\n\n') || 'niets';
    },
  },
  {
    name: '/update lijst',
    lines: [{ command: '/update', text: 'lijst' }],
    async baseline(db) {
      const rows = await db.prisma.$queryRawUnsafe<{ body: string; createdAt: Date }[]>(
        `SELECT body, "createdAt" FROM "Update" WHERE "withdrawnAt" IS NULL ORDER BY "createdAt" DESC LIMIT 10`,
      );
      return rows.map((row) => `${row.createdAt.toISOString()} ${row.body.slice(0, 80)}`).join('\n');
    },
  },
  {
    name: '/advies mijn',
    lines: [{ command: '/advies', text: 'mijn' }],
    async baseline(db, _text, memberId) {
      const rows = await db.prisma.$queryRawUnsafe<{ number: string; theme: string; status: string; createdAt: Date }[]>(
        `SELECT number, theme, status, "createdAt" FROM "AdviceRequest" WHERE "requesterId" = $1 ORDER BY "createdAt" DESC LIMIT 20`,
        memberId,
      );
      return rows.map((row) => `${row.number} #${row.theme} ${row.status} ${row.createdAt.toISOString()}`).join('\n') || 'niets';
    },
  },
  {
    name: '/overleg lijst',
    lines: [{ command: '/overleg', text: 'lijst' }],
    async baseline(db) {
      const rows = await db.prisma.$queryRawUnsafe<{ number: number; title: string; startsAt: Date; invited: number }[]>(
        `SELECT number, title, "startsAt", (SELECT count(*)::int FROM "MeetingInvitee" i WHERE i."meetingId" = m.id) AS invited
         FROM "Meeting" m WHERE status = 'SENT' AND "endsAt" > now() ORDER BY "startsAt" LIMIT 10`,
      );
      return rows.map((row) => `O-${row.number} ${row.title} ${row.startsAt.toISOString()} (${row.invited})`).join('\n') || 'niets';
    },
  },
];

export const figure: Figure = {
  name: 'reply',
  async run(ctx: Context) {
    const count = ctx.quick ? 20 : 150;
    const fake = await startFakeSlack();
    try {
      for (const kind of ctx.backends) {
        const bot = await startSlackBot(fake, kind, kind === 'postgres' ? await ctx.postgresDatabase() : undefined);
        try {
          const t0 = performance.now();
          await seedMembers(bot.app.services, ctx.quick ? 20 : 200);
          await seedUpdates(bot.app.db, ctx.quick ? 10_000 : 100_000, bot.memberId, bot.organisationId);
          await seedAdvice(bot.app.db, ctx.quick ? 1000 : 5000);
          await seedMeetings(bot.app.db, ctx.quick ? 500 : 2000);
          // Loading the guide is one transaction with a time limit, which a busy machine can
          // pass (5,000 passages on PGlite at load 19): the other commands are measured still.
          const guideFailed = await seedGuide(bot.app.services, bot.app.db, ctx.quick ? 1000 : 5000).then(() => undefined, (error: Error) => error);
          ctx.log(`${kind}: seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
          for (const c of CASES) {
            if (guideFailed && c.name === '/handreiking zoek') {
              ctx.report({ label: `reply ${c.name} ${kind}`, value: `not measured: loading the guide failed (${guideFailed.message.split('\n').filter((line) => line.trim()).at(-1)?.slice(0, 200)})`, met: false });
              continue;
            }
            const bare = await startBareBolt(fake, (text) => c.baseline(bot.app.db, text, bot.memberId));
            const warmUp = ctx.quick ? 3 : 10;
            const measureBare = async () => {
              await sequentialReplies(fake, bare, c.lines, warmUp);
              return stats(await sequentialReplies(fake, bare, c.lines, count));
            };
            const baseline = await measureBare().finally(() => bare.stop());
            await sequentialReplies(fake, bot, c.lines, warmUp);
            const figures = stats(await sequentialReplies(fake, bot, c.lines, count));
            // What the bot answered (a list, passages), so a figure never times an error message.
            ctx.log(`${kind} ${c.name} answered: ${JSON.stringify(fake.responses.at(-1)?.body).slice(0, 200)}`);
            ctx.report({
              label: `reply ${c.name} ${kind}`,
              value: p50p99(figures),
              baseline: `bare Bolt + 1 query ${p50p99(baseline)}`,
              ratio: figures.p99 / baseline.p99,
              target: 'p99 ratio ≤ 2',
              met: figures.lost === 0 && figures.p99 / baseline.p99 <= 2,
              detail: { bot: figures, bare: baseline },
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
