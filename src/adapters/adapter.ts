// The small contract every chat platform implements. Adapters turn platform events into Bot
// requests and neutral replies into platform messages; they hold no business rules.
import type { AnswerLater } from '../core/inbox/recovery.ts';
import type { OutboxItem } from '../core/outbox/outbox.ts';
import type { PlatformName } from '../core/platform.ts';

export interface ChatAdapter {
  readonly platform: PlatformName;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Sends one outbox message (a DM, channel post or thread reply). Throws to have it retried;
   * RetryLaterError when the platform said how long to wait.
   */
  deliver(item: OutboxItem): Promise<void>;
  /**
   * Answers a request a crashed process left unanswered, through the route the adapter stored
   * with it (Bot requests' `route`); false when the platform no longer allows it.
   */
  answerLater?: AnswerLater;
}
