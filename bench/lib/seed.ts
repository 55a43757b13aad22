// The database at realistic scale, filled fast: members through the bot's own manager (few),
// updates with set-based SQL (many; their bodies encrypted with the bot's key, as the bot
// stores them, so the start-up pass has nothing to encrypt), guide passages through the guide
// manager; advice requests with their conversations, and meetings with their invitees, with
// set-based SQL that writes the rows the managers write (free text encrypted).
import { createFieldCipher } from '../../src/core/crypto.ts';
import type { Services } from '../../src/core/services.ts';
import { themes } from '../../src/core/themes.ts';
import type { Database } from '../../src/db/index.ts';
import { scaledCorpus } from '../corpus.ts';
import { ENCRYPTION_KEY } from './slack.ts';

/** `count` members besides those already there, on Slack, unlinked (they only need to exist). */
export async function seedMembers(services: Services, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await services.members.resolve('slack', `USEED${i}`, `Lid ${i}`);
}

/**
 * Adds updates until there are `total`, newest first a minute apart, spread over the themes,
 * by `authorId` of organisation `organisationId`.
 */
export async function seedUpdates(db: Database, total: number, authorId: string, organisationId: string | null): Promise<number> {
  const count = (await db.prisma.$queryRawUnsafe<{ count: number }[]>('SELECT count(*)::int AS count FROM "Update"'))[0]!.count;
  const missing = total - count;
  if (missing <= 0) return count;
  const cipher = createFieldCipher(ENCRYPTION_KEY);
  const bodies = Array.from({ length: 50 }, (_, i) => cipher.encrypt(`Benchmarkupdate ${i}: overleg met de gemeente over samenwerking en zelfbeschikking in de regio.`));
  // In chunks: one statement of 100,000 rows holds PGlite's single connection for long.
  for (let done = 0; done < missing; done += 20_000) {
    const n = Math.min(20_000, missing - done);
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "Update" (id, "authorId", "organisationId", theme, body, "createdAt")
       SELECT gen_random_uuid()::text, $1, $2, ($3::text[])[1 + i % $5], ($4::text[])[1 + i % 50], now() - ((${count + done} + i) * interval '1 minute')
       FROM generate_series(1, ${n}) AS i`,
      authorId,
      organisationId,
      [...themes],
      bodies,
      themes.length,
    );
  }
  await db.prisma.$executeRawUnsafe('ANALYZE "Update"');
  return total;
}

/** The sample guide scaled to `size` passages (bench/corpus.ts), on top of what is loaded. */
export async function seedGuide(services: Services, db: Database, size: number): Promise<void> {
  await services.guide.sync(scaledCorpus(size), 'bench');
  await db.prisma.$executeRawUnsafe('ANALYZE "GuidePassage"');
  await db.prisma.$executeRawUnsafe('ANALYZE "GuideTerm"');
}

const QUESTIONS = [
  'Hoe betrekken we de gemeente bij onze aanpak van huwelijksdwang?',
  'Welke subsidie past bij een voorlichtingsreeks over zelfbeschikking?',
  'Hoe werven en houden we vrijwilligers uit de gemeenschap?',
  'Wat werkt bij het bespreekbaar maken van eergerelateerd geweld?',
  'Hoe meten we het effect van onze gespreksgroepen?',
];

/** The Slack members there are (seedMembers, the bench member), each with a DM place of its own. */
async function slackMembers(db: Database): Promise<{ ids: string[] }> {
  // Their direct messages as a channel each, as ConversationManager.ensurePlace makes them.
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "Channel" (id, platform, "externalId") SELECT gen_random_uuid()::text, 'SLACK', 'dm:' || "externalId" FROM "PlatformIdentity" WHERE platform = 'SLACK'
     ON CONFLICT (platform, "externalId") DO NOTHING`,
  );
  const rows = await db.prisma.$queryRawUnsafe<{ memberId: string }[]>(`SELECT "memberId" FROM "PlatformIdentity" WHERE platform = 'SLACK' ORDER BY "externalId"`);
  return { ids: rows.map((row) => row.memberId) };
}

async function count(db: Database, table: string): Promise<number> {
  return (await db.prisma.$queryRawUnsafe<{ count: number }[]>(`SELECT count(*)::int AS count FROM "${table}"`))[0]!.count;
}

/**
 * Adds advice requests until there are `total`, newest first ten minutes apart, asked by the
 * Slack members in turn (so each, the bench member too, has about total / members of them),
 * as AdviceManager writes them: encrypted question and organisation, numbers A-<year>-<4
 * digits> in years before this one (the bot's own numbering never meets them), the status
 * history (created, assigned, accepted, closed with an encrypted summary), and for every
 * accepted request its conversation: a place in the requester's and the adviser's DMs with a
 * message of each (encrypted). The newest 50 are still open (queued, assigned, accepted,
 * waiting); the rest are closed, as requests are within weeks. `history: false` leaves out
 * the events and conversations (nothing a list reads): the growth figure's 100k.
 */
export async function seedAdvice(db: Database, total: number, options: { encryptionKey?: string; history?: boolean } = {}): Promise<number> {
  const { encryptionKey = ENCRYPTION_KEY, history = true } = options;
  const existing = await count(db, 'AdviceRequest');
  if (existing >= total) return existing;
  const members = await slackMembers(db);
  const cipher = createFieldCipher(encryptionKey);
  const questions = QUESTIONS.map((q) => cipher.encrypt(q));
  const organisations = ['Stichting Zelfbeschikking', 'Vrouwennetwerk Oost', 'Jongerenplatform West'].map((o) => cipher.encrypt(o));
  const summaries = [cipher.encrypt('Besproken: aanpak en contacten bij de gemeente; handreiking gestuurd.')];
  const messages = ['Dank voor het oppakken! Wanneer kunnen we bellen?', 'Ik heb de handreiking gestuurd; dinsdag bellen?'].map((m) => cipher.encrypt(m));
  // In chunks: one statement holds PGlite's single connection, and a query times out at 15 s
  // (the history is five rows more for each request).
  const chunk = history ? 2_000 : 10_000;
  for (let from = existing + 1; from <= total; from += chunk) {
    const to = Math.min(total, from + chunk - 1);
    await db.prisma.$executeRawUnsafe(
      `WITH n AS (
         SELECT n, 1 + n % $7 AS a, 1 + (n % $7 + 1 + n % ($7 - 1)) % $7 AS b,
                CASE WHEN n > 50 THEN 'closed' ELSE (ARRAY['queued', 'assigned', 'accepted', 'waiting'])[1 + n % 4] END AS status,
                now() - n * interval '10 minutes' AS at
         FROM generate_series($5::int, $6::int) AS n
       ), r AS (
         INSERT INTO "AdviceRequest" (id, number, "requesterId", theme, urgent, status, "questionEncrypted", "organisationEncrypted", contact,
           "assigneeId", "assignedAt", "offerSeq", "acceptedAt", "waitingSince", "lastActivityAt", "closedAt", "summaryEncrypted", rating, "createdAt")
         SELECT gen_random_uuid()::text, 'A-' || (2025 - (n - 1) / 9999) || '-' || lpad((1 + (n - 1) % 9999)::text, 4, '0'), ($1::text[])[a],
           ($2::text[])[1 + n % array_length($2::text[], 1)], n % 10 = 0, status, ($3::text[])[1 + n % array_length($3::text[], 1)],
           CASE WHEN n % 3 = 0 THEN ($4::text[])[1 + n % 3] END, (ARRAY['chat', 'telefoon', 'email'])[1 + n % 3],
           CASE WHEN status <> 'queued' THEN ($1::text[])[b] END, CASE WHEN status <> 'queued' THEN at + interval '1 hour' END,
           CASE WHEN status <> 'queued' THEN 1 ELSE 0 END, CASE WHEN status IN ('accepted', 'waiting', 'closed') THEN at + interval '2 hours' END,
           CASE WHEN status = 'waiting' THEN at + interval '3 hours' END, at + interval '3 hours',
           CASE WHEN status = 'closed' THEN at + interval '5 days' END, CASE WHEN status = 'closed' THEN ($8::text[])[1] END,
           CASE WHEN status = 'closed' AND n % 2 = 0 THEN 3 + n % 3 END, at
         FROM n
         RETURNING id, number, "requesterId", "assigneeId", "createdAt", "acceptedAt", "closedAt"
       )${history ? HISTORY : ' SELECT count(*) FROM r'}`,
      ...[members.ids, [...themes], questions, organisations, from, to, members.ids.length, summaries, ...(history ? [messages] : [])],
    );
  }
  for (const table of ['AdviceRequest', 'AdviceEvent', 'Thread', 'ThreadMessage']) await db.prisma.$executeRawUnsafe(`ANALYZE "${table}"`);
  return total;
}

/** The status history and the conversations of the requests just inserted (r), for seedAdvice. */
const HISTORY = `, e AS (
         INSERT INTO "AdviceEvent" (id, "requestId", "actorId", action, "toMemberId", "createdAt")
         SELECT gen_random_uuid()::text, r.id, r."requesterId", 'created', NULL, r."createdAt" FROM r
         UNION ALL SELECT gen_random_uuid()::text, r.id, NULL, 'assigned', r."assigneeId", r."createdAt" + interval '1 hour' FROM r WHERE r."assigneeId" IS NOT NULL
         UNION ALL SELECT gen_random_uuid()::text, r.id, r."assigneeId", 'accepted', NULL, r."acceptedAt" FROM r WHERE r."acceptedAt" IS NOT NULL
         UNION ALL SELECT gen_random_uuid()::text, r.id, r."assigneeId", 'closed', NULL, r."closedAt" FROM r WHERE r."closedAt" IS NOT NULL
       ), t AS (
         INSERT INTO "Thread" (id, "channelId", "platformRef", "subjectType", "subjectId", "relayToKind", "relayToRef", "createdAt")
         SELECT gen_random_uuid()::text, c.id, 'advies:' || r.number, 'advies', r.number, 'user', pi."externalId", r."acceptedAt"
         FROM r CROSS JOIN LATERAL (VALUES (r."requesterId"), (r."assigneeId")) AS p(member)
         JOIN "PlatformIdentity" pi ON pi."memberId" = p.member AND pi.platform = 'SLACK'
         JOIN "Channel" c ON c.platform = 'SLACK' AND c."externalId" = 'dm:' || pi."externalId"
         WHERE r."acceptedAt" IS NOT NULL
         RETURNING id, "relayToRef", "createdAt"
       )
       INSERT INTO "ThreadMessage" (id, "threadId", "authorId", platform, "platformRef", "bodyEncrypted", "createdAt")
       SELECT gen_random_uuid()::text, t.id, pi."memberId", 'SLACK', 'bench-' || t.id, ($9::text[])[1 + (ascii(t.id) % 2)], t."createdAt" + interval '10 minutes'
       FROM t JOIN "PlatformIdentity" pi ON pi.platform = 'SLACK' AND pi."externalId" = t."relayToRef"`;

/**
 * Adds meetings until there are `total`, one a day, the newest 60 still to come (so the
 * upcoming ones are a small part, as in life; 10:00 in winter), each sent with 8 invitees among the Slack
 * members and their answers; every 20th cancelled, every 5th planned in the bench channel
 * (C0BENCH, where the benchmark's commands come from).
 */
export async function seedMeetings(db: Database, total: number): Promise<number> {
  const existing = await count(db, 'Meeting');
  if (existing >= total) return existing;
  const members = await slackMembers(db);
  await db.prisma.$executeRawUnsafe(
    `WITH n AS (
       SELECT n, date_trunc('day', now()) + (60 - n) * interval '1 day' + interval '9 hours' AS at FROM generate_series($2::int, $3::int) AS n
     ), m AS (
       INSERT INTO "Meeting" (id, title, "startsAt", "endsAt", location, "organizerId", status, sequence, "channelPlatform", "channelRef", "sentAt", "cancelledAt", "createdAt", "updatedAt")
       SELECT gen_random_uuid()::text, 'Overleg ' || n, at, at + interval '1 hour', CASE WHEN n % 2 = 0 THEN 'Utrecht' END, ($1::text[])[1 + n % $4],
         CASE WHEN n % 20 = 0 THEN 'CANCELLED' ELSE 'SENT' END, 0, CASE WHEN n % 5 = 0 THEN 'SLACK'::"Platform" END, CASE WHEN n % 5 = 0 THEN 'C0BENCH' END,
         at - interval '14 days', CASE WHEN n % 20 = 0 THEN at - interval '2 days' END, at - interval '14 days', at - interval '14 days'
       FROM n
       RETURNING id, "organizerId", "startsAt", split_part(title, ' ', 2)::int AS n
     )
     INSERT INTO "MeetingInvitee" (id, "meetingId", "memberId", answer, "answeredAt", "createdAt")
     SELECT DISTINCT ON (m.id, ($1::text[])[1 + (m.n * 7 + j * 13) % $4]) gen_random_uuid()::text, m.id, ($1::text[])[1 + (m.n * 7 + j * 13) % $4],
       (ARRAY['none', 'yes', 'no', 'maybe'])[1 + (m.n + j) % 4], CASE WHEN (m.n + j) % 4 > 0 THEN m."startsAt" - interval '7 days' END, m."startsAt" - interval '14 days'
     FROM m CROSS JOIN generate_series(1, 8) AS j
     WHERE ($1::text[])[1 + (m.n * 7 + j * 13) % $4] <> m."organizerId"`,
    members.ids,
    existing + 1,
    total,
    members.ids.length,
  );
  for (const table of ['Meeting', 'MeetingInvitee']) await db.prisma.$executeRawUnsafe(`ANALYZE "${table}"`);
  return total;
}
