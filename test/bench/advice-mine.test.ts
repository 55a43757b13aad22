// `/advies mijn` with years of requests (issue 14, figure 5): a member who asked 150 of 3,000
// requests sees their own newest 20, newest first, and the database reads exactly those through
// the (requesterId, createdAt) index instead of fetching all of the member's requests and
// sorting them (which grew with every request: 0.08 ms at 1k, 0.99 ms at 100k rows in the
// growth figure). The requests are the benchmark's bulk load (bench/lib/seed.ts), as
// AdviceManager writes them, encrypted with this bot's key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import { seedAdvice, seedMembers } from '../../bench/lib/seed.ts';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const TEST_KEY = 'test-secret-of-at-least-16-chars';

describe.each(testBackends())('/advies mijn among 3,000 requests (%s)', (kind) => {
  let testBot: TestBot;
  let memberId = '';
  beforeAll(async () => {
    testBot = await createTestBot({ kind });
    memberId = (await approveMember(testBot.services, 'slack', 'UFATIMA', 'smn', 'Fatima'))!.id;
    await seedMembers(testBot.services, 19);
    await seedAdvice(testBot.db, 3_000, { encryptionKey: TEST_KEY });
  }, 240_000);
  afterAll(() => testBot?.close());

  it('lists the member’s own newest 20, newest first', async () => {
    const outcome = await testBot.bot.handleText({ requester: { platform: 'slack', userId: 'UFATIMA' }, place: { platform: 'slack' }, command: 'advies', text: 'mijn' });
    expect(outcome.kind).toBe('reply');
    const text = replyToPlainText((outcome as Extract<typeof outcome, { kind: 'reply' }>).reply);
    const shown = [...text.matchAll(/A-\d{4}-\d{4}/g)].map((match) => match[0]);
    const own = await testBot.db.prisma.adviceRequest.findMany({ where: { requesterId: memberId }, orderBy: { createdAt: 'desc' }, select: { number: true } });
    expect(own.length).toBe(150);
    expect(shown).toEqual(own.slice(0, 20).map((row) => row.number));
    expect(text).toContain('Mijn vragen');
  });

  it('reads them through the (requesterId, createdAt) index, without sorting', async () => {
    const plan = (
      await testBot.db.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT id FROM "AdviceRequest" WHERE "requesterId" = $1 ORDER BY "createdAt" DESC LIMIT 20`,
        memberId,
      )
    ).map((row) => row['QUERY PLAN']);
    expect(plan.join('\n')).toMatch(/Index Scan Backward using "AdviceRequest_requesterId_createdAt_idx"/);
    expect(plan.join('\n')).not.toMatch(/Sort/);
  });
});
