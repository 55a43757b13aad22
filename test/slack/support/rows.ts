// How many rows the bot has stored, table by table: a refused request must leave these alone.
import type { TestBot } from '../../support/bot.ts';

export async function storedRows(testBot: TestBot): Promise<Record<string, number>> {
  const db = testBot.db.prisma;
  // One after the other: PGlite serves one query at a time anyway.
  return {
    members: await db.member.count(),
    identities: await db.platformIdentity.count(),
    linkRequests: await db.linkRequest.count(),
    linkCodes: await db.accountLinkCode.count(),
    channels: await db.channel.count(),
    threads: await db.thread.count(),
    threadMessages: await db.threadMessage.count(),
    updates: await db.update.count(),
    events: await db.processedEvent.count(),
    inbox: await db.inboxEvent.count(),
    outbox: await db.outboxMessage.count(),
    audit: await db.auditLog.count(),
  };
}
