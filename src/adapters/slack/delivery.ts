// Outbox messages to Slack: a DM to a person (conversations.open, then chat.postMessage to that
// DM), a channel post, or a reply in a thread (`channel/thread_ts`). Each post carries the
// outbox key in its metadata; after an attempt whose outcome is unknown, the channel is
// searched for that key first (posted.ts), so a message is posted once however often it is
// retried. Failures are thrown as the outbox expects them, so the worker retries with back-off
// or after Retry-After. Resolves with the posted message's ref.
// A reply too long for one message is split (each part carries the key plus its number); in
// a channel the further parts go in the first part's thread, so the channel shows one message.
// Edits and deletes act on a ref (chat.update, chat.delete); a message someone deleted is a
// MessageGoneError, which the outbox logs and skips.
import { webApi } from '@slack/bolt';
import { translator } from '../../core/i18n.ts';
import type { Reply } from '../../core/framework/reply.ts';
import type { MessageRef } from '../../core/messages/message-ref.ts';
import type { OutboxItem } from '../../core/outbox/outbox.ts';
import type { Discussion } from '../../core/framework/reply.ts';
import type { ThreadRef } from '../../core/threads/threads.ts';
import { splitReply, type SplitLimits } from '../../core/outbox/split.ts';
import { MessageGoneError, OutcomeUnknownError, type DeliveryProgress } from '../../core/outbox/worker.ts';
import { deliveryError } from './client.ts';
import { decodeSlackRef, encodeSlackRef } from './message-ref.ts';
import { findPosted, keyMetadata } from './posted.ts';
import { renderReply } from './render.ts';
import { checkedFiles, uploadFiles } from './files.ts';

/**
 * One Slack message holds 50 blocks of at most 3,000 characters: 12,000 characters and 30
 * sections leave room for the header, the footer, the buttons and sections with fields.
 */
export const SLACK_PART_LIMITS: SplitLimits = { maxChars: 12_000, maxSections: 30 };

/** The key a part carries in its metadata: the first part has the message's own key. */
export function partKey(dedupeKey: string, part: number): string {
  return part === 0 ? dedupeKey : `${dedupeKey}#${part + 1}`;
}

/** Slack's answer for a message that is not there (any more). */
const GONE = new Set(['message_not_found']);

export class SlackDelivery {
  /** DM channel per user: conversations.open returns the same channel every time. */
  private readonly dmChannels = new Map<string, string>();

  /**
   * `onDiscussion`: a channel post or DM that asks for a discussion (a copied update, the
   * opening of a private conversation) landed here; its thread is then one of the bot's.
   */
  constructor(
    private readonly client: () => webApi.WebClient,
    private readonly onDiscussion?: (where: ThreadRef, discussion: Discussion, post: MessageRef) => Promise<unknown>,
  ) {}

  async deliver(item: OutboxItem, progress?: DeliveryProgress): Promise<MessageRef> {
    if (item.action === 'edit') return this.edit(item);
    if (item.action === 'delete') return this.remove(item);
    const { files, ...text } = checkedFiles(item.reply, translator(item.locale));
    const parts = splitReply(text, SLACK_PART_LIMITS);
    const { channel, threadTs } = await this.destination(item);
    const sent = progress?.sent ?? [];
    const start = sent.length;
    if (start === 0) {
      // Files first: a failed upload posts nothing, so the retry cannot repeat the message.
      // (A post that fails after the upload may repeat the files: they carry no key to look for.)
      try {
        await uploadFiles(this.client(), files, channel, threadTs);
      } catch (error) {
        throw deliveryError('files.uploadV2', error);
      }
    }
    let first = sent[0];
    for (let part = start; part < parts.length; part++) {
      // Later parts of a channel post go in the first part's thread.
      const thread = part > 0 && item.target.kind === 'channel' ? decodeSlackRef(first!)?.ts : threadTs;
      const ref = await this.post(item, parts[part]!, { channel, threadTs: thread, key: partKey(item.dedupeKey, part), lookFirst: item.outcomeUnknown && part === start });
      if (parts.length > 1) await progress?.partSent(ref);
      first ??= ref;
    }
    return first!;
  }

  private async post(item: OutboxItem, reply: Reply, where: { channel: string; threadTs?: string; key: string; lookFirst: boolean }): Promise<MessageRef> {
    const { channel, threadTs, key } = where;
    if (where.lookFirst) {
      let found: string | undefined;
      try {
        found = await findPosted(this.client(), { channel, threadTs, key, since: item.createdAt });
      } catch (error) {
        // Posting now could make a second message: try again later (the row stays unknown).
        throw deliveryError('conversations.history', error);
      }
      if (found) {
        if (item.reply.discussion && item.target.kind !== 'thread') await this.onDiscussion?.({ platform: 'slack', channelRef: channel, threadRef: found }, item.reply.discussion, encodeSlackRef({ channel, ts: found }));
        return encodeSlackRef({ channel, ts: found });
      }
    }
    const rendered = renderReply(reply, translator(item.locale));
    let posted: { ts?: string; channel?: string };
    try {
      posted = await this.client().chat.postMessage({
        channel,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text: rendered.text,
        blocks: rendered.blocks,
        unfurl_links: false,
        metadata: keyMetadata(key),
      });
    } catch (error) {
      // A DM channel that vanished (e.g. the workspace was reset) is looked up again next time.
      if (item.target.kind === 'user') this.dmChannels.delete(item.target.ref);
      throw deliveryError('chat.postMessage', error, { mayHavePosted: true });
    }
    if (!posted.ts) throw new OutcomeUnknownError('slack chat.postMessage: no ts');
    const landed = posted.channel ?? channel;
    if (item.reply.discussion && item.target.kind !== 'thread') {
      await this.onDiscussion?.({ platform: 'slack', channelRef: landed, threadRef: posted.ts }, item.reply.discussion, encodeSlackRef({ channel: landed, ts: posted.ts }));
    }
    return encodeSlackRef({ channel: landed, ts: posted.ts });
  }

  /**
   * New content in place (chat.update). A split message has its first part replaced by the
   * new reply (cut to one message); its further parts stay as they were.
   */
  private async edit(item: OutboxItem): Promise<MessageRef> {
    const address = this.address(item.of);
    const rendered = renderReply(item.reply, translator(item.locale));
    try {
      await this.client().chat.update({ channel: address.channel, ts: address.ts, text: rendered.text, blocks: rendered.blocks });
    } catch (error) {
      throw goneOr(error, 'chat.update');
    }
    return item.of!;
  }

  /** Every part taken away (chat.delete); parts someone already deleted are passed over. */
  private async remove(item: OutboxItem): Promise<MessageRef> {
    let gone = 0;
    const parts = item.ofParts?.length ? item.ofParts : [item.of!];
    for (const ref of parts) {
      const address = this.address(ref);
      try {
        await this.client().chat.delete({ channel: address.channel, ts: address.ts });
      } catch (error) {
        const failure = goneOr(error, 'chat.delete');
        if (!(failure instanceof MessageGoneError)) throw failure;
        gone += 1;
      }
    }
    if (gone === parts.length) throw new MessageGoneError('slack: message already deleted');
    return item.of!;
  }

  private address(ref: MessageRef | undefined) {
    const address = ref ? decodeSlackRef(ref) : undefined;
    if (!address) throw new Error('slack: not a Slack message ref');
    return address;
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

/** A refusal that says the message is not there, as MessageGoneError; anything else as the outbox wants it. */
function goneOr(error: unknown, method: string): Error {
  const coded = error as { code?: string; data?: { error?: string } };
  if (coded.code === webApi.ErrorCode.PlatformError && GONE.has(coded.data?.error ?? '')) return new MessageGoneError(`slack ${method}: message_not_found`);
  // An edit or delete done twice is harmless: no unknown outcome to look for.
  return deliveryError(method, error);
}
