// Every platform event that may change something is claimed here once. A retried Slack
// delivery, a replayed Discord interaction or a double click finds its key taken and does nothing.
import type { Store } from './store.ts';

export class EventLedger {
  constructor(private readonly store: Store) {}

  /** True when this call is the first to claim the key. */
  async claim(key: string): Promise<boolean> {
    const inserted = await this.store.$executeRaw`
      INSERT INTO "ProcessedEvent" ("key", "createdAt") VALUES (${key}, now()) ON CONFLICT DO NOTHING`;
    return inserted === 1;
  }

  /**
   * True unless the same key was claimed less than `windowMs` ago. For presses: two clicks on
   * one button arrive as two platform events, but mean one thing.
   */
  async claimWithin(key: string, windowMs: number): Promise<boolean> {
    const cutoff = new Date(Date.now() - windowMs);
    const claimed = await this.store.$executeRaw`
      INSERT INTO "ProcessedEvent" ("key", "createdAt") VALUES (${key}, now())
      ON CONFLICT ("key") DO UPDATE SET "createdAt" = now() WHERE "ProcessedEvent"."createdAt" < ${cutoff}`;
    return claimed === 1;
  }

  /** Gives a key back after a failure, so the platform's retry can try again. */
  async release(key: string): Promise<void> {
    await this.store.processedEvent.deleteMany({ where: { key } });
  }

  /** Keys older than any platform retries (Slack retries within minutes) can go. */
  async prune(olderThan: Date): Promise<number> {
    const { count } = await this.store.processedEvent.deleteMany({ where: { createdAt: { lt: olderThan } } });
    return count;
  }
}
