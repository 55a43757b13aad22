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
import { createHash } from 'node:crypto';
import { DiscordAPIError, RateLimitError, Routes, type REST } from 'discord.js';
import type { Bot } from '../../core/bot.ts';
import { translator } from '../../core/i18n.ts';
import type { Logger } from '../../core/logger.ts';
import type { MessageRef } from '../../core/messages/message-ref.ts';
import type { Reply } from '../../core/framework/reply.ts';
import type { OutboxItem } from '../../core/outbox/outbox.ts';
import { splitReply, type SplitLimits } from '../../core/outbox/split.ts';
import { MessageGoneError, OutcomeUnknownError, RetryLaterError, type DeliveryProgress } from '../../core/outbox/worker.ts';
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

  constructor(
    private readonly rest: REST,
    private readonly bot: Bot,
    private readonly logger: Logger,
  ) {}

  async deliver(item: OutboxItem, progress?: DeliveryProgress): Promise<MessageRef> {
    if (item.action === 'edit') return this.edit(item);
    if (item.action === 'delete') return this.remove(item);
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

  /** New content in place; a split message has its first part replaced (cut to one message). */
  private async edit(item: OutboxItem): Promise<MessageRef> {
    const address = addressOf(item.of);
    const t = translator(item.locale);
    const { messages } = renderReply(await this.bot.forPlatform(item.reply, 'discord'), { more: t('discord.more'), maxMessages: 1 });
    const { content, embeds, components } = messages[0]!;
    try {
      await this.rest.patch(Routes.channelMessage(address.channelId, address.messageId), { body: { content: content ?? '', embeds, components } });
    } catch (error) {
      throw goneOr(error);
    }
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
