// Discussions under posted updates, through the Bot as any adapter calls it: /update plaats
// asks for a discussion, the adapter reports where the message landed (discussionStarted), what
// people write in that thread is kept, and /update lijst counts it. On a real database (PGlite,
// and PostgreSQL when TEST_DATABASE_URL is set).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, Requester } from '../../src/core/bot.ts';
import { replyToPlainText, type Reply } from '../../src/core/framework/reply.ts';
import type { PlatformName } from '../../src/core/platform.ts';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const textOf = (outcome: Outcome) => (outcome.kind === 'reply' || outcome.kind === 'invalid' ? replyToPlainText(outcome.reply) : '');
const replyOf = (outcome: Outcome): Reply => {
  if (outcome.kind !== 'reply') throw new Error(`expected a reply, got ${outcome.kind}`);
  return outcome.reply;
};

describe.each(testBackends())('discussions of updates on %s', (kind) => {
  let env: TestBot;
  const person = (platform: PlatformName, userId: string): Requester => ({ platform, userId, displayName: userId });
  const type = (platform: PlatformName, userId: string, line: string, channelRef = 'C-ALLIANTIE') => {
    const [, command, text] = /^\/(\S+)\s*([\s\S]*)$/.exec(line)!;
    return env.bot.handleText({ requester: person(platform, userId), place: { platform, channelRef }, command: command!, text: text! });
  };
  /** What an adapter does once the visible message is out: report where it landed. */
  const post = async (platform: PlatformName, userId: string, body: string, messageRef: string) => {
    const reply = replyOf(await type(platform, userId, `/update plaats #beleid ${body}`));
    const ref = { platform, channelRef: 'C-ALLIANTIE', threadRef: messageRef };
    const threadId = reply.discussion ? await env.bot.discussionStarted(ref, reply.discussion) : undefined;
    return { reply, ref, threadId };
  };
  /** What an adapter does with a message written in a thread; true when it was kept (now or before). */
  const write = async (ref: { platform: PlatformName; channelRef: string; threadRef: string }, userId: string, text: string, messageRef: string) => {
    const result = await env.bot.threadMessage({ ...ref, messageRef, author: { platform: ref.platform, userId, displayName: userId }, text, eventKey: `${ref.platform}:message:${messageRef}` });
    return result === 'stored' || result === 'duplicate';
  };

  beforeAll(async () => {
    env = await createTestBot({ kind });
    await approveMember(env.services, 'slack', 'U-SAMIRA', 'smn', 'Samira');
    await approveMember(env.services, 'discord', 'D-JOHN', 'iot', 'John');
    await env.services.members.setLocale((await env.services.members.resolve('discord', 'D-JOHN')).id, 'en');
  });
  afterAll(() => env?.close());

  it('a posted update asks for a discussion about itself, visibly', async () => {
    const { reply } = await post('slack', 'U-SAMIRA', 'Nieuwe beleidsnotitie over zelfbeschikking', '1700000000.000100');
    const [stored] = await env.services.updates.list({ limit: 1 });
    expect(reply.visibility).toBe('channel');
    expect(reply.discussion).toEqual({ subjectType: 'update', subjectId: stored!.id });
  });

  it('keeps what people write in that thread, and /update lijst counts it in each language', async () => {
    const { ref, threadId } = await post('slack', 'U-SAMIRA', 'Wie heeft ervaring met de meldcode?', '1700000000.000200');
    expect(threadId).toBeDefined();
    expect(await write(ref, 'U-NOOR', 'Wij, in Utrecht', '1700000000.000201')).toBe(true);
    expect(await write(ref, 'U-NOOR', 'Wij, in Utrecht', '1700000000.000201')).toBe(true); // the same message again
    expect(await write(ref, 'U-FATIMA', 'Bel me gerust', '1700000000.000202')).toBe(true);

    const dutch = textOf(await type('slack', 'U-SAMIRA', '/update lijst #beleid'));
    expect(dutch).toMatch(/Wie heeft ervaring met de meldcode\?\n_?#beleid_?\n💬 2 reacties/);
    const english = textOf(await type('discord', 'D-JOHN', '/update lijst #beleid'));
    expect(english).toContain('💬 2 replies');
    // The update nobody replied to shows no count.
    expect(dutch.match(/💬/g)).toHaveLength(1);
    expect((await env.services.threads.messages(threadId!)).map((m) => [m.author, m.text])).toEqual([
      ['U-NOOR', 'Wij, in Utrecht'],
      ['U-FATIMA', 'Bel me gerust'],
    ]);
  });

  it('counts one reply in the singular, and replies elsewhere not at all', async () => {
    const { ref } = await post('discord', 'D-JOHN', 'Training on forced marriage in Den Haag', '900000000000000001');
    await write(ref, 'D-AYLIN', 'Count me in', '900000000000000002');
    // A thread that is not the bot's, and a thread of the bot about something else.
    expect(await write({ ...ref, threadRef: '900000000000000099' }, 'D-AYLIN', 'Elders', '900000000000000003')).toBe(false);
    const other = { platform: 'discord' as const, channelRef: 'C-ALLIANTIE', threadRef: '900000000000000050' };
    await env.services.threads.open(other, { type: 'advice', id: 'a-1' });
    await write(other, 'D-AYLIN', 'Over iets anders', '900000000000000051');

    expect(textOf(await type('discord', 'D-JOHN', '/update lijst #beleid'))).toMatch(/Training on forced marriage in Den Haag\n_?#beleid_?\n💬 1 reply/);
    expect(textOf(await type('slack', 'U-SAMIRA', '/update lijst #beleid'))).toMatch(/💬 1 reactie$/m);
  });

  it('reporting the same message twice registers one discussion', async () => {
    const { reply, ref, threadId } = await post('slack', 'U-SAMIRA', 'Tweemaal gemeld', '1700000000.000300');
    expect(await env.bot.discussionStarted(ref, reply.discussion!)).toBe(threadId);
    expect(await env.db.prisma.thread.count({ where: { subjectType: 'update', subjectId: reply.discussion!.subjectId } })).toBe(1);
  });

  it('counts a discussion held on two platforms together', async () => {
    const { reply, ref } = await post('slack', 'U-SAMIRA', 'Op twee platforms besproken', '1700000000.000400');
    // The same update shown on Discord too (e.g. shared there later) with a thread of its own.
    const discordRef = { platform: 'discord' as const, channelRef: 'D-CHANNEL', threadRef: '900000000000000400' };
    await env.bot.discussionStarted(discordRef, reply.discussion!);
    await write(ref, 'U-NOOR', 'Op Slack', '1700000000.000401');
    await write(discordRef, 'D-AYLIN', 'On Discord', '900000000000000401');
    const counts = await env.services.updates.replyCounts([reply.discussion!.subjectId]);
    expect(counts.get(reply.discussion!.subjectId)).toBe(2);
  });
});
