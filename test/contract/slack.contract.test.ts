// The contract, played on Slack: signed slash commands and button presses into the real Bolt
// adapter, answers read back from the response_url (ephemeral or in_channel) or the channel
// (chat.postMessage), DMs from the fake Web API (conversations.open, then chat.postMessage to
// that DM channel), and thread replies as the message events Slack sends.
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
        return slack.fake
          .callsTo('chat.postMessage', { succeeded: true })
          .filter((call) => call.body.channel === `D${userId}`)
          .map((call) => ({ ...seenMessage(call.body, 'direct'), ref: { channel: call.body.channel as string, message: call.response!.ts as string } }));
      },
      async replyInThread(userId, seen, text) {
        if (!seen.ref) throw new Error('a message without a ts cannot be replied to in a thread');
        // A person's reply in the thread: a message event whose thread_ts is the bot's message.
        const ts = `1700000500.${String(++replies).padStart(6, '0')}`;
        await slack.event({ type: 'message', channel: seen.ref.channel, channel_type: 'channel', user: userId, text, ts, thread_ts: seen.ref.message, event_ts: ts });
      },
      // H4: a reply in the thread of the bot's DM answers the conversation that DM belongs to.
      async answerConversation(userId, seen, _code, text) {
        if (!seen.ref) throw new Error('a DM without a ts');
        const ts = `1700000600.${String(++replies).padStart(6, '0')}`;
        await slack.event({ type: 'message', channel: seen.ref.channel, channel_type: 'im', user: userId, text, ts, thread_ts: seen.ref.message, event_ts: ts });
      },
    },
    close: () => slack.close(),
  };
});
