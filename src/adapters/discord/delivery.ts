// Outbox messages to Discord: a DM to a person (POST /users/@me/channels opens the DM channel,
// then a message to it), a channel post, or a post in a thread (`channel/thread`; a thread is a
// channel of its own). Failures are thrown as the outbox expects them, so the worker retries
// with back-off, or after exactly as long as Discord asks on 429.
import { DiscordAPIError, RateLimitError, Routes, type REST } from 'discord.js';
import type { Bot } from '../../core/bot.ts';
import { translator } from '../../core/i18n.ts';
import type { Logger } from '../../core/logger.ts';
import type { OutboxItem } from '../../core/outbox/outbox.ts';
import { RetryLaterError } from '../../core/outbox/worker.ts';
import { renderReply } from './render.ts';

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

  async deliver(item: OutboxItem): Promise<void> {
    const t = translator(item.locale);
    // One message: a retry after a half-sent series would repeat its first part.
    const { messages, droppedButtons } = renderReply(item.reply, { more: t('discord.more'), maxMessages: 1 });
    if (droppedButtons.length) this.logger.warn({ outboxId: item.id, droppedButtons }, 'discord buttons left out');
    let posted: { id: string; channel_id?: string };
    let channelId: string;
    try {
      channelId = await this.channelFor(item.target.kind, item.target.ref);
      posted = (await this.rest.post(Routes.channelMessages(channelId), { body: messages[0] })) as typeof posted;
    } catch (error) {
      throw outboxError(error);
    }
    // A channel post that asks for a discussion (e.g. an update answered after the token expired).
    if (item.reply.discussion && item.target.kind === 'channel' && posted.id) {
      await this.bot.discussionStarted({ platform: 'discord', channelRef: posted.channel_id ?? channelId, threadRef: posted.id }, item.reply.discussion);
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

/** Discord's errors as the outbox wants them: rate limits with their wait, the rest as they are. */
function outboxError(error: unknown): unknown {
  if (error instanceof RateLimitError) {
    return new RetryLaterError(`discord rate limit on ${error.route}`, Math.max(error.retryAfter, 1000));
  }
  if (error instanceof DiscordAPIError && error.status === 429) {
    const retryAfter = Number((error.rawError as { retry_after?: number }).retry_after ?? 1);
    return new RetryLaterError(`discord rate limit (${error.code})`, Math.max(retryAfter * 1000, 1000));
  }
  return error;
}
