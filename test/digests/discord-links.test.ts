// A digest on Discord links each update to the bot's post of it in its channel
// (https://discord.com/channels/<server>/<channel>/<message>), through the real discord.js
// adapter against FakeDiscord. discord.js knows the server of a channel from GUILD_CREATE,
// which Discord sends for each server right after READY (the harness's ensureGuild).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import { ADMIN_ID, CHANNEL_ID, DiscordHarness, GUILD_ID, seenMessages, textOf, toSeen } from '../discord/harness.ts';

const ADMIN = { id: ADMIN_ID, name: 'Beheerder' };
const MEMBER = { id: '100000000000000022', name: 'Samira' };

let discord: DiscordHarness;
beforeAll(async () => {
  discord = await DiscordHarness.create();
  await approveMember(discord.testBot.services, 'discord', MEMBER.id, 'smn', 'Samira');
  // As src/app.ts wires it for every adapter that can link to its messages.
  discord.testBot.services.digests.links.set('discord', (ref) => discord.adapter.messageLink(ref));
  await discord.ensureGuild();
}, 180_000);
afterAll(() => discord?.close());

const channelPosts = () => discord.fake.messagesIn(CHANNEL_ID).filter((message) => !toSeen(message).visibility.startsWith('eph'));

describe('links in a digest on Discord', () => {
  it('points each update at its post in the channel where it was posted', async () => {
    // The update's post is the command's public answer in the channel (or a channel message).
    const postOf = async (line: string, words: string) => {
      const answer = await discord.typed(MEMBER, line);
      await discord.testBot.worker.drain();
      return [...seenMessages(answer), ...channelPosts()].find((message) => !toSeen(message).visibility.startsWith('eph') && textOf(message).includes(words));
    };
    const zwolle = (await postOf('/update plaats #regie Regietafel Zwolle: wie sluit aan?', 'Regietafel Zwolle'))!;
    const utrecht = (await postOf('/update plaats #lhbti Voorlichting over acceptatie in Utrecht', 'Voorlichting over acceptatie'))!;
    expect(zwolle).toBeDefined();
    expect(utrecht).toBeDefined();

    await discord.typed(ADMIN, '/digest abonneer dagelijks');
    const before = channelPosts().length;
    await discord.typed(ADMIN, '/digest nu');
    await discord.testBot.worker.drain();
    const digest = channelPosts().slice(before).map(textOf).join('\n');
    expect(digest).toContain('Dagoverzicht');
    // Each line carries the link to its own update's post, next to that update's text.
    const lineOf = (words: string) => digest.split('\n').find((line) => line.includes(words)) ?? '';
    expect(lineOf('Regietafel Zwolle')).toContain(`https://discord.com/channels/${GUILD_ID}/${CHANNEL_ID}/${zwolle.id}`);
    expect(lineOf('Voorlichting over acceptatie')).toContain(`https://discord.com/channels/${GUILD_ID}/${CHANNEL_ID}/${utrecht.id}`);
    expect(lineOf('Regietafel Zwolle')).toContain('[bericht](');
  });
});
