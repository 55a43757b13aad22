// Discussions on Discord: a posted update is registered as the message it became; a thread
// members start from that message has the message's id, so what they write there is kept for
// the update and counted in /update lijst. Answered at once, after a deferral, and without the
// Message Content intent (then only messages that mention the bot carry text).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType, type APIApplicationCommandInteractionDataOption } from 'discord-api-types/v10';
import { approveMember } from '../support/bot.ts';
import { isEphemeral, type FakeMessage } from './fake-discord.ts';
import { CHANNEL_ID, DiscordHarness, allText, seenMessages, textOf } from './harness.ts';

type Option = APIApplicationCommandInteractionDataOption;
const sub = (name: string, ...options: Option[]): Option => ({ name, type: ApplicationCommandOptionType.Subcommand, options }) as Option;
const str = (name: string, value: string): Option => ({ name, type: ApplicationCommandOptionType.String, value });

const poster = { id: '610000000000000001', name: 'Hatice' };
const noor = { id: '610000000000000002', name: 'Noor' };

async function threadsOf(h: DiscordHarness, body: string) {
  // Bodies are encrypted at rest: found through the manager.
  const update = (await h.testBot.services.updates.list({ limit: 100 })).find((u) => u.body === body)!;
  return h.testBot.db.prisma.thread.findMany({ where: { subjectType: 'update', subjectId: update.id } });
}

/** Posts an update and returns the visible message people see in the channel. */
async function postUpdate(h: DiscordHarness, text: string, move = {}): Promise<FakeMessage> {
  const record = await h.command(poster, 'update', [sub('plaats', str('thema', 'regie'), str('tekst', text))], move);
  const visible = seenMessages(record).filter((message) => !isEphemeral(message));
  expect(visible).toHaveLength(1);
  expect(textOf(visible[0]!)).toContain(text);
  return visible[0]!;
}

const listed = async (h: DiscordHarness) => allText(await h.command(poster, 'update', [sub('lijst', str('thema', 'regie'))]));

describe.each([
  ['answered at once', {}],
  ['answered after a deferral', { deferAfterMs: 0 }],
])('discussions of updates on Discord, %s', (_name, adapter) => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await DiscordHarness.create({ adapter: { messageContent: true, ...adapter } });
    await approveMember(h.testBot.services, 'discord', poster.id, 'kezban', poster.name);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps what members write in the thread started from the posted update, and counts it', async () => {
    const post = await postUpdate(h, 'Regietafel in Zwolle, wie sluit aan?');
    expect(post.channel_id).toBe(CHANNEL_ID);
    const thread = await h.startThread({ channel: CHANNEL_ID, message: post.id }, noor);
    expect(await h.write(noor, thread, 'Ik sluit aan namens Utrecht')).toBe(true);
    expect(await h.write(poster, thread, 'Fijn, tot donderdag')).toBe(true);
    // The channel itself is not the discussion.
    expect(await h.write(noor, CHANNEL_ID, 'Gewoon in het kanaal')).toBe(false);

    const [stored, ...more] = await threadsOf(h, 'Regietafel in Zwolle, wie sluit aan?');
    expect(more).toHaveLength(0);
    expect((await h.testBot.services.threads.messages(stored!.id)).map((m) => [m.author, m.text])).toEqual([
      ['Noor', 'Ik sluit aan namens Utrecht'],
      ['Hatice', 'Fijn, tot donderdag'],
    ]);
    const list = await listed(h);
    expect(list).toContain('Regietafel in Zwolle, wie sluit aan?');
    expect(list).toContain('💬 2 reacties');
  });

  it('a thread on another message of the channel is not the update\'s', async () => {
    await postUpdate(h, 'Nog een update zonder reacties');
    const elsewhere = await h.startThread({ channel: CHANNEL_ID, message: h.fake.snowflake() }, noor);
    expect(await h.write(noor, elsewhere, 'Over iets anders')).toBe(false);
    expect((await listed(h)).match(/💬/g)).toHaveLength(1);
  });

  it('posted in a DM, the update has no discussion (Discord has no threads there)', async () => {
    await postUpdate(h, 'Vanuit een privébericht', { dm: true });
    expect(await threadsOf(h, 'Vanuit een privébericht')).toHaveLength(0);
  });
});

describe('discussions of updates on Discord without the Message Content intent', () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await DiscordHarness.create();
    await approveMember(h.testBot.services, 'discord', poster.id, 'kezban', poster.name);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps only the thread messages that mention the bot (the others arrive without text)', async () => {
    const post = await postUpdate(h, 'Zonder berichtinhoud');
    const thread = await h.startThread({ channel: CHANNEL_ID, message: post.id }, noor);
    expect(await h.write(noor, thread, 'Zonder vermelding')).toBe(false);
    expect(await h.write(noor, thread, 'Met vermelding', { mentionBot: true })).toBe(true);
    const [stored] = await threadsOf(h, 'Zonder berichtinhoud');
    const texts = (await h.testBot.services.threads.messages(stored!.id)).map((m) => m.text);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('Met vermelding');
    expect(await listed(h)).toContain('💬 1 reactie');
  });
});
