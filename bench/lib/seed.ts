// The database at realistic scale, filled fast: members through the bot's own manager (few),
// updates with set-based SQL (many; their bodies encrypted with the bot's key, as the bot
// stores them, so the start-up pass has nothing to encrypt), guide passages through the guide
// manager. Further loads (advice, meetings) get a function here as their features land.
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
