// Signed requests seen in the last five minutes, so a byte-identical replay runs nothing.
// Slack signs every delivery anew (a retry carries a new timestamp and X-Slack-Retry-Num; the
// core's event keys catch those), so the same timestamp and body twice is never Slack itself.
// A request older than the window fails the signature check anyway, so memory is enough: a
// restart forgets only what could not be replayed any more after five minutes.
import { createHash } from 'node:crypto';

export class ReplayWindow {
  /** Hash of timestamp and body → the request's timestamp (seconds), oldest first. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowSeconds: number,
    /** A flood of distinct signed requests cannot grow this without bound. */
    private readonly maxEntries = 100_000,
  ) {}

  /** True the first time this signed request is seen within the window, false for a replay. */
  firstTime(timestamp: number, raw: Buffer, nowSeconds: number): boolean {
    this.forget(nowSeconds);
    const key = createHash('sha256').update(`${timestamp}:`).update(raw).digest('base64');
    if (this.seen.has(key)) return false;
    if (this.seen.size >= this.maxEntries) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, timestamp);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  /**
   * Drops requests whose timestamp the signature check would refuse now. Entries are in arrival
   * order, nearly timestamp order, so this stops at the first one still valid: one that came
   * with a future timestamp keeps those behind it at most ten minutes longer.
   */
  private forget(nowSeconds: number): void {
    for (const [key, timestamp] of this.seen) {
      if (timestamp >= nowSeconds - this.windowSeconds) break;
      this.seen.delete(key);
    }
  }
}
