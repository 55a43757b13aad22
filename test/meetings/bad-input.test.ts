// Bad input to /overleg that no platform changes: 500 invitees at most (an organisation of 501
// is refused with the number, nothing stored), answers to a meeting that has begun, and a
// feed path that is no token. Through the real Bot on PGlite (and PostgreSQL when set).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

describe.each(testBackends())('bad input to /overleg (%s)', (kind) => {
  let testBot: TestBot;
  beforeAll(async () => {
    testBot = await createTestBot({ kind, admins: ['console:local'], botOptions: { prepareDeadlineMs: 30_000 } });
    await approveMember(testBot.services, 'console', 'org', 'smn', 'Samira');
    await approveMember(testBot.services, 'console', 'fatima', 'iot', 'Fatima');
  }, 240_000);
  afterAll(() => testBot?.close());

  const run = async (user: string, text: string) => {
    const outcome = await testBot.bot.handleText({ requester: { platform: 'console', userId: user }, place: { platform: 'console' }, command: 'overleg', text });
    return outcome.kind === 'reply' ? outcome.reply : undefined;
  };
  const press = async (user: string, actionId: string, value: string) => {
    const outcome = await testBot.bot.handleAction({ requester: { platform: 'console', userId: user }, place: { platform: 'console' }, actionId, value });
    return outcome.kind === 'reply' ? outcome.reply : undefined;
  };

  it('refuses 501 invitees with a clear message and stores nothing', async () => {
    const fsan = await testBot.db.prisma.organisation.findUniqueOrThrow({ where: { slug: 'fsan' } });
    await testBot.db.prisma.member.createMany({
      data: Array.from({ length: 501 }, (_, i) => ({ displayName: `Lid ${i}`, organisationId: fsan.id, approvedAt: new Date() })),
    });
    const reply = await run('org', 'plan wanneer:"3 maart 2027 14:00" genodigden:FSAN Grote bijeenkomst');
    expect(replyToPlainText(reply!)).toContain('Dat zijn 501 genodigden; een overleg heeft er hoogstens 500');
    expect(reply!.buttons ?? []).toHaveLength(0);
    expect(await testBot.db.prisma.meeting.count()).toBe(0);
    expect(await testBot.db.prisma.meetingInvitee.count()).toBe(0);
  });

  it('refuses an answer once the meeting has begun', async () => {
    const preview = await run('org', 'plan wanneer:"3 maart 2027 14:00" genodigden:@fatima Begonnen');
    const id = preview!.buttons![0]!.value!;
    await press('org', 'overleg.versturen', id);
    await testBot.db.prisma.meeting.update({ where: { id }, data: { startsAt: new Date(Date.now() - 60_000) } });
    expect(replyToPlainText((await press('fatima', 'overleg.ja', id))!)).toContain('al begonnen of voorbij');
    const invitee = await testBot.db.prisma.meetingInvitee.findFirstOrThrow({ where: { meetingId: id } });
    expect(invitee.answer).toBe('none');
  });

  it('refuses a forged or unknown meeting id on every button', async () => {
    for (const action of ['versturen', 'aanpassen', 'annuleren', 'ja', 'nee', 'misschien', 'tijd']) {
      const reply = await press('fatima', `overleg.${action}`, 'not-a-meeting');
      expect(reply?.isError, action).toBe(true);
    }
  });
});
