// What start-up last loaded, by key (table StartupFingerprint): a start that finds the same
// fingerprint skips work whose result is already in the database (the guide sync and the
// thesaurus reload cost a second of a PGlite reopen; issue 14, figure 7).
import type { PrismaClient } from '../generated/prisma/client.ts';

export async function readFingerprint(prisma: PrismaClient, key: string): Promise<string | undefined> {
  const row = await prisma.startupFingerprint.findUnique({ where: { key }, select: { value: true } });
  return row?.value;
}

export async function writeFingerprint(prisma: PrismaClient, key: string, value: string): Promise<void> {
  await prisma.startupFingerprint.upsert({ where: { key }, create: { key, value }, update: { value } });
}

/** Forgets it: the next start does the work again (a load that failed, a content change). */
export async function clearFingerprint(prisma: PrismaClient, key: string): Promise<void> {
  await prisma.startupFingerprint.deleteMany({ where: { key } });
}

/** The guide as stored: passages of the content folder and thesaurus rows of its file. */
export async function storedGuideCounts(prisma: PrismaClient): Promise<{ passages: number; entries: number }> {
  const [passages, entries] = await Promise.all([
    prisma.guidePassage.count({ where: { OR: [{ origin: 'content' }, { origin: { startsWith: 'content/' } }] } }),
    prisma.guideThesaurus.count({ where: { origin: 'file' } }),
  ]);
  return { passages, entries };
}
