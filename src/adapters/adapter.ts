// The small contract every chat platform implements. Adapters turn platform events into Bot
// requests and neutral replies into platform messages; they hold no business rules.
import type { AnswerLater } from '../core/inbox/recovery.ts';
import type { MessageRef } from '../core/messages/message-ref.ts';
import type { OutboxItem } from '../core/outbox/outbox.ts';
import type { DeliveryProgress } from '../core/outbox/worker.ts';
import type { PlatformName } from '../core/platform.ts';

export interface ChatAdapter {
  readonly platform: PlatformName;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Sends one outbox message (a DM, channel post, thread reply, or the opening of a `group`
   * place: the platform's shared private place for several people, reported through
   * Bot.groupPlaceOpened before the delivery returns, PlaceRefusedError when the platform
   * cannot make one; see OutboxTarget) exactly once, and resolves
   * with the ref of the message it created. A reply too long for one platform message is
   * split (core `splitReply` with the platform's limits) and sent as several, in order: the
   * parts in `progress.sent` are already there, each new one is reported through
   * `progress.partSent` before the next is sent, and the first part's ref is the message's.
   * `item.action` edit: replace the message `item.of` with `item.reply`; delete: remove it
   * (all of `item.ofParts`). A message that no longer exists there (a person deleted it):
   * throw MessageGoneError, and the outbox marks the change done without retrying.
   * Throws to have it retried: RetryLaterError when the platform said how long to wait,
   * OutcomeUnknownError when the message may have been created anyway; when the item says an
   * earlier outcome is unknown, the adapter finds that message, where the platform allows it,
   * instead of posting a second one.
   */
  deliver(item: OutboxItem, progress?: DeliveryProgress): Promise<MessageRef>;
  /**
   * Answers a request a crashed process left unanswered, through the route the adapter stored
   * with it (Bot requests' `route`); false when the platform no longer allows it.
   */
  answerLater?: AnswerLater;
  /**
   * A link people can open to one of the bot's messages on this platform (a digest points at
   * each update's post with it); undefined when the adapter cannot tell yet.
   */
  messageLink?(ref: MessageRef): string | undefined;
  /**
   * Platform user ids of the people in a channel (bots left out, at most
   * MAX_CHANNEL_MEMBERS), for `genodigden:kanaal`. Throws ChannelMembersUnavailableError when
   * the platform refuses until a setting is changed (Discord's Server Members Intent).
   */
  channelMembers?(channelId: string): Promise<string[]>;
}
