// Outbox messages to Discord: a DM to a person (POST /users/@me/channels opens the DM channel,
// then a message to it), a channel post, or a post in a thread (`channel/thread`; a thread is a
// channel of its own). Each message carries a nonce derived from its outbox key with
// enforce_nonce, so Discord answers a resend (after a timeout or a broken connection, by
// discord.js' own retry or the outbox's) with the message it already created instead of a
// second one. Failures are thrown as the outbox expects them, so the worker retries with
// back-off, or after exactly as long as Discord asks on 429. Resolves with the message's ref.
// A reply too long for one message is split into several, each with a nonce of its own (the
// key plus its number), posted in order; each part is recorded before the next goes, so a
// retry goes on where it stopped. Edits and deletes act on a ref (PATCH/DELETE on the channel
// message); a message someone deleted (Unknown Message) is a MessageGoneError.
// A `group` target (the shared place of a private conversation) is a private thread (type 12,
// not invitable) in the parent channel the target names: created once, reported to the Bot
// before anyone is in it (a retry finds it there and reuses it), its people added one by one
// (someone who left the server is skipped with a log line), then the opening posted in it.
// Without a parent, or when Discord refuses the thread (missing access, no private threads in
// this server), the delivery throws PlaceRefusedError and the core falls back to DMs; that is
// logged as a warning once per reason, not for every conversation.
import { createHash } from 'node:crypto';
import { DiscordAPIError, RateLimitError, Routes, type REST } from 'discord.js';
import type { Bot } from '../../core/bot.ts';
import { translator } from '../../core/i18n.ts';
import type { Logger } from '../../core/logger.ts';
import type { MessageRef } from '../../core/messages/message-ref.ts';
import type { Reply } from '../../core/framework/reply.ts';
import type { OutboxItem } from '../../core/outbox/outbox.ts';
import { planSplitEdit, splitReply, type SplitLimits } from '../../core/outbox/split.ts';
import { ChannelGoneError, MessageGoneError, OutcomeUnknownError, passGone, PlaceRefusedError, RetryLaterError, type DeliveryProgress } from '../../core/outbox/worker.ts';
import { parseGroupTargetRef } from '../../core/outbox/outbox.ts';
import { decodeDiscordRef, encodeDiscordRef } from './message-ref.ts';
import { renderReply } from './render.ts';
import { checkedFiles, restFiles } from './files.ts';

/**
 * One Discord message: an embed description holds 4,096 characters and a message 6,000 in
 * all; 4,000 and 20 sections leave room for the title, fields and the footer.
 */
export const DISCORD_PART_LIMITS: SplitLimits = { maxChars: 4000, maxSections: 20 };

/** Unknown Message, Unknown Channel: what was to be changed is not there (any more). */
const GONE_CODES = new Set([10008, 10003]);

/** The key behind a part's nonce: the first part has the message's own key. */
function partKey(dedupeKey: string, part: number): string {
  return part === 0 ? dedupeKey : `${dedupeKey}#${part + 1}`;
}

/** Discord accepts nonces of at most 25 characters. */
const NONCE_LENGTH = 25;

/**
 * The nonce of an outbox message: the same key always gives the same nonce (so every attempt
 * sends the same one), different keys practically never collide (150 bits of SHA-256).
 */
export function deliveryNonce(dedupeKey: string): string {
  return createHash('sha256').update(dedupeKey).digest('base64url').slice(0, NONCE_LENGTH);
}

/** The routes of outbox deliveries: on 429 they fail at once and the outbox retries later. */
const OUTBOX_ROUTES = ['/channels/:id/messages', '/users/@me/channels'];

/**
 * For discord.js' `rejectOnRateLimit`: rate limits on delivery routes go back to the outbox
 * (RetryLaterError) instead of being slept through inside discord.js; interaction answers
 * still wait for their bucket.
 */
export function isDeliveryRoute(route: string): boolean {
  return OUTBOX_ROUTES.some((prefix) => route.startsWith(prefix));
}

export class DiscordDelivery {
  /** DM channel per user: Discord returns the same channel every time. */
  private readonly dmChannels = new Map<string, string>();
  /** Reasons for refused private threads already warned about (once each per process). */
  private readonly warned = new Set<string>();

  constructor(
    private readonly rest: REST,
    private readonly bot: Bot,
    private readonly logger: Logger,
  ) {}

  async deliver(item: OutboxItem, progress?: DeliveryProgress): Promise<MessageRef> {
    if (item.action === 'edit') return this.edit(item);
    if (item.action === 'delete') return this.remove(item);
    if (item.target.kind === 'group') return this.deliverToGroup(item, progress);
    // Member mentions become pings of the Discord accounts (or names); big files a line.
    const whole = checkedFiles(await this.bot.forPlatform(item.reply, 'discord'), translator(item.locale), this.logger);
    const { files, ...text } = whole;
    const parts = splitReply(text, DISCORD_PART_LIMITS);
    const sent = progress?.sent ?? [];
    const start = sent.length;
    let first = sent[0];
    for (let part = start; part < parts.length; part++) {
      // Files go with the first part, in the same request (multipart), so its nonce covers them.
      const ref = await this.post(item, parts[part]!, partKey(item.dedupeKey, part), part === 0 ? files : undefined);
      if (parts.length > 1) await progress?.partSent(ref);
      first ??= ref;
    }
    return first!;
  }

  /** One part as one message: each part is cut to fit, since it was split to fit already. */
  private async post(item: OutboxItem, reply: Reply, key: string, files?: Reply['files']): Promise<MessageRef> {
    const t = translator(item.locale);
    const { messages, droppedButtons } = renderReply(reply, { more: t('discord.more'), maxMessages: 1 });
    if (droppedButtons.length) this.logger.warn({ outboxId: item.id, droppedButtons }, 'discord buttons left out');
    let channelId: string;
    try {
      channelId = await this.channelFor(item.target.kind, item.target.ref);
    } catch (error) {
      // Opening a DM channel creates nothing new: any failure is simply retried.
      throw outboxError(error, false);
    }
    let posted: { id?: string; channel_id?: string };
    const attached = restFiles(files);
    const body = { ...messages[0], nonce: deliveryNonce(key), enforce_nonce: true, ...(attached.files.length ? { attachments: attached.attachments } : {}) };
    const request = { body, ...(attached.files.length ? { files: attached.files } : {}) };
    try {
      posted = (await this.rest.post(Routes.channelMessages(channelId), request)) as typeof posted;
    } catch (error) {
      // A relay into the discussion of the bot's post before anyone opened its thread: the
      // thread does not exist yet. Start it from the post (its id becomes the thread's), then post.
      // The bot was removed from the channel (Missing Access) or the channel is gone: nothing was posted.
      if (item.target.kind === 'channel' && error instanceof DiscordAPIError && CHANNEL_GONE_CODES.has(Number(error.code))) {
        throw new ChannelGoneError(`discord channel post: ${error.code}`);
      }
      if (!(item.target.kind === 'thread' && isUnknownChannel(error))) throw outboxError(error, true);
      await this.startThread(item.target.ref, t('relay.threadName'));
      try {
        posted = (await this.rest.post(Routes.channelMessages(channelId), request)) as typeof posted;
      } catch (again) {
        throw outboxError(again, true);
      }
    }
    if (!posted.id) throw new OutcomeUnknownError('discord message without id');
    const landedIn = posted.channel_id ?? channelId;
    // A channel post that asks for a discussion (e.g. an update answered after the token expired).
    if (reply.discussion && item.target.kind === 'channel') {
      await this.bot.discussionStarted({ platform: 'discord', channelRef: landedIn, threadRef: posted.id }, reply.discussion, encodeDiscordRef({ channelId: landedIn, messageId: posted.id }));
    }
    // A DM that opens a private conversation carries no discussion: answers to it are replies
    // (message_reference), found through this message's ref (messages.ts).
    return encodeDiscordRef({ channelId: landedIn, messageId: posted.id });
  }

  /**
   * The opening of a conversation's shared place: its private thread (made now, or found
   * because an earlier attempt made it), its people in it, then the message posted there.
   */
  private async deliverToGroup(item: OutboxItem, progress?: DeliveryProgress): Promise<MessageRef> {
    const { parent, userIds } = parseGroupTargetRef(item.target.ref);
    const discussion = item.reply.discussion;
    if (!discussion) throw new Error('discord group target without a conversation');
    if (!parent) throw this.refused('no channel registered for conversations');
    const threadId = (await this.bot.groupPlace('discord', discussion))?.threadRef ?? (await this.createPrivateThread(item, parent));
    let added = 0;
    for (const userId of userIds) if (await this.addToThread(threadId, userId)) added++;
    if (added === 0) throw this.refused('nobody could be added to the private thread');
    const { discussion: _opened, ...reply } = item.reply;
    return this.deliver({ ...item, target: { platform: 'discord', kind: 'thread', ref: `${parent}/${threadId}` }, reply }, progress);
  }

  private async createPrivateThread(item: OutboxItem, parent: string): Promise<string> {
    const discussion = item.reply.discussion!;
    const name = translator(item.locale)('conversation.threadName', { code: discussion.subjectId }).slice(0, 100);
    let thread: { id?: string };
    try {
      thread = (await this.rest.post(Routes.threads(parent), { body: { name, type: PRIVATE_THREAD, invitable: false, auto_archive_duration: 10080 } })) as { id?: string };
    } catch (error) {
      if (isRefusal(error)) throw this.refused(`private thread refused (${(error as DiscordAPIError).code})`);
      throw outboxError(error, false);
    }
    if (!thread.id) throw new Error('discord private thread without id');
    // Recorded before anyone is in it, so whatever they write is recognised; throws when it cannot be.
    await this.bot.groupPlaceOpened({ platform: 'discord', channelRef: parent, threadRef: thread.id }, discussion);
    return thread.id;
  }

  /** Adds someone to the thread (again: harmless); false when they cannot be (left the server). */
  private async addToThread(threadId: string, userId: string): Promise<boolean> {
    try {
      await this.rest.put(Routes.threadMembers(threadId, userId));
      return true;
    } catch (error) {
      if (!(error instanceof DiscordAPIError) || !CANNOT_ADD.has(Number(error.code))) throw outboxError(error, false);
      this.logger.warn({ userId, code: error.code }, 'discord conversation participant cannot be added; skipped');
      return false;
    }
  }

  /** The core falls back to DMs; the reason is logged once per process, not per conversation. */
  private refused(reason: string): PlaceRefusedError {
    if (!this.warned.has(reason)) {
      this.warned.add(reason);
      this.logger.warn({ reason }, 'discord private threads unavailable; private conversations use direct messages');
    }
    return new PlaceRefusedError(`discord: ${reason}`);
  }

  /** Starts the thread on a message (`parent/messageId`); one that exists already is fine. */
  private async startThread(ref: string, name: string): Promise<void> {
    const [parent, messageId] = ref.split('/');
    if (!parent || !messageId) throw new Error('discord thread target: expected channel/thread');
    try {
      await this.rest.post(Routes.threads(parent, messageId), { body: { name, auto_archive_duration: 1440 } });
    } catch (error) {
      // 160004: a thread has already been created for this message (by someone, meanwhile).
      if (!(error instanceof DiscordAPIError && error.code === 160004)) throw outboxError(error, false);
    }
  }

  /**
   * New content in place, part by part when the message was sent in parts (core
   * planSplitEdit: parts left over are deleted, content for more parts is cut).
   */
  private async edit(item: OutboxItem): Promise<MessageRef> {
    const t = translator(item.locale);
    const reply = await this.bot.forPlatform(item.reply, 'discord');
    const plan = planSplitEdit(reply, item.ofParts?.length ? item.ofParts : [item.of!], DISCORD_PART_LIMITS, t('delivery.editShortened'));
    for (const { ref, reply: part } of plan.edits) {
      const address = addressOf(ref);
      const { content, embeds, components } = renderReply(part, { more: t('discord.more'), maxMessages: 1 }).messages[0]!;
      try {
        await this.rest.patch(Routes.channelMessage(address.channelId, address.messageId), { body: { content: content ?? '', embeds, components } });
      } catch (error) {
        throw goneOr(error);
      }
    }
    if (plan.deletes.length) await this.remove({ ...item, of: plan.deletes[0], ofParts: plan.deletes }).catch(passGone);
    return item.of!;
  }

  /** Every part taken away; parts someone already deleted are passed over. */
  private async remove(item: OutboxItem): Promise<MessageRef> {
    const parts = item.ofParts?.length ? item.ofParts : [item.of!];
    let gone = 0;
    for (const ref of parts) {
      const address = addressOf(ref);
      try {
        await this.rest.delete(Routes.channelMessage(address.channelId, address.messageId));
      } catch (error) {
        const failure = goneOr(error);
        if (!(failure instanceof MessageGoneError)) throw failure;
        gone += 1;
      }
    }
    if (gone === parts.length) throw new MessageGoneError('discord: message already deleted');
    return item.of!;
  }

  private async channelFor(kind: OutboxItem['target']['kind'], ref: string): Promise<string> {
    if (kind === 'channel') return ref;
    if (kind === 'thread') return ref.split('/')[1] ?? ref;
    return this.dmChannel(ref);
  }

  private async dmChannel(userId: string): Promise<string> {
    const known = this.dmChannels.get(userId);
    if (known) return known;
    const channel = (await this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    this.dmChannels.set(userId, channel.id);
    return channel.id;
  }
}

/** Missing Access, Unknown Channel: the bot cannot post in that channel at all (ChannelGoneError). */
const CHANNEL_GONE_CODES = new Set([50001, 10003]);

/** Channel type of a private thread. */
const PRIVATE_THREAD = 12;
/** Unknown Member, Unknown User, Missing Access: this person cannot be added to the thread. */
const CANNOT_ADD = new Set([10007, 10013, 50001]);
/** Missing Access, Missing Permissions, Cannot do this on this channel type, or any 403. */
const REFUSAL_CODES = new Set([50001, 50013, 50024]);

/** Discord will not make the private thread here (no access, or the server does not allow it). */
function isRefusal(error: unknown): boolean {
  return error instanceof DiscordAPIError && (error.status === 403 || REFUSAL_CODES.has(Number(error.code)));
}

/** 10003 Unknown Channel: the channel (here: a thread not started yet) does not exist. */
function isUnknownChannel(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.code === 10003;
}

/**
 * Discord's errors as the outbox wants them: rate limits with their wait; for a message post,
 * anything but a refusal (4xx) may have created the message (timeout, reset connection, 5xx);
 * the rest as they are.
 */
function outboxError(error: unknown, mayHavePosted: boolean): unknown {
  if (error instanceof RateLimitError) {
    return new RetryLaterError(`discord rate limit on ${error.route}`, Math.max(error.retryAfter, 1000));
  }
  if (error instanceof DiscordAPIError && error.status === 429) {
    const retryAfter = Number((error.rawError as { retry_after?: number }).retry_after ?? 1);
    return new RetryLaterError(`discord rate limit (${error.code})`, Math.max(retryAfter * 1000, 1000));
  }
  if (mayHavePosted && !(error instanceof DiscordAPIError)) {
    const name = error instanceof Error ? (error.name === 'AbortError' ? 'timeout' : error.message.slice(0, 100)) : 'failed';
    return new OutcomeUnknownError(`discord message post: ${name}`);
  }
  return error;
}

function addressOf(ref: MessageRef | undefined) {
  const address = ref ? decodeDiscordRef(ref) : undefined;
  if (!address) throw new Error('discord: not a Discord message ref');
  return address;
}

/** Unknown Message as MessageGoneError; the rest as the outbox wants it (an edit creates nothing). */
function goneOr(error: unknown): unknown {
  if (error instanceof DiscordAPIError && GONE_CODES.has(Number(error.code))) return new MessageGoneError(`discord: ${error.code}`);
  return outboxError(error, false);
}
