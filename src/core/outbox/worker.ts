// Sends what the outbox holds through the adapters that are running, with retries. A failed
// send is tried again later (Retry-After when the platform gave one); nothing is lost when the
// process stops, because unsent rows stay in the database.
import { safeError, type Logger } from '../logger.ts';
import { PeriodicPass } from '../periodic.ts';
import type { MessageRef } from '../messages/message-ref.ts';
import type { PlatformName } from '../platform.ts';
import type { Outbox, OutboxItem } from './outbox.ts';

/**
 * How far a split reply got: the refs of the parts already sent (from earlier attempts too).
 * A deliverer that splits sends only the parts after these, and reports each one it sends
 * before it sends the next, so a failure in the middle never sends a part twice.
 */
export interface DeliveryProgress {
  readonly sent: readonly MessageRef[];
  partSent(ref: MessageRef): Promise<void>;
}

/**
 * Sends one message (or edits or deletes one: `item.action`, with `item.of` filled in) and
 * resolves with the ref of what the platform created. Adapters always return one
 * (ChatAdapter.deliver); a deliverer that only records (tests) may return nothing.
 */
export type Deliver = (item: OutboxItem, progress?: DeliveryProgress) => Promise<MessageRef | void>;

/**
 * Thrown by a deliverer when the message to edit or delete no longer exists on the platform
 * (a person deleted it): there is nothing to retry, so the row is done with a note.
 */
export class MessageGoneError extends Error {}

/** For a `.catch`: a message already gone is what was wanted (a part deleted by a person). */
export function passGone(error: unknown): void {
  if (!(error instanceof MessageGoneError)) throw error;
}

/** Thrown by a deliverer when the platform asked to wait (HTTP 429 with Retry-After). */
export class RetryLaterError extends Error {
  constructor(message: string, readonly retryAfterMs: number) {
    super(message);
  }
}

/**
 * Thrown by a deliverer when the platform may have created the message although the call
 * failed: a timeout, a connection that broke, a 5xx. The row remembers it (outcomeUnknown), so
 * the next attempt looks for that message before it posts again.
 */
export class OutcomeUnknownError extends Error {}

/**
 * Thrown by a deliverer when the platform cannot make the private place a `group` target asks
 * for (no channel for it, missing access, a server without private threads). Not retried: the
 * feature that queued it falls back (Outbox.onPlaceRefused), e.g. to per-person places.
 */
export class PlaceRefusedError extends Error {}

/**
 * Thrown by a deliverer when the bot can no longer post in a channel at all (it was removed,
 * the channel was archived or deleted). The feature that queued the post may take it from
 * there (Outbox.onChannelGone: a digest pauses and tells its coordinator); otherwise it is
 * retried like any failure, since the bot may be invited back.
 */
export class ChannelGoneError extends Error {}

/** Messages claimed at a time. */
const BATCH_SIZE = 20;
/** A pass that keeps finding full batches ends after this long; the next tick goes on. */
const PASS_BUDGET_MS = 15_000;

export class OutboxWorker {
  private readonly passes: PeriodicPass;
  /** Running on its timer: says on every pass which platforms run here (routing.ts). */
  private announcing = false;
  private stopping = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly deliverers: Map<PlatformName, Deliver>,
    private readonly logger: Logger,
  ) {
    this.passes = new PeriodicPass(() => this.runOnce(), logger, 'outbox pass');
  }

  start(intervalMs = 2000): void {
    this.announcing = true;
    this.passes.start(intervalMs);
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.passes.stop();
  }

  /** Sends whatever is due now; overlapping calls share one pass; never rejects. */
  kick(): Promise<number> {
    return this.passes.kick();
  }

  /** Sends until nothing due is left (end of console input, tests). */
  async drain(maxPasses = 50): Promise<void> {
    for (let pass = 0; pass < maxPasses; pass++) {
      await this.passes.current;
      if ((await this.kick()) === 0) return;
    }
  }

  /**
   * A pass goes on while batches come back full: a burst (a fan-out to many channels) drains at
   * the platform's pace instead of one batch per timer tick (npm run bench: 20 every 2 s, about
   * 9 messages a second, before). It ends when a batch is not full, at stop() (after the batch
   * in hand) or after PASS_BUDGET_MS, so a pass stays bounded.
   */
  private async runOnce(): Promise<number> {
    const started = Date.now();
    let total = 0;
    for (;;) {
      const claimed = await this.runBatch();
      total += claimed;
      if (claimed < BATCH_SIZE || this.stopping || Date.now() - started > PASS_BUDGET_MS) return total;
    }
  }

  private async runBatch(): Promise<number> {
    const running = [...this.deliverers.keys()];
    // Member DMs first get the platform they go out on (routing.ts), then are claimed as usual.
    await this.outbox.routing.route(running, new Date(), this.announcing);
    const items = await this.outbox.claimDue(running, BATCH_SIZE);
    // A post that failed holds up the later ones to the same place (they keep their order):
    // they are released for a later pass, where they wait for it (Outbox.claimDue).
    const heldUp = new Set<string>();
    for (const item of items) {
      const place = placeOf(item);
      if (item.action === 'post' && heldUp.has(place)) await this.outbox.waitUntil(item.id, new Date());
      else if (!(await this.send(item)) && item.action === 'post') heldUp.add(place);
    }
    return items.length;
  }

  /** True when the message went (or was rightly skipped); false when it is to be tried again. */
  private async send(claimed: OutboxItem): Promise<boolean> {
    const deliver = this.deliverers.get(claimed.target.platform)!;
    let item = claimed;
    try {
      if (item.action === 'edit' || item.action === 'delete') {
        const earlier = await this.outbox.earlierState(item);
        if (earlier.state === 'wait') return (await this.outbox.waitUntil(item.id, earlier.until), false);
        if (earlier.state === 'skip') return (await this.skip(item, earlier.reason), true);
        item = { ...item, of: earlier.of, ofParts: earlier.parts };
      }
      const ref = await deliver(item, this.progressOf(item));
      await this.outbox.markSent(item.id, ref ?? undefined);
      return true;
    } catch (error) {
      if (error instanceof MessageGoneError) return (await this.skip(item, 'message was deleted on the platform'), true);
      if (error instanceof PlaceRefusedError && (await this.fallBack(item, error.message))) return true;
      if (error instanceof ChannelGoneError && (await this.channelGone(item, error.message))) return true;
      const retryAfter = error instanceof RetryLaterError ? error.retryAfterMs : undefined;
      const unknown = error instanceof OutcomeUnknownError;
      this.logger.warn({ outboxId: item.id, attempts: item.attempts + 1, outcomeUnknown: unknown, err: safeError(error) }, 'outbox send failed');
      // If even this fails (the database went away), the lease runs out and the message is
      // claimed again later: kick() logs the error.
      await this.outbox.markFailed(item, (error as Error).message, retryAfter, new Date(), unknown);
      return false;
    }
  }

  /** A group place the platform refused: its feature falls back; false when that failed too. */
  private async fallBack(item: OutboxItem, reason: string): Promise<boolean> {
    try {
      const handled = await this.outbox.placeRefused(item, reason);
      if (handled) this.logger.info({ outboxId: item.id, reason }, 'group place refused; fell back');
      return handled;
    } catch (error) {
      this.logger.warn({ outboxId: item.id, err: safeError(error) }, 'group place fallback failed');
      return false;
    }
  }

  /** A channel the bot cannot post in any more: its feature takes over; false when none did. */
  private async channelGone(item: OutboxItem, reason: string): Promise<boolean> {
    try {
      const handled = await this.outbox.channelGone(item, reason);
      if (handled) this.logger.warn({ outboxId: item.id, platform: item.target.platform, reason }, 'channel gone; its feature was told');
      return handled;
    } catch (error) {
      this.logger.warn({ outboxId: item.id, err: safeError(error) }, 'channel gone handler failed');
      return false;
    }
  }

  /** Done without sending: logged (never the text), and never tried again. */
  private async skip(item: OutboxItem, reason: string): Promise<void> {
    this.logger.info({ outboxId: item.id, action: item.action, reason }, 'outbox change skipped');
    await this.outbox.markSent(item.id, item.of, `skipped: ${reason}`);
  }

  private progressOf(item: OutboxItem): DeliveryProgress {
    const sent = [...(item.partRefs ?? [])];
    return {
      sent,
      partSent: async (ref) => {
        sent.push(ref);
        try {
          await this.outbox.recordParts(item.id, sent);
        } catch (error) {
          // The part is on the platform but not in the row: the next attempt must look first.
          throw new OutcomeUnknownError(`outbox: part sent but not recorded (${(error as Error).message})`);
        }
      },
    };
  }
}

/** The place a message goes to: its order is kept per place. */
function placeOf(item: OutboxItem): string {
  return `${item.target.platform}:${item.target.kind}:${item.target.ref}`;
}
