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
// A `group` target (the shared place of a private conversation) is a group DM of its people
// (conversations.open with all of them: Slack returns the same mpim for the same people); the
// opening message is posted there and the place (the mpim and the message's ts) reported to the
// Bot before the delivery returns. Someone who left the workspace is left out, with a log line.
import { webApi } from '@slack/bolt';
import { translator } from '../../core/i18n.ts';
import type { Reply } from '../../core/framework/reply.ts';
import type { MessageRef } from '../../core/messages/message-ref.ts';
import type { OutboxItem } from '../../core/outbox/outbox.ts';
import type { Discussion } from '../../core/framework/reply.ts';
import type { ThreadRef } from '../../core/threads/threads.ts';
import { planSplitEdit, splitReply, type SplitLimits } from '../../core/outbox/split.ts';
import { ChannelGoneError, MessageGoneError, OutcomeUnknownError, passGone, type DeliveryProgress } from '../../core/outbox/worker.ts';
import { parseGroupTargetRef } from '../../core/outbox/outbox.ts';
import type { Logger } from '../../core/logger.ts';
import { deliveryError } from './client.ts';
import { decodeSlackRef, encodeSlackRef } from './message-ref.ts';
import { findPosted, keyMetadata } from './posted.ts';
import { renderReply } from './render.ts';
import { checkedFiles, uploadFiles } from './files.ts';

/**
 * One Slack message holds 50 blocks of at most 3,000 characters: 12,000 characters and 30
 * sections leave room for the header, the footer, the buttons and sections with fields.
 */
/** Slack's answers when the bot cannot post in a channel at all (ChannelGoneError). */
const CHANNEL_GONE_CODES = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);

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
  /** Group DM channel per set of people (conversations.open returns the same mpim for the same people). */
  private readonly groupChannels = new Map<string, string>();

  /**
   * `onGroupPlace`: the opening message of a conversation's group DM landed here; it must be
   * recorded before the delivery counts as done (it throws when it could not be).
   */
  constructor(
    private readonly client: () => webApi.WebClient,
    private readonly onDiscussion?: (where: ThreadRef, discussion: Discussion, post: MessageRef) => Promise<unknown>,
    private readonly onGroupPlace?: (where: ThreadRef, discussion: Discussion) => Promise<void>,
    private readonly logger?: Logger,
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
      const thread = part > 0 && (item.target.kind === 'channel' || item.target.kind === 'group') ? decodeSlackRef(first!)?.ts : threadTs;
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
        await this.landed(item, channel, found);
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
      // The bot was removed from the channel, or it was archived or deleted: Slack posted nothing.
      const code = (error as { data?: { error?: string } }).data?.error;
      if (item.target.kind === 'channel' && code && CHANNEL_GONE_CODES.has(code)) throw new ChannelGoneError(`slack chat.postMessage: ${code}`);
      throw deliveryError('chat.postMessage', error, { mayHavePosted: true });
    }
    if (!posted.ts) throw new OutcomeUnknownError('slack chat.postMessage: no ts');
    const landed = posted.channel ?? channel;
    await this.landed(item, landed, posted.ts);
    return encodeSlackRef({ channel: landed, ts: posted.ts });
  }

  /** A post that asks for a discussion, or opens a group place, is reported where it landed. */
  private async landed(item: OutboxItem, channel: string, ts: string): Promise<void> {
    const { discussion } = item.reply;
    if (!discussion || item.target.kind === 'thread') return;
    const where: ThreadRef = { platform: 'slack', channelRef: channel, threadRef: ts };
    if (item.target.kind !== 'group') {
      await this.onDiscussion?.(where, discussion, encodeSlackRef({ channel, ts }));
      return;
    }
    try {
      await this.onGroupPlace?.(where, discussion);
    } catch (error) {
      // Posted but not recorded: the retry finds the message by its key and records it then.
      throw new OutcomeUnknownError(`slack group place not recorded (${(error as Error).message})`);
    }
  }

  /**
   * New content in place (chat.update), part by part when the message was sent in parts
   * (core planSplitEdit: parts left over are deleted, content for more parts is cut).
   */
  private async edit(item: OutboxItem): Promise<MessageRef> {
    const t = translator(item.locale);
    const plan = planSplitEdit(item.reply, item.ofParts?.length ? item.ofParts : [item.of!], SLACK_PART_LIMITS, t('delivery.editShortened'));
    for (const { ref, reply } of plan.edits) {
      const address = this.address(ref);
      const rendered = renderReply(reply, t);
      try {
        await this.client().chat.update({ channel: address.channel, ts: address.ts, text: rendered.text, blocks: rendered.blocks });
      } catch (error) {
        throw goneOr(error, 'chat.update');
      }
    }
    if (plan.deletes.length) await this.remove({ ...item, of: plan.deletes[0], ofParts: plan.deletes }).catch(passGone);
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
    if (kind === 'group') return { channel: await this.groupChannel(ref) };
    return { channel: await this.dmChannel(ref) };
  }

  /**
   * The group DM of these people. When Slack refuses one of them (they left the workspace, or
   * were deactivated), each is tried alone to find who, and the group is opened without them.
   */
  private async groupChannel(ref: string): Promise<string> {
    const { userIds } = parseGroupTargetRef(ref);
    const known = this.groupChannels.get(ref);
    if (known) return known;
    let channel: string;
    try {
      channel = await this.open(userIds);
    } catch (error) {
      if (!isMissingUser(error) || userIds.length < 2) throw deliveryError('conversations.open', error);
      const reachable: string[] = [];
      for (const userId of userIds) {
        try {
          await this.open([userId]);
          reachable.push(userId);
        } catch (single) {
          if (!isMissingUser(single)) throw deliveryError('conversations.open', single);
          this.logger?.warn({ userId }, 'slack conversation participant cannot be reached; left out');
        }
      }
      if (reachable.length === 0) throw new Error('slack conversations.open: nobody in the group can be reached');
      channel = await this.open(reachable).catch((again: unknown) => {
        throw deliveryError('conversations.open', again);
      });
    }
    this.groupChannels.set(ref, channel);
    return channel;
  }

  private async open(userIds: readonly string[]): Promise<string> {
    const opened = await this.client().conversations.open({ users: userIds.join(',') });
    if (!opened.channel?.id) throw new Error('slack conversations.open: no channel');
    return opened.channel.id;
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

/** Slack's refusals of a person who is not (or no longer) in the workspace. */
const MISSING_USER = new Set(['user_not_found', 'user_disabled', 'user_not_visible', 'cannot_dm_bot']);

function isMissingUser(error: unknown): boolean {
  const coded = error as { code?: string; data?: { error?: string } };
  return coded.code === webApi.ErrorCode.PlatformError && MISSING_USER.has(coded.data?.error ?? '');
}

/** A refusal that says the message is not there, as MessageGoneError; anything else as the outbox wants it. */
function goneOr(error: unknown, method: string): Error {
  const coded = error as { code?: string; data?: { error?: string } };
  if (coded.code === webApi.ErrorCode.PlatformError && GONE.has(coded.data?.error ?? '')) return new MessageGoneError(`slack ${method}: message_not_found`);
  // An edit or delete done twice is harmless: no unknown outcome to look for.
  return deliveryError(method, error);
}
