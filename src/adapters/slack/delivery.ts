// Outbox messages to Slack: a DM to a person (conversations.open, then chat.postMessage to that
// DM), a channel post, or a reply in a thread (`channel/thread_ts`). Each post carries the
// outbox key in its metadata; after an attempt whose outcome is unknown, the channel is
// searched for that key first (posted.ts), so a message is posted once however often it is
// retried. Failures are thrown as the outbox expects them, so the worker retries with back-off
// or after Retry-After. Resolves with the posted message's ref.
import type { webApi } from '@slack/bolt';
import { translator } from '../../core/i18n.ts';
import type { MessageRef } from '../../core/messages/message-ref.ts';
import type { OutboxItem } from '../../core/outbox/outbox.ts';
import type { Discussion } from '../../core/framework/reply.ts';
import type { ThreadRef } from '../../core/threads/threads.ts';
import { OutcomeUnknownError } from '../../core/outbox/worker.ts';
import { deliveryError } from './client.ts';
import { encodeSlackRef } from './message-ref.ts';
import { findPosted, keyMetadata } from './posted.ts';
import { renderReply } from './render.ts';
import { checkedFiles, uploadFiles } from './files.ts';

export class SlackDelivery {
  /** DM channel per user: conversations.open returns the same channel every time. */
  private readonly dmChannels = new Map<string, string>();

  /**
   * `onDiscussion`: a channel post or DM that asks for a discussion (a copied update, the
   * opening of a private conversation) landed here; its thread is then one of the bot's.
   */
  constructor(
    private readonly client: () => webApi.WebClient,
    private readonly onDiscussion?: (where: ThreadRef, discussion: Discussion) => Promise<unknown>,
  ) {}

  async deliver(item: OutboxItem): Promise<MessageRef> {
    const { channel, threadTs } = await this.destination(item);
    if (item.outcomeUnknown) {
      let found: string | undefined;
      try {
        found = await findPosted(this.client(), { channel, threadTs, key: item.dedupeKey, since: item.createdAt });
      } catch (error) {
        // Posting now could make a second message: try again later (the row stays unknown).
        throw deliveryError('conversations.history', error);
      }
      if (found) {
        if (item.reply.discussion && item.target.kind !== 'thread') await this.onDiscussion?.({ platform: 'slack', channelRef: channel, threadRef: found }, item.reply.discussion);
        return encodeSlackRef({ channel, ts: found });
      }
    }
    const t = translator(item.locale);
    const reply = checkedFiles(item.reply, t);
    // Files first: a failed upload posts nothing, so the retry cannot repeat the message.
    // (A message post that fails after it may repeat the files: they carry no key to look for.)
    try {
      await uploadFiles(this.client(), reply.files, channel, threadTs);
    } catch (error) {
      throw deliveryError('files.uploadV2', error);
    }
    const rendered = renderReply(reply, t);
    let posted: { ts?: string; channel?: string };
    try {
      posted = await this.client().chat.postMessage({
        channel,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text: rendered.text,
        blocks: rendered.blocks,
        unfurl_links: false,
        metadata: keyMetadata(item.dedupeKey),
      });
    } catch (error) {
      // A DM channel that vanished (e.g. the workspace was reset) is looked up again next time.
      if (item.target.kind === 'user') this.dmChannels.delete(item.target.ref);
      throw deliveryError('chat.postMessage', error, { mayHavePosted: true });
    }
    if (!posted.ts) throw new OutcomeUnknownError('slack chat.postMessage: no ts');
    const landed = posted.channel ?? channel;
    if (item.reply.discussion && item.target.kind !== 'thread') {
      await this.onDiscussion?.({ platform: 'slack', channelRef: landed, threadRef: posted.ts }, item.reply.discussion);
    }
    return encodeSlackRef({ channel: landed, ts: posted.ts });
  }

  private async destination(item: OutboxItem): Promise<{ channel: string; threadTs?: string }> {
    const { kind, ref } = item.target;
    if (kind === 'channel') return { channel: ref };
    if (kind === 'thread') {
      const slash = ref.indexOf('/');
      if (slash <= 0) throw new Error('slack thread target: expected channel/thread_ts');
      return { channel: ref.slice(0, slash), threadTs: ref.slice(slash + 1) };
    }
    return { channel: await this.dmChannel(ref) };
  }

  private async dmChannel(userId: string): Promise<string> {
    const known = this.dmChannels.get(userId);
    if (known) return known;
    let channel: string | undefined;
    try {
      const opened = await this.client().conversations.open({ users: userId });
      channel = opened.channel?.id;
    } catch (error) {
      // Opening a DM twice is harmless: any failure here is simply retried.
      throw deliveryError('conversations.open', error);
    }
    if (!channel) throw new Error('slack conversations.open: no channel');
    this.dmChannels.set(userId, channel);
    return channel;
  }
}
