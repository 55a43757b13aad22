// /digest on Discord through the real discord.js adapter against FakeDiscord: real
// sub-commands and options (dag as choices), private (ephemeral) answers, voorbeeld never in the
// channel, and a digest posted as the bot's messages in the subscribed channel, in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import { ADMIN_ID, CHANNEL_ID, DiscordHarness, allText, seenMessages, textOf, toSeen } from '../discord/harness.ts';

const ADMIN = { id: ADMIN_ID, name: 'Beheerder' };
const MEMBER = { id: '100000000000000022', name: 'Samira' };
const STRANGER = { id: '100000000000000033', name: 'Onbekend' };

let discord: DiscordHarness;
let authorId: string;
beforeAll(async () => {
  discord = await DiscordHarness.create();
  authorId = (await approveMember(discord.testBot.services, 'discord', MEMBER.id, 'smn', 'Samira'))!.id;
}, 180_000); // the guide synced and discord.js connected: slow on a busy shared machine
afterAll(() => discord?.close());

const channelPosts = () => discord.fake.messagesIn(CHANNEL_ID).filter((message) => !toSeen(message).visibility.startsWith('eph'));

describe('/digest on Discord', () => {
  it('registers /digest with its sub-commands, and dag as choices', () => {
    const json = discord.json.find((command) => command.name === 'digest')!;
    const subs = (json.options ?? []).map((option) => option.name);
    expect(subs).toEqual(['toon', 'abonneer', 'voorbeeld', 'nu', 'stop']);
    const abonneer = (json.options as any[]).find((option) => option.name === 'abonneer');
    const dag = abonneer.options.find((option: any) => option.name === 'dag');
    expect(dag.choices.map((c: any) => c.value)).toContain('woensdag');
  });

  it('subscribes for a coordinator (privately) and refuses members and strangers', async () => {
    const answer = await discord.typed(ADMIN, '/digest abonneer dagelijks tijd:07:45');
    expect(seenMessages(answer).map((message) => toSeen(message).visibility)).toEqual(['ephemeral']);
    expect(allText(answer)).toContain('Dit kanaal krijgt nu elke dag om 07:45 een dagoverzicht');
    expect(allText(await discord.typed(MEMBER, '/digest abonneer wekelijks'))).toContain('Dit is alleen voor coördinatoren en beheerders.');
    expect(allText(await discord.typed(STRANGER, '/digest toon'))).toContain('Hiervoor heb je een goedgekeurd profiel nodig.');
    expect(allText(await discord.typed(MEMBER, '/digest toon'))).toContain('Dit kanaal krijgt elke dag om 07:45 een dagoverzicht');
    expect(allText(await discord.typed(ADMIN, '/digest abonneer wekelijks tijd:25:00'))).toContain("'25:00' is geen tijd die ik begrijp.");
    expect(allText(await discord.typed(MEMBER, '/digest toon'))).toContain('elke dag om 07:45');
  });

  it('voorbeeld is ephemeral and posts nothing in the channel; nu posts the digest once', async () => {
    await discord.testBot.services.updates.post({ authorId, theme: 'huwelijksdwang', body: 'Training sleutelpersonen in Den Haag' });
    const before = channelPosts().length;
    const preview = await discord.typed(MEMBER, '/digest voorbeeld');
    await discord.testBot.worker.drain();
    expect(seenMessages(preview).map((message) => toSeen(message).visibility)).toEqual(['ephemeral']);
    expect(allText(preview)).toContain('Training sleutelpersonen in Den Haag');
    expect(channelPosts()).toHaveLength(before);

    const now = await discord.typed(ADMIN, '/digest nu');
    await discord.testBot.worker.drain();
    expect(allText(now)).toContain('De digest van deze periode staat nu in dit kanaal.');
    const posted = channelPosts().slice(before);
    expect(posted).toHaveLength(1);
    expect(textOf(posted[0]!)).toContain('Dagoverzicht');
    expect(textOf(posted[0]!)).toContain('Samira');
    expect(textOf(posted[0]!)).toContain('Training sleutelpersonen in Den Haag');
    expect(allText(await discord.typed(ADMIN, '/digest nu'))).toContain('De digest van deze periode is al verstuurd');
    await discord.testBot.worker.drain();
    expect(channelPosts().slice(before)).toHaveLength(1);
  });

  it('stop ends it; /digest then answers as never subscribed', async () => {
    expect(allText(await discord.typed(ADMIN, '/digest stop'))).toContain('De digest van dit kanaal is gestopt.');
    expect(allText(await discord.typed(MEMBER, '/digest toon'))).toContain('Dit kanaal krijgt geen digest.');
  });
});

describe('a channel the bot was removed from (Discord)', () => {
  it('pauses the digest and tells the coordinator in a DM', async () => {
    await discord.typed(ADMIN, '/digest abonneer wekelijks');
    discord.fake.removedFrom.add(CHANNEL_ID);
    try {
      const before = channelPosts().length;
      await discord.typed(ADMIN, '/digest nu');
      const dms = await discord.dms(ADMIN_ID);
      expect(dms.map(textOf).join('\n')).toContain('Ik kan niet meer posten in het kanaal met de digest (Discord), dus de digest daar staat stil.');
      expect(channelPosts()).toHaveLength(before);
      expect(allText(await discord.typed(MEMBER, '/digest toon'))).toContain('de digest staat stil sinds');
    } finally {
      discord.fake.removedFrom.delete(CHANNEL_ID);
    }
  });
});
