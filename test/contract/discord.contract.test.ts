// The contract, played on Discord: the real discord.js client logged in to the fake Discord.
// A typed line becomes a slash command with its options filled in, as the Discord client
// sends it; buttons are pressed on the message that carries them; DMs are what the outbox
// delivered through the adapter; a reply in a thread is a thread started from the bot's
// message (THREAD_CREATE) and a MESSAGE_CREATE in it.
import { decodeDiscordRef } from '../../src/adapters/discord/message-ref.ts';
import { ADMIN_ID, DiscordHarness, seenMessages, toSeen } from '../discord/harness.ts';
import type { FakeMessage } from '../discord/fake-discord.ts';
import { adapterContract } from './adapter-contract.ts';

adapterContract('discord', async () => {
  // With the Message Content intent: the setting under which replies in threads are readable.
  const harness = await DiscordHarness.create({ adapter: { messageContent: true } });
  const ids = new Map<string, string>();
  // The contract names events; Discord's interaction ids are snowflakes.
  const idFor = (eventId?: string) => {
    if (!eventId) return undefined;
    if (!ids.has(eventId)) ids.set(eventId, harness.fake.snowflake());
    return ids.get(eventId);
  };
  // A person can press a button on the message as their client last showed it, also when the
  // bot has just edited the buttons away (a double click): remember where each button was seen.
  const carriers = new Map<string, FakeMessage>();
  const carrying = (customId: string): FakeMessage | undefined => {
    const messages = [
      ...[...harness.fake.interactions.values()].flatMap(seenMessages),
      ...[...harness.fake.channelMessages.values()].flat(),
    ];
    const found = messages.reverse().find((message) => message.components.some((row) => row.components.some((c) => c.custom_id === customId)));
    if (found) carriers.set(customId, found);
    return found ?? carriers.get(customId);
  };
  return {
    platform: 'discord',
    testBot: harness.testBot,
    adminId: ADMIN_ID,
    driver: {
      observesVisibility: true,
      redelivers: true,
      threads: true,
      async command(userId, line, options) {
        const record = await harness.typed({ id: userId }, line, { id: idFor(options?.eventId) });
        return seenMessages(record).map((message) => toSeen(message));
      },
      async press(userId, button, options) {
        const customId = button.value === undefined ? button.actionId : `${button.actionId}|${button.value}`;
        const message = carrying(customId);
        if (!message) throw new Error(`no message carries the button ${customId}`);
        const record = await harness.press({ id: userId }, message, customId, { id: idFor(options?.eventId) });
        return seenMessages(record).map((seen) => toSeen(seen));
      },
      async directMessages(userId) {
        return (await harness.dms(userId)).map((message) => toSeen(message, 'direct'));
      },
      editsInPlace: true,
      splitsLong: true,
      async deleteAsPerson(ref) {
        const address = decodeDiscordRef(ref)!;
        harness.fake.removeMessage(address.channelId, address.messageId);
      },
      async replyInThread(userId, seen, text) {
        if (!seen.ref) throw new Error('not a channel message');
        // Someone opens a thread on the bot's message (or finds it open) and writes in it.
        const thread = await harness.startThread(seen.ref, { id: userId });
        await harness.write({ id: userId }, thread, text);
      },
    },
    close: () => harness.close(),
  };
});
