// Sends what the outbox holds through the adapters that are running, with retries. A failed
// send is tried again later (Retry-After when the platform gave one); nothing is lost when the
// process stops, because unsent rows stay in the database.
import { safeError, type Logger } from '../logger.ts';
import { PeriodicPass } from '../periodic.ts';
import type { MessageRef } from '../messages/message-ref.ts';
import type { PlatformName } from '../platform.ts';
import type { Outbox, OutboxItem } from './outbox.ts';

/**
 * Sends one message and resolves with the ref of what the platform created. Adapters always
 * return one (ChatAdapter.deliver); a deliverer that only records (tests) may return nothing.
 */
export type Deliver = (item: OutboxItem) => Promise<MessageRef | void>;

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

export class OutboxWorker {
  private readonly passes: PeriodicPass;
  /** Running on its timer: says on every pass which platforms run here (routing.ts). */
  private announcing = false;

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

  private async runOnce(): Promise<number> {
    const running = [...this.deliverers.keys()];
    // Member DMs first get the platform they go out on (routing.ts), then are claimed as usual.
    await this.outbox.routing.route(running, new Date(), this.announcing);
    const items = await this.outbox.claimDue(running);
    for (const item of items) await this.send(item);
    return items.length;
  }

  private async send(item: OutboxItem): Promise<void> {
    const deliver = this.deliverers.get(item.target.platform)!;
    try {
      const ref = await deliver(item);
      await this.outbox.markSent(item.id, ref ?? undefined);
    } catch (error) {
      const retryAfter = error instanceof RetryLaterError ? error.retryAfterMs : undefined;
      const unknown = error instanceof OutcomeUnknownError;
      this.logger.warn({ outboxId: item.id, attempts: item.attempts + 1, outcomeUnknown: unknown, err: safeError(error) }, 'outbox send failed');
      // If even this fails (the database went away), the lease runs out and the message is
      // claimed again later: kick() logs the error.
      await this.outbox.markFailed(item, (error as Error).message, retryAfter, new Date(), unknown);
    }
  }
}
