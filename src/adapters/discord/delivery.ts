// Outbox messages to Discord: a DM to a person (POST /users/@me/channels opens the DM channel,
// then a message to it), a channel post, or a post in a thread (`channel/thread`; a thread is a
// channel of its own). Each message carries a nonce derived from its outbox key with
// enforce_nonce, so Discord answers a resend (after a timeout or a broken connection, by
// discord.js' own retry or the outbox's) with the message it already created instead of a
// second one. Failures are thrown as the outbox expects them, so the worker retries with
// back-off, or after exactly as long as Discord asks on 429. Resolves with the message's ref.
import { createHash } from 'node:crypto';
import { DiscordAPIError, RateLimitError, Routes, type REST } from 'discord.js';
import type { Bot } from '../../core/bot.ts';
import { translator } from '../../core/i18n.ts';
import type { Logger } from '../../core/logger.ts';
import type { MessageRef } from '../../core/messages/message-ref.ts';
import type { OutboxItem } from '../../core/outbox/outbox.ts';
import { OutcomeUnknownError, RetryLaterError } from '../../core/outbox/worker.ts';
import { encodeDiscordRef } from './message-ref.ts';
import { renderReply } from './render.ts';
import { checkedFiles, restFiles } from './files.ts';

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

  async deliver(item: OutboxItem): Promise<MessageRef> {
    const t = translator(item.locale);
    // Member mentions become pings of the Discord accounts (or names); big files a line.
    const reply = checkedFiles(await this.bot.forPlatform(item.reply, 'discord'), t, this.logger);
    // One message: a retry after a half-sent series would repeat its first part.
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
    const body = { ...messages[0], nonce: deliveryNonce(item.dedupeKey), enforce_nonce: true };
    try {
      // Files travel in the same request (multipart), so the nonce covers them too.
      const { files, attachments } = restFiles(reply.files);
      const body = { ...messages[0], nonce: deliveryNonce(item.dedupeKey), enforce_nonce: true, ...(files.length ? { attachments } : {}) };
      posted = (await this.rest.post(Routes.channelMessages(channelId), { body, ...(files.length ? { files } : {}) })) as typeof posted;
    } catch (error) {
      // A relay into the discussion of the bot's post before anyone opened its thread: the
      // thread does not exist yet. Start it from the post (its id becomes the thread's), then post.
      if (!(item.target.kind === 'thread' && isUnknownChannel(error))) throw outboxError(error, true);
      await this.startThread(item.target.ref, t('relay.threadName'));
      try {
        posted = (await this.rest.post(Routes.channelMessages(channelId), { body })) as typeof posted;
      } catch (again) {
        throw outboxError(again, true);
      }
    }
    if (!posted.id) throw new OutcomeUnknownError('discord message without id');
    const landedIn = posted.channel_id ?? channelId;
    // A channel post that asks for a discussion (e.g. an update answered after the token expired).
    if (reply.discussion && item.target.kind === 'channel') {
      await this.bot.discussionStarted({ platform: 'discord', channelRef: landedIn, threadRef: posted.id }, reply.discussion);
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
