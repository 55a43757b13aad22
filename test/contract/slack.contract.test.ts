// The contract, played on Slack: signed slash commands and button presses into the real Bolt
// adapter, answers read back from the response_url (ephemeral or in_channel) or the channel
// (chat.postMessage), DMs from the fake Web API (conversations.open, then chat.postMessage to
// that DM channel), and thread replies as the message events Slack sends.
import { decodeSlackRef } from '../../src/adapters/slack/message-ref.ts';
import { createTestBot } from '../support/bot.ts';
import { lastOpenedView, startSlack } from '../slack/harness.ts';
import { blocksText, seenMessage, seenResponse, type SlackButton } from '../slack/seen.ts';
import { adapterContract, type SeenButton, type SeenForm } from './adapter-contract.ts';
import { contractCommand } from './contract-commands.ts';

/** A modal as the person sees it: title, notice and labels; each input's value and hint (error). */
function formOf(view: any, errors: Record<string, string> = {}, values: Record<string, string> = {}): SeenForm {
  const inputs = (view.blocks ?? []).filter((block: any) => block.type === 'input');
  return {
    text: [view.title?.text ?? '', blocksText(view.blocks ?? [])].join('\n'),
    fields: inputs.map((block: any) => {
      const value = values[block.block_id] ?? block.element.initial_value ?? block.element.initial_option?.value;
      const error = errors[block.block_id] ?? block.hint?.text;
      return { name: block.block_id, ...(value !== undefined ? { value } : {}), ...(error ? { error } : {}) };
    }),
    handle: view,
  };
}

adapterContract('slack', async () => {
  const testBot = await createTestBot({ admins: ['slack:UADMIN'], guide: true, extraCommands: [contractCommand] });
  const slack = await startSlack({ testBot });
  const sentTriggers = new Set<string>();
  let replies = 0;
  return {
    platform: 'slack',
    testBot: slack.testBot,
    adminId: 'UADMIN',
    driver: {
      observesVisibility: true,
      redelivers: true,
      threads: true,
      async command(userId, line, options) {
        // The same event id again is Slack retrying that request: same body, Retry-Num header.
        const triggerId = options?.eventId ? `trg-${options.eventId}` : undefined;
        const retryNum = triggerId && sentTriggers.has(triggerId) ? 1 : undefined;
        if (triggerId) sentTriggers.add(triggerId);
        return (await slack.command(userId, line, { triggerId, retryNum })).seen;
      },
      async press(userId, button: SeenButton, options) {
        const triggerId = options?.eventId ? `trg-${options.eventId}` : undefined;
        return (await slack.press(userId, button as SlackButton, { triggerId })).seen;
      },
      async directMessages(userId) {
        await slack.testBot.worker.drain();
        // The DM as the person sees it now: edits applied, deleted messages gone.
        return slack.fake.visibleIn(`D${userId}`).map((message) => ({ ...seenMessage(message, 'direct'), ref: { channel: message.channel, message: message.ts } }));
      },
      editsInPlace: true,
      splitsLong: true,
      async deleteAsPerson(ref) {
        const address = decodeSlackRef(ref)!;
        slack.fake.removeMessage(address.channel, address.ts);
      },
      async replyInThread(userId, seen, text) {
        if (!seen.ref) throw new Error('a message without a ts cannot be replied to in a thread');
        // A person's reply in the thread: a message event whose thread_ts is the bot's message.
        const ts = `1700000500.${String(++replies).padStart(6, '0')}`;
        await slack.event({ type: 'message', channel: seen.ref.channel, channel_type: 'channel', user: userId, text, ts, thread_ts: seen.ref.message, event_ts: ts });
      },
      // Files shared in the person's DM with the bot (files.uploadV2 to conversations.open's channel).
      async receivedFiles(userId) {
        await slack.testBot.worker.drain();
        return slack.fake.sharedFiles.filter((file) => file.channel === `D${userId}`).map((file) => ({ name: file.filename, bytes: file.bytes ?? Buffer.alloc(0) }));
      },
      async lastForm() {
        return slack.fake.callsTo('views.open', { succeeded: true }).length ? formOf(lastOpenedView(slack.fake)) : undefined;
      },
      async submitForm(userId, form, values) {
        const view = form.handle as any;
        const shown = Object.fromEntries(form.fields.filter((field) => field.value !== undefined).map((field) => [field.name, field.value!]));
        const submitted = { ...shown, ...values };
        const before = slack.fake.responses.length;
        const posted = await slack.submit(userId, view, submitted);
        const seen = slack.fake.responses.slice(before).map((response) => seenResponse(response.body));
        // A refused submission keeps the modal open with the errors next to the fields.
        const ack = posted.body as { response_action?: string; errors?: Record<string, string> } | undefined;
        return { seen, form: ack?.response_action === 'errors' ? formOf(view, ack.errors, submitted) : undefined };
      },
      pinged(messages) {
        return [...new Set(messages.flatMap((message) => [...message.text.matchAll(/<@([^>|]+)>/g)].map((match) => match[1]!)))];
      },
      // H4: a reply in the thread of the bot's DM answers the conversation that DM belongs to.
      // H6: in a conversation's group DM (mpim), the same reply in the thread of its opening.
      async answerConversation(userId, seen, _code, text) {
        if (!seen.ref) throw new Error('a DM without a ts');
        const ts = `1700000600.${String(++replies).padStart(6, '0')}`;
        const channelType = slack.fake.groupDms.has(seen.ref.channel) ? 'mpim' : 'im';
        await slack.event({ type: 'message', channel: seen.ref.channel, channel_type: channelType, user: userId, text, ts, thread_ts: seen.ref.message, event_ts: ts });
      },
      // H6: the person's DM and the group DMs they are in, as the bot posted to them.
      async conversationMessages(userId) {
        await slack.testBot.worker.drain();
        const groups = [...slack.fake.groupDms].filter(([, users]) => users.includes(userId)).map(([id]) => id);
        return [`D${userId}`, ...groups].flatMap((channel) => slack.fake.visibleIn(channel).map((message) => ({ ...seenMessage(message, 'direct'), ref: { channel: message.channel, message: message.ts } })));
      },
      sharesConversationPlace: true,
    },
    close: async () => {
      await slack.close();
      await testBot.close();
    },
  };
});
