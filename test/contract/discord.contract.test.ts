// The contract, played on Discord: the real discord.js client logged in to the fake Discord.
// A typed line becomes a slash command with its options filled in, as the Discord client
// sends it; buttons are pressed on the message that carries them; DMs are what the outbox
// delivered through the adapter; a reply in a thread is a thread started from the bot's
// message (THREAD_CREATE) and a MESSAGE_CREATE in it.
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
  const carrying = (customId: string): FakeMessage | undefined => {
    const messages = [
      ...[...harness.fake.interactions.values()].flatMap(seenMessages),
      ...[...harness.fake.channelMessages.values()].flat(),
    ];
    return messages.reverse().find((message) => message.components.some((row) => row.components.some((c) => c.custom_id === customId)));
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
        return (await harness.dms(userId)).map((message) => ({ ...toSeen(message, 'direct'), ref: { channel: message.channel_id, message: message.id } }));
      },
      async replyInThread(userId, seen, text) {
        if (!seen.ref) throw new Error('not a channel message');
        // Someone opens a thread on the bot's message (or finds it open) and writes in it.
        const thread = await harness.startThread(seen.ref, { id: userId });
        await harness.write({ id: userId }, thread, text);
      },
      // H4: Discord's Reply on the bot's DM answers the conversation that DM belongs to.
      async answerConversation(userId, seen, _code, text) {
        if (!seen.ref) throw new Error('a DM without an id');
        const dm = harness.fake.messagesIn(seen.ref.channel).find((message) => message.id === seen.ref!.message)!;
        if (!(await harness.replyInDm({ id: userId }, dm, text))) throw new Error('the answer was not stored');
      },
    },
    close: () => harness.close(),
  };
});
