// What reaches people outside an interaction's answer: outbox deliveries (DMs, channel and
// thread posts) through rate limits and server errors, replies in the bot's threads, answers
// that had to be deferred, and answers that come after the interaction token expired.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType, GatewayIntentBits, type APIApplicationCommandInteractionDataOption } from 'discord-api-types/v10';
import { ephemeral, inChannel, type Reply } from '../../src/core/framework/reply.ts';
import type { OutboxTarget } from '../../src/core/outbox/outbox.ts';
import { DiscordAdapter } from '../../src/adapters/discord/discord-adapter.ts';
import { approveMember, silentLogger } from '../support/bot.ts';
import { isEphemeral } from './fake-discord.ts';
import { ADMIN_ID, CHANNEL_ID, DiscordHarness, THREAD_ID, allText, buttonsOf, seenMessages, textOf } from './harness.ts';

type Option = APIApplicationCommandInteractionDataOption;
const sub = (name: string, ...options: Option[]): Option => ({ name, type: ApplicationCommandOptionType.Subcommand, options } as Option);
const str = (name: string, value: string): Option => ({ name, type: ApplicationCommandOptionType.String, value });
const OTHER_THREAD_ID = '500000000000000007';
const messagesRoute = (method: string, path: string) => method === 'POST' && /^\/channels\/\d+\/messages$/.test(path);

describe('outbox deliveries and thread replies', () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await DiscordHarness.create({ adapter: { messageContent: true } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const enqueue = (dedupeKey: string, target: Omit<OutboxTarget, 'platform'>, reply: Reply) =>
    h.testBot.db.prisma.$transaction((tx) => h.testBot.services.outbox.enqueue(tx, { dedupeKey, target: { platform: 'discord', ...target }, locale: 'nl', reply }));
  const row = (dedupeKey: string) => h.testBot.db.prisma.outboxMessage.findFirstOrThrow({ where: { dedupeKey } });
  /** Time passes until the retry is due (the outbox's clock, not the test's). */
  const makeDue = (dedupeKey: string) => h.testBot.db.prisma.outboxMessage.updateMany({ where: { dedupeKey }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });

  it('registered the commands at start-up, and a restart with the same commands registers nothing', async () => {
    expect(h.fake.commandPuts).toHaveLength(1);
    expect(h.adapter.registration).toMatchObject({ scope: 'global', action: 'created' });
    // Another start against the same Discord, as after a restart or a second instance.
    const again = new DiscordAdapter(h.testBot.bot, { token: 'fake-token', applicationId: h.fake.applicationId, apiUrl: h.fake.apiUrl, logger: silentLogger });
    await again.start();
    await again.stop();
    expect(again.registration?.action).toBe('unchanged');
    expect(h.fake.commandPuts).toHaveLength(1);
  });

  it('asks for the message-content intent only when configured', () => {
    const intents = Number(h.fake.identifies[0]!.intents);
    expect(intents & GatewayIntentBits.MessageContent).toBe(GatewayIntentBits.MessageContent);
    expect(intents & GatewayIntentBits.Guilds).toBe(GatewayIntentBits.Guilds);
  });

  it('a DM that meets 429 waits the retry_after Discord gave, then arrives once', async () => {
    await enqueue('dm-429', { kind: 'user', ref: 'dm-user-1' }, ephemeral({ text: 'Je verzoek is ontvangen' }));
    h.fake.failNext(1, 429, { retryAfter: 30, match: messagesRoute });
    await h.testBot.worker.drain();
    expect(h.fake.dmsTo('dm-user-1')).toHaveLength(0);
    const waiting = await row('dm-429');
    expect(waiting).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(waiting.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(25_000);

    await makeDue('dm-429');
    await h.testBot.worker.drain();
    const dms = h.fake.dmsTo('dm-user-1');
    expect(dms.map(textOf)).toEqual(['Je verzoek is ontvangen']);
    expect((await row('dm-429')).status).toBe('SENT');
    // discord.js did not retry by itself: one refused and one accepted request.
    const channel = h.fake.dmChannels.get('dm-user-1')!;
    expect(h.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channel}/messages`)).toHaveLength(2);
  });

  it('a rate-limited DM channel is retried by the outbox too', async () => {
    await enqueue('dm-429b', { kind: 'user', ref: 'dm-user-2' }, ephemeral({ text: 'Tweede bericht' }));
    h.fake.failNext(1, 429, { retryAfter: 5, match: (method, path) => method === 'POST' && path === '/users/@me/channels' });
    await h.testBot.worker.drain();
    expect((await row('dm-429b')).attempts).toBe(1);
    await makeDue('dm-429b');
    await h.testBot.worker.drain();
    expect(h.fake.dmsTo('dm-user-2').map(textOf)).toEqual(['Tweede bericht']);
  });

  it('a DM that meets server errors is retried later and arrives once', async () => {
    await enqueue('dm-500', { kind: 'user', ref: 'dm-user-3' }, ephemeral({ text: 'Na een storing' }));
    h.fake.failNext(2, 500, { match: messagesRoute });
    await h.testBot.worker.drain();
    expect(h.fake.dmsTo('dm-user-3')).toHaveLength(0);
    expect(await row('dm-500')).toMatchObject({ status: 'PENDING', attempts: 1 });
    await makeDue('dm-500');
    await h.testBot.worker.drain();
    expect(h.fake.dmsTo('dm-user-3').map(textOf)).toEqual(['Na een storing']);
  });

  it('posts to a channel and into a thread', async () => {
    await enqueue('to-channel', { kind: 'channel', ref: CHANNEL_ID }, inChannel({ title: 'Digest', text: 'Drie nieuwe updates' }));
    await enqueue('to-thread', { kind: 'thread', ref: `${CHANNEL_ID}/${THREAD_ID}` }, inChannel({ text: 'Herinnering in de draad' }));
    await h.testBot.worker.drain();
    expect(h.fake.messagesIn(CHANNEL_ID).map(textOf)).toContain('Digest\nDrie nieuwe updates');
    expect(h.fake.messagesIn(THREAD_ID).map(textOf)).toEqual(['Herinnering in de draad']);
    expect(isEphemeral(h.fake.messagesIn(THREAD_ID)[0]!)).toBe(false);
  });

  it("stores replies in the bot's threads once, and nothing from elsewhere or from bots", async () => {
    const threadId = await h.testBot.services.threads.open({ platform: 'discord', channelRef: CHANNEL_ID, threadRef: THREAD_ID }, { type: 'test', id: '1' });
    const noor = { id: 'noor-1', name: 'Noor' };
    await h.startThread({ channel: CHANNEL_ID, message: THREAD_ID }, { id: ADMIN_ID }, 'Adviesvraag');
    await h.startThread({ channel: CHANNEL_ID, message: OTHER_THREAD_ID }, noor, 'Iets anders');

    expect(await h.write(noor, THREAD_ID, 'Ik pak dit op, groet Noor', { messageId: '600000000000000001' })).toBe(true);
    // The same message again (a replay) is recognised and not stored twice.
    expect(await h.write(noor, THREAD_ID, 'Ik pak dit op, groet Noor', { messageId: '600000000000000001' })).toBe(true);
    expect(await h.write(noor, CHANNEL_ID, 'Gewoon in het kanaal')).toBe(false);
    expect(await h.write(noor, OTHER_THREAD_ID, 'Een draad die niet van de bot is')).toBe(false);
    expect(await h.write({ id: 'bot-9', name: 'Robot' }, THREAD_ID, 'Van een bot', { isBot: true })).toBe(false);

    const stored = await h.testBot.services.threads.messages(threadId);
    expect(stored.map((m) => [m.text, m.author, m.platform])).toEqual([['Ik pak dit op, groet Noor', 'Noor', 'discord']]);
  });
});

describe('answers that had to be deferred', () => {
  let h: DiscordHarness;
  const poster = { id: 'def-1', name: 'Hatice' };
  beforeAll(async () => {
    // 0 ms: every interaction is deferred before the Bot runs, as when it is slow.
    h = await DiscordHarness.create({ adapter: { deferAfterMs: 0 } });
    await approveMember(h.testBot.services, 'discord', poster.id, 'kezban', 'Hatice');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('an ephemeral answer replaces the "thinking…" placeholder', async () => {
    const record = await h.command({ id: 'def-2' }, 'help');
    expect(record.callbacks).toEqual([5]);
    const [message, ...rest] = seenMessages(record);
    expect(rest).toHaveLength(0);
    expect(isEphemeral(message!)).toBe(true);
    expect(textOf(message!)).toContain('/handreiking');
  });

  it('a channel answer is posted for everyone and the private placeholder removed', async () => {
    const record = await h.command(poster, 'update', [sub('plaats', str('tekst', 'Uitgesteld maar zichtbaar'))]);
    expect(record.callbacks).toEqual([5]);
    expect(record.originalDeleted).toBe(true);
    const seen = seenMessages(record);
    expect(seen).toHaveLength(1);
    expect(isEphemeral(seen[0]!)).toBe(false);
    expect(textOf(seen[0]!)).toContain('Uitgesteld maar zichtbaar');
  });

  it('a form that can no longer be a modal becomes a button that opens it', async () => {
    const record = await h.command(poster, 'update', [sub('plaats', str('thema', 'beleid'))]);
    const note = seenMessages(record)[0]!;
    expect(isEphemeral(note)).toBe(true);
    const open = buttonsOf(note).find((b) => b.customId.startsWith('~form|update|plaats|'))!;
    expect(open.label).toBe('Formulier openen');
    const form = await h.press(poster, note, open.customId);
    expect(form.callbacks).toEqual([9]);
    const posted = await h.submit(poster, form.modal!, { tekst: 'Via het formulier' });
    expect(allText(posted)).toContain('Via het formulier');
    expect(allText(posted)).toContain('#beleid');
    expect(seenMessages(posted).every((m) => !isEphemeral(m))).toBe(true);
  });

  it('a button acknowledges without a placeholder and follows up', async () => {
    const found = seenMessages(await h.command(poster, 'handreiking', [sub('zoek', str('zoekterm', 'regie'))]))[0]!;
    const share = buttonsOf(found).find((b) => b.customId.startsWith('handreiking.delen|'))!;
    const shared = await h.press(poster, found, share.customId);
    expect(shared.callbacks).toEqual([6]);
    expect(seenMessages(shared).map(isEphemeral)).toEqual([false]);
    expect(allText(shared)).toContain('Hatice');
  });

  it('a replayed interaction adds nothing', async () => {
    const id = h.fake.snowflake();
    const first = await h.command(poster, 'update', [sub('plaats', str('tekst', 'Maar één keer'))], { id });
    const seenBefore = seenMessages(first).length;
    await h.command(poster, 'update', [sub('plaats', str('tekst', 'Maar één keer'))], { id });
    expect(seenMessages(first)).toHaveLength(seenBefore);
    expect((await h.testBot.services.updates.list({ limit: 100 })).filter((u) => u.body === 'Maar één keer')).toHaveLength(1);
  });
});

describe('answers after the interaction token expired', () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await DiscordHarness.create({ adapter: { tokenLifetimeMs: -1, messageContent: true } });
  });
  afterAll(async () => {
    await h?.close();
  });
  const makeAllDue = () => h.testBot.db.prisma.outboxMessage.updateMany({ where: { status: 'PENDING' }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });

  it('go to the person as a DM instead', async () => {
    const record = await h.command({ id: 'late-1' }, 'help');
    expect(record.callbacks).toEqual([]);
    const dms = await h.dms('late-1');
    expect(dms).toHaveLength(1);
    expect(textOf(dms[0]!)).toContain('Het antwoord op je opdracht /help');
    expect(textOf(dms[0]!)).toContain('0800-2000');
  });

  it('are sent again after Discord failed to take them, and arrive once', async () => {
    // discord.js retries a 5xx once by itself: two failures make the first attempt fail.
    h.fake.failNext(2, 500, { match: messagesRoute });
    const record = await h.command({ id: 'late-2' }, 'help');
    expect(record.callbacks).toEqual([]);
    await h.testBot.worker.drain();
    expect(h.fake.dmsTo('late-2')).toHaveLength(0);
    await makeAllDue();
    const dms = await h.dms('late-2');
    expect(dms.map(textOf).filter((text) => text.includes('Het antwoord op je opdracht /help'))).toHaveLength(1);
    await makeAllDue();
    expect(await h.dms('late-2')).toHaveLength(1);
  });

  it('a late update still goes to the channel, and its thread is the update\'s discussion', async () => {
    await approveMember(h.testBot.services, 'discord', 'late-poster', 'fsan', 'Ayaan');
    await h.command({ id: 'late-poster' }, 'update', [sub('plaats', str('tekst', 'Laat maar zichtbaar'))]);
    await h.testBot.worker.drain();
    const post = h.fake.messagesIn(CHANNEL_ID).find((message) => textOf(message).includes('Laat maar zichtbaar'));
    expect(post, 'the update in the channel').toBeDefined();
    expect(isEphemeral(post!)).toBe(false);
    expect(textOf(post!)).toContain('Het antwoord op je opdracht /update');
    const thread = await h.startThread({ channel: CHANNEL_ID, message: post!.id }, { id: 'late-reader' });
    expect(await h.write({ id: 'late-reader', name: 'Noor' }, thread, 'Goed om te weten')).toBe(true);
    await h.command({ id: 'late-poster' }, 'update', [sub('lijst')]);
    const listed = (await h.dms('late-poster')).map(textOf).join('\n');
    expect(listed).toContain('Laat maar zichtbaar');
    expect(listed).toContain('💬 1 reactie');
  });
});
