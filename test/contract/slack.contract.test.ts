// The contract, played on Slack: signed slash commands and button presses into the real Bolt
// adapter, answers read back from the response_url (ephemeral or in_channel) or the channel
// (chat.postMessage), DMs from the fake Web API (conversations.open, then chat.postMessage to
// that DM channel), and thread replies as the message events Slack sends.
import { decodeSlackRef } from '../../src/adapters/slack/message-ref.ts';
import { startSlack } from '../slack/harness.ts';
import { seenMessage, type SlackButton } from '../slack/seen.ts';
import { adapterContract, type SeenButton } from './adapter-contract.ts';

adapterContract('slack', async () => {
  const slack = await startSlack();
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
        return slack.fake.visibleIn(`D${userId}`).map((message) => seenMessage(message, 'direct'));
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
    },
    close: () => slack.close(),
  };
});
