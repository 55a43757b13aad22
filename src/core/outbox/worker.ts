// Sends what the outbox holds through the adapters that are running, with retries. A failed
// send is tried again later (Retry-After when the platform gave one); nothing is lost when the
// process stops, because unsent rows stay in the database.
import { safeError, type Logger } from '../logger.ts';
import type { PlatformName } from '../platform.ts';
import type { Outbox, OutboxItem } from './outbox.ts';

export type Deliver = (item: OutboxItem) => Promise<void>;

/** Thrown by a deliverer when the platform asked to wait (HTTP 429 with Retry-After). */
export class RetryLaterError extends Error {
  constructor(message: string, readonly retryAfterMs: number) {
    super(message);
  }
}

export class OutboxWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly outbox: Outbox,
    private readonly deliverers: Map<PlatformName, Deliver>,
    private readonly logger: Logger,
  ) {}

  start(intervalMs = 2000): void {
    this.timer = setInterval(() => void this.kick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Sends whatever is due now; overlapping calls share one pass. Never rejects: a database
   * that is away (an outage, a pool that is full) is logged and the next tick tries again, so
   * a timer or a fire-and-forget kick can never become an unhandled rejection.
   */
  kick(): Promise<number> {
    this.running ??= this.runOnce()
      .catch((error: unknown) => {
        this.logger.error({ err: safeError(error) }, 'outbox pass failed; trying again later');
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Sends until nothing due is left (end of console input, tests). */
  async drain(maxPasses = 50): Promise<void> {
    for (let pass = 0; pass < maxPasses; pass++) {
      await this.running;
      if ((await this.kick()) === 0) return;
    }
  }

  private async runOnce(): Promise<number> {
    const items = await this.outbox.claimDue([...this.deliverers.keys()]);
    for (const item of items) await this.send(item);
    return items.length;
  }

  private async send(item: OutboxItem): Promise<void> {
    const deliver = this.deliverers.get(item.target.platform)!;
    try {
      await deliver(item);
      await this.outbox.markSent(item.id);
    } catch (error) {
      const retryAfter = error instanceof RetryLaterError ? error.retryAfterMs : undefined;
      this.logger.warn({ outboxId: item.id, attempts: item.attempts + 1, err: safeError(error) }, 'outbox send failed');
      // If even this fails (the database went away), the lease runs out and the message is
      // claimed again later: kick() logs the error.
      await this.outbox.markFailed(item, (error as Error).message, retryAfter);
    }
  }
}
