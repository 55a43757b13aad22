// Group commit: writes that arrive while one is on its way to the database wait and go
// together in the next one. Under a burst of 50 Slack requests, 50 single-row inbox inserts
// queued one behind the other before each ack; grouped, they are a handful of multi-row
// inserts. The first write of a quiet moment goes at once, so nothing waits for a timer.
import { AsyncResource } from 'node:async_hooks';

interface Waiting<I, O> {
  item: I;
  resolve(result: O): void;
  reject(error: unknown): void;
}

export class GroupCommit<I, O> {
  #waiting: Array<Waiting<I, O>> = [];
  #writing = false;
  readonly #start: () => void;

  /** `write` gets the items in arrival order and returns one result per item, in that order. */
  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly maxItems = 100,
  ) {
    // Bound to the async context this was made in (start-up, outside any unit of work), so a
    // group never joins the transaction of whichever caller happened to start it.
    this.#start = AsyncResource.bind(() => void this.#writeAll());
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (!this.#writing) this.#start();
    });
  }

  async #writeAll(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#waiting.length > 0) {
        const group = this.#waiting.splice(0, this.maxItems);
        try {
          const results = await this.write(group.map((waiting) => waiting.item));
          group.forEach((waiting, index) => waiting.resolve(results[index]!));
        } catch (error) {
          // A database error fails the group's callers alike; each decides what to answer.
          for (const waiting of group) waiting.reject(error);
        }
      }
    } finally {
      this.#writing = false;
    }
  }
}
