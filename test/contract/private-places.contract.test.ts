// H6: private conversations in the platforms' own private places, end to end through the real
// Bolt and discord.js adapters in one process. Slack participants share one group DM (mpim),
// Discord participants one private thread in the channel registered for conversations; a
// message is seen natively by the others in the same place and relayed only to the places on
// other platforms, once, in order. Without the channel, or when Discord refuses the thread,
// Discord participants fall back to their DMs. Opening survives a restart in between.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ID, CHANNEL_ID, allText, textOf, type Person } from '../discord/harness.ts';
import type { FakeMessage } from '../discord/fake-discord.ts';
import { startSlack } from '../slack/harness.ts';
import type { StoredMessage } from '../slack/fake-slack.ts';
import { startBoth, type BothPlatforms } from '../relay/harness.ts';
import { testBackends } from '../support/db.ts';

const FATIMA: Person = { id: '100000000000000071', name: 'Fatima' };
const GERRIT: Person = { id: '100000000000000072', name: 'Gerrit' };
const HANNA: Person = { id: '100000000000000073', name: 'Hanna' };
const slackText = (message: StoredMessage) => message.text ?? '';

describe.each(testBackends())('private conversations in native private places, on %s', (kind) => {
  let env: BothPlatforms;
  let ts = 0;
  const nextTs = () => `1700002000.${String(++ts).padStart(6, '0')}`;
  let subjects = 0;
  const subject = () => ({ type: 'proef', id: `P-2026-${String(++subjects).padStart(4, '0')}` });
  const member = (platform: 'slack' | 'discord', id: string, name: string) => env.testBot.services.members.resolve(platform, id, name);
  const open = async (id: { type: string; id: string }, participants: string[], title: string) => {
    await env.testBot.services.conversations.open({ subject: id, participants, title });
    await env.drain();
  };
  /** A Slack user writes in a group DM: at the top level, or in the thread of `threadTs`. */
  const inGroupDm = (channel: string, user: string, text: string, options: { threadTs?: string; ts?: string; eventId?: string } = {}) => {
    const messageTs = options.ts ?? nextTs();
    return env.slack.event(
      { type: 'message', channel, channel_type: 'mpim', user, text, ts: messageTs, event_ts: messageTs, ...(options.threadTs ? { thread_ts: options.threadTs } : {}) },
      options.eventId ?? `Ev-${messageTs}`,
    );
  };
  const botPostsIn = (channel: string) => env.slack.fake.messages.filter((message) => message.channel === channel);
  const discordDm = (person: Person) => env.discord.fake.dmsTo(person.id);

  beforeAll(async () => {
    env = await startBoth({ kind });
    for (const [id, name] of [['UAMIRA', 'Amira'], ['UBRAM', 'Bram'], ['UCHRIS', 'Chris']] as const) env.slack.fake.users.set(id, { real_name: name });
    await env.discord.ensureGuild();
  }, 240_000);
  afterAll(async () => {
    await env?.close();
  });

  describe('Slack: one group DM for the Slack participants', () => {
    const conversation = subject();
    let groupDm: string;
    let opening: StoredMessage;

    it('opens one group DM for both Slack participants and a DM for the one on Discord', async () => {
      const people = [await member('slack', 'UAMIRA', 'Amira'), await member('slack', 'UBRAM', 'Bram'), await member('discord', FATIMA.id, 'Fatima')];
      await open(conversation, people.map((person) => person.id), 'Vraag over de regietafel');
      const groups = [...env.slack.fake.groupDms.entries()];
      expect(groups).toHaveLength(1);
      [groupDm] = groups[0]!;
      expect(groups[0]![1]).toEqual(['UAMIRA', 'UBRAM']);
      const posts = botPostsIn(groupDm);
      expect(posts).toHaveLength(1);
      opening = posts[0]!;
      expect(slackText(opening)).toContain('Vraag over de regietafel');
      expect(slackText(opening)).toContain('Fatima');
      // Nobody on Slack got a DM of their own about it.
      expect(env.slack.fake.messages.filter((message) => message.channel.startsWith('D'))).toEqual([]);
      expect(discordDm(FATIMA).map(textOf).join('\n')).toContain('Vraag over de regietafel');
      const places = await env.testBot.db.prisma.thread.findMany({ where: { subjectType: conversation.type, subjectId: conversation.id } });
      expect(places).toHaveLength(2);
    });

    it('relays a Slack message (top level or in the thread) to Discord only, once, even when Slack sends it twice', async () => {
      const first = nextTs();
      await inGroupDm(groupDm, 'UAMIRA', 'Wie zit de regietafel voor?', { ts: first, eventId: 'Ev-twice' });
      await inGroupDm(groupDm, 'UAMIRA', 'Wie zit de regietafel voor?', { ts: first, eventId: 'Ev-twice' });
      await inGroupDm(groupDm, 'UBRAM', 'Goede vraag, ik weet het niet.', { threadTs: opening.ts });
      await env.drain();
      const atFatima = discordDm(FATIMA).map(textOf).filter((text) => text.includes('(Slack):'));
      expect(atFatima).toEqual([expect.stringContaining('Wie zit de regietafel voor?'), expect.stringContaining('Goede vraag, ik weet het niet.')]);
      expect(atFatima[0]).toContain('Amira');
      // Amira and Bram see each other in the group DM itself: the bot echoes nothing there.
      expect(botPostsIn(groupDm)).toHaveLength(1);
    });

    it('relays a Discord answer into the group DM once, in the thread of the opening', async () => {
      const dm = discordDm(FATIMA).find((message) => textOf(message).includes('Vraag over de regietafel'))!;
      expect(await env.discord.replyInDm(FATIMA, dm, 'De wethouder, sinds maart.', { messageId: '800000000000000001' })).toBe(true);
      // Discord replays the same message after a reconnect: nothing twice.
      await env.discord.replyInDm(FATIMA, dm, 'De wethouder, sinds maart.', { messageId: '800000000000000001' });
      await env.drain();
      const relayed = botPostsIn(groupDm).filter((message) => slackText(message).includes('De wethouder'));
      expect(relayed).toHaveLength(1);
      expect(slackText(relayed[0]!)).toContain('Fatima');
      expect(slackText(relayed[0]!)).toContain('(Discord)');
      expect(relayed[0]!.thread_ts).toBe(opening.ts);
      const stored = await env.testBot.db.prisma.threadMessage.count({ where: { thread: { subjectId: conversation.id } } });
      expect(stored).toBe(3);
    });

    it('leaves out a Slack participant who left the workspace, with the others still in the group', async () => {
      const other = subject();
      env.slack.fake.goneUsers.add('UCHRIS');
      const people = [await member('slack', 'UAMIRA', 'Amira'), await member('slack', 'UBRAM', 'Bram'), await member('slack', 'UCHRIS', 'Chris')];
      await open(other, people.map((person) => person.id), 'Met iemand die wegging');
      // The same two people: Slack's same group DM, now with a second conversation in it.
      expect(botPostsIn(groupDm).filter((message) => slackText(message).includes('Met iemand die wegging'))).toHaveLength(1);
      expect(await env.testBot.db.prisma.outboxMessage.count({ where: { status: { not: 'SENT' } } })).toBe(0);
    });
  });

  describe('Discord: one private thread for the Discord participants', () => {
    it('opens a private thread in the registered channel with both in it; messages cross to Slack and back once', async () => {
      const conversation = subject();
      // A coordinator (here the admin) chooses the channel, typing the command in it.
      const chosen = await env.discord.typed({ id: ADMIN_ID }, '/profiel gesprekskanaal');
      expect(allText(chosen)).toContain('privédraad in dit kanaal');
      const people = [await member('discord', GERRIT.id, 'Gerrit'), await member('discord', HANNA.id, 'Hanna'), await member('slack', 'UAMIRA', 'Amira')];
      await open(conversation, people.map((person) => person.id), 'Overleg over financiering');
      const threads = [...env.discord.fake.privateThreads.entries()];
      expect(threads).toHaveLength(1);
      const [threadId, thread] = threads[0]!;
      expect(thread).toMatchObject({ parent: CHANNEL_ID, type: 12, invitable: false, members: [GERRIT.id, HANNA.id] });
      expect(thread.name).toContain(conversation.id);
      const inThread = () => env.discord.fake.messagesIn(threadId).map(textOf);
      expect(inThread()).toEqual([expect.stringContaining('Overleg over financiering')]);
      expect(discordDm(GERRIT)).toEqual([]);

      expect(await env.discord.write(GERRIT, threadId, 'Is er subsidie voor?')).toBe(true);
      await env.drain();
      const amiraDm = () => env.slack.fake.messages.filter((message) => message.channel === 'DUAMIRA');
      const opened = amiraDm().find((message) => slackText(message).includes('Overleg over financiering'))!;
      expect(amiraDm().filter((message) => slackText(message).includes('Is er subsidie voor?'))).toHaveLength(1);
      // Hanna reads it in the thread itself: no echo there.
      expect(inThread()).toHaveLength(1);

      const answer = nextTs();
      const reply = { type: 'message', channel: 'DUAMIRA', channel_type: 'im', user: 'UAMIRA', text: 'Ja, via de gemeente.', ts: answer, event_ts: answer, thread_ts: opened.ts };
      await env.slack.event(reply, 'Ev-dm-answer');
      await env.slack.event(reply, 'Ev-dm-answer');
      await env.drain();
      expect(inThread().filter((text) => text.includes('Ja, via de gemeente.'))).toEqual([expect.stringContaining('Amira')]);
      expect(allText(await env.discord.typed({ id: ADMIN_ID }, '/profiel gesprekskanaal uit'))).toContain('geen privédraden meer');
      expect(await env.testBot.services.channels.list('conversations')).toEqual([]);
    });

    it('skips someone who left the server; the other is still added', async () => {
      await env.testBot.services.channels.register({ platform: 'discord', ref: CHANNEL_ID }, 'conversations');
      const LEFT: Person = { id: '100000000000000074', name: 'Ilse' };
      env.discord.fake.goneMembers.add(LEFT.id);
      const before = new Set(env.discord.fake.privateThreads.keys());
      await open(subject(), [(await member('discord', GERRIT.id, 'Gerrit')).id, (await member('discord', LEFT.id, 'Ilse')).id], 'Zonder Ilse');
      const made = [...env.discord.fake.privateThreads.entries()].filter(([id]) => !before.has(id));
      expect(made.map(([, thread]) => thread.members)).toEqual([[GERRIT.id]]);
      expect(env.discord.fake.messagesIn(made[0]![0]).map(textOf)).toEqual([expect.stringContaining('Zonder Ilse')]);
      await env.testBot.services.channels.unregister({ platform: 'discord', ref: CHANNEL_ID }, 'conversations');
    });

    it('makes the thread once when adding people fails and the opening is retried', async () => {
      await env.testBot.services.channels.register({ platform: 'discord', ref: CHANNEL_ID }, 'conversations');
      const before = new Set(env.discord.fake.privateThreads.keys());
      // discord.js retries a 5xx once itself: two failures make the delivery fail.
      env.discord.fake.failNext(2, 500, { match: (method, path) => method === 'PUT' && path.includes('/thread-members/') });
      const conversation = subject();
      await open(conversation, [(await member('discord', GERRIT.id, 'Gerrit')).id, (await member('discord', HANNA.id, 'Hanna')).id], 'Tweede poging');
      const row = await env.testBot.db.prisma.outboxMessage.findFirstOrThrow({ where: { dedupeKey: { contains: conversation.id }, targetKind: 'group' } });
      expect(row.status).toBe('PENDING');
      await env.testBot.db.prisma.outboxMessage.update({ where: { id: row.id }, data: { nextAttemptAt: new Date() } });
      await env.drain();
      const made = [...env.discord.fake.privateThreads.entries()].filter(([id]) => !before.has(id));
      expect(made.map(([, thread]) => thread.members)).toEqual([[GERRIT.id, HANNA.id]]);
      expect(env.discord.fake.messagesIn(made[0]![0]).map(textOf)).toEqual([expect.stringContaining('Tweede poging')]);
      await env.testBot.services.channels.unregister({ platform: 'discord', ref: CHANNEL_ID }, 'conversations');
    });

    it('falls back to DMs when Discord refuses the thread (403), and when no channel is registered', async () => {
      await env.testBot.services.channels.register({ platform: 'discord', ref: CHANNEL_ID }, 'conversations');
      env.discord.fake.refuseThreads = true;
      const before = env.discord.fake.privateThreads.size;
      const refused = subject();
      const people = [await member('discord', GERRIT.id, 'Gerrit'), await member('discord', HANNA.id, 'Hanna')];
      await open(refused, people.map((person) => person.id), 'Geweigerde draad');
      const opening = (person: Person, title: string) => discordDm(person).filter((message: FakeMessage) => textOf(message).includes(title));
      expect(opening(GERRIT, 'Geweigerde draad')).toHaveLength(1);
      expect(opening(HANNA, 'Geweigerde draad')).toHaveLength(1);
      expect(textOf(opening(GERRIT, 'Geweigerde draad')[0]!)).toContain('Beantwoorden');
      expect(env.discord.fake.privateThreads.size).toBe(before);
      // They talk through their DMs, relayed to each other.
      expect(await env.discord.replyInDm(GERRIT, opening(GERRIT, 'Geweigerde draad')[0]!, 'Hoor je me, Hanna?')).toBe(true);
      await env.drain();
      expect(discordDm(HANNA).map(textOf).filter((text) => text.includes('Hoor je me, Hanna?'))).toHaveLength(1);
      const refusedRow = await env.testBot.db.prisma.outboxMessage.findFirstOrThrow({ where: { dedupeKey: { contains: refused.id }, targetKind: 'group' } });
      expect(refusedRow).toMatchObject({ status: 'SENT', attempts: 0 });
      expect(refusedRow.lastError).toMatch(/^refused: /);

      env.discord.fake.refuseThreads = false;
      await env.testBot.services.channels.unregister({ platform: 'discord', ref: CHANNEL_ID }, 'conversations');
      await open(subject(), people.map((person) => person.id), 'Zonder kanaal');
      expect(opening(GERRIT, 'Zonder kanaal')).toHaveLength(1);
      expect(opening(HANNA, 'Zonder kanaal')).toHaveLength(1);
      expect(env.discord.fake.privateThreads.size).toBe(before);
    });
  });

  it('loses nothing when Slack restarts between the opening and the first message', async () => {
    const conversation = subject();
    // Slack is down: Fatima's DM goes, the group DM waits in the outbox.
    env.testBot.deliverers.delete('slack');
    const people = [await member('slack', 'UAMIRA', 'Amira'), await member('slack', 'UCHRIS', 'Chris'), await member('discord', FATIMA.id, 'Fatima')];
    env.slack.fake.goneUsers.delete('UCHRIS');
    await open(conversation, people.map((person) => person.id), 'Na de herstart');
    const dm = discordDm(FATIMA).find((message) => textOf(message).includes('Na de herstart'))!;
    // Fatima answers before the Slack place even exists.
    expect(await env.discord.replyInDm(FATIMA, dm, 'Ik ben er al.')).toBe(true);
    await env.drain();

    await env.slack.close();
    env.slack = await startSlack({ testBot: env.testBot });
    await env.testBot.services.outbox.takeOverAfterRestart();
    await env.drain();
    const groupDm = 'GUAMIRAUCHRIS';
    const posts = env.slack.fake.messages.filter((message) => message.channel === groupDm).map(slackText);
    expect(posts).toEqual([expect.stringContaining('Na de herstart'), expect.stringContaining('Ik ben er al.')]);

    // The first message in the new place is recognised and reaches Fatima.
    await inGroupDm(groupDm, 'UCHRIS', 'Fijn dat het weer werkt.');
    await env.drain();
    expect(discordDm(FATIMA).map(textOf).filter((text) => text.includes('Fijn dat het weer werkt.'))).toHaveLength(1);
  }, 120_000);
});
