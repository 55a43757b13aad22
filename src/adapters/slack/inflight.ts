// Work that goes on after Slack got its acknowledgement. Kept track of so that stop() can let
// it finish instead of cutting a half-sent answer off, and so tests can wait for it.
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Runs `work`; its promise settles when the work is done (failures are the caller's). */
  run<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    const tracked = promise.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
    return promise;
  }

  /** Resolves once everything started so far (and anything it started) has finished. */
  async settled(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
      await Promise.race([Promise.all([...this.running]), timeout]);
      clearTimeout(timer);
    }
  }

  get size(): number {
    return this.running.size;
  }
}
