// The contract, played on Discord: the real discord.js client logged in to the fake Discord.
// A typed line becomes a slash command with its options filled in, as the Discord client
// sends it; buttons are pressed on the message that carries them; DMs are what the outbox
// delivered through the adapter; a reply in a thread is a thread started from the bot's
// message (THREAD_CREATE) and a MESSAGE_CREATE in it.
import { decodeDiscordRef } from '../../src/adapters/discord/message-ref.ts';
import { ADMIN_ID, DiscordHarness, seenMessages, toSeen } from '../discord/harness.ts';
import type { FakeMessage, InteractionRecord } from '../discord/fake-discord.ts';
import { createTestBot } from '../support/bot.ts';
import { adapterContract, type SeenForm, type SeenMessage } from './adapter-contract.ts';
import { contractCommand } from './contract-commands.ts';

/** Who a message really pings: mentions in its content that allowed_mentions lets through. */
function pingsOf(message: FakeMessage): string[] {
  const allowed = (message.allowed_mentions as { users?: string[] } | undefined)?.users ?? [];
  return [...message.content.matchAll(/<@!?([^>]+)>/g)].map((match) => match[1]!).filter((id) => allowed.includes(id));
}

/** What the person sees, and (for pinged()) whom it pings. */
const seenWithPings = (message: FakeMessage, visibility?: SeenMessage['visibility']) => Object.assign(toSeen(message, visibility), { pings: pingsOf(message) });

/** A modal as shown: title, notice, labels and descriptions; each field's value and (⚠) error. */
function formOf(record: InteractionRecord): SeenForm {
  const modal = record.modal!;
  const texts: string[] = [modal.title];
  const fields: SeenForm['fields'] = [];
  for (const component of modal.components as any[]) {
    if (typeof component.content === 'string') texts.push(component.content);
    if (!component.component) continue;
    texts.push(component.label ?? '', component.description ?? '');
    const inner = component.component;
    const description: string = component.description ?? '';
    fields.push({ name: inner.custom_id, ...(inner.value !== undefined ? { value: inner.value } : {}), ...(description.startsWith('⚠ ') ? { error: description.slice(2) } : {}) });
  }
  return { text: texts.join('\n'), fields, handle: record };
}

adapterContract('discord', async () => {
  // With the Message Content intent: the setting under which replies in threads are readable.
  const testBot = await createTestBot({ admins: [`discord:${ADMIN_ID}`], guide: true, extraCommands: [contractCommand] });
  const harness = await DiscordHarness.create({ adapter: { messageContent: true }, testBot });
  const byUser = (userId: string) =>
    [...harness.fake.interactions.values()].filter((record) => {
      const payload = record.payload as { user?: { id: string }; member?: { user: { id: string } } };
      return (payload.user ?? payload.member?.user)?.id === userId;
    });
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
        return seenMessages(record).map((message) => seenWithPings(message));
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
      // Attachments of the answers this person got and of their DMs, as the fake kept them.
      async receivedFiles(userId) {
        await harness.testBot.worker.drain();
        const messages = [...byUser(userId).flatMap(seenMessages), ...(await harness.dms(userId))];
        return messages.flatMap((message) => message.files ?? []).map((file) => ({ name: file.filename, bytes: file.bytes }));
      },
      async lastForm(userId) {
        const record = byUser(userId).filter((candidate) => candidate.modal).at(-1);
        return record ? formOf(record) : undefined;
      },
      async submitForm(userId, form, values) {
        const record = form.handle as InteractionRecord;
        const submitted = await harness.submit({ id: userId }, record.modal!, values);
        const messages = seenMessages(submitted);
        // Modals cannot show errors: the answer lists them, with a button that opens the form again.
        const reopen = messages.flatMap((message) => message.components.flatMap((row) => row.components).map((c) => ({ message, id: c.custom_id ?? '' }))).find((c) => c.id.startsWith('~form|'));
        const again = reopen ? await harness.press({ id: userId }, reopen.message, reopen.id) : undefined;
        return { seen: messages.map((message) => seenWithPings(message)), form: again?.modal ? formOf(again) : undefined };
      },
      pinged(messages) {
        return [...new Set(messages.flatMap((message) => (message as SeenMessage & { pings?: string[] }).pings ?? []))];
      },
      // H4: Discord's Reply on the bot's DM answers the conversation that DM belongs to.
      // H6: without a channel registered for conversations, Discord participants keep their DMs.
      conversationMessages(userId) {
        return this.directMessages(userId);
      },
      sharesConversationPlace: false,
      async answerConversation(userId, seen, _code, text) {
        if (!seen.ref) throw new Error('a DM without an id');
        const dm = harness.fake.messagesIn(seen.ref.channel).find((message) => message.id === seen.ref!.message)!;
        if (!(await harness.replyInDm({ id: userId }, dm, text))) throw new Error('the answer was not stored');
      },
    },
    // The harness closes the test bot too.
    close: () => harness.close(),
  };
});
