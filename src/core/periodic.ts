// A pass of background work that runs on a timer and on demand (the outbox worker, the inbox
// recovery): overlapping calls share one pass, and a pass never rejects. A database that is
// away is logged and the next tick tries again, so neither a timer nor a fire-and-forget kick
// can ever become an unhandled rejection.
import { safeError, type Logger } from './logger.ts';

export class PeriodicPass {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<number>,
    private readonly logger: Logger,
    /** What the log says failed, e.g. 'outbox pass'. */
    private readonly name: string,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.kick(), intervalMs);
    this.timer.unref();
  }

  /** No new passes from now on (a late kick would meet a closed database); the current one finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs a pass now, or joins the one under way; resolves with what it did (0 on failure). */
  kick(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    this.running ??= this.pass()
      .catch((error: unknown) => {
        this.logger.error({ err: safeError(error) }, `${this.name} failed; trying again later`);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** The pass under way, if any. */
  get current(): Promise<number> | undefined {
    return this.running;
  }
}
