// The database handle the core works with. The Prisma client stays inside src/core's managers;
// their methods take and return plain objects, so handlers and adapters never see Prisma types.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PrismaClient } from '../generated/prisma/client.ts';

export type Store = PrismaClient;
/** A transaction client, or the store itself when no transaction is needed. */
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** Prisma's error for a unique constraint that refused a second insert. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}

export interface UnitOfWorkOptions {
  /** How long the whole unit may take before it is rolled back (default 20 s). */
  timeoutMs?: number;
  /** How long to wait for a connection to start it (default 5 s). */
  maxWaitMs?: number;
}

/**
 * Units of work: everything the managers do inside `run(fn)` is one database transaction,
 * without passing a transaction object through every signature. The managers are built on
 * `store`, a view of the Prisma client that, while a unit is running in this async context,
 * sends every query to that unit's transaction (and folds a manager's own `$transaction` into
 * it). The Bot runs each command handler as one unit together with the inbox row that records
 * it as done, so a crash leaves either both or neither.
 */
export class UnitOfWork {
  readonly store: Store;
  private readonly current = new AsyncLocalStorage<Tx>();

  constructor(private readonly client: Store) {
    this.store = ambientStore(client, () => this.current.getStore());
  }

  /** Runs `fn` as one transaction; inside an already running unit it simply joins that one. */
  async run<T>(fn: () => Promise<T>, options: UnitOfWorkOptions = {}): Promise<T> {
    if (this.current.getStore()) return fn();
    return this.client.$transaction((tx) => this.current.run(tx as Tx, fn), {
      timeout: options.timeoutMs ?? 20_000,
      maxWait: options.maxWaitMs ?? 5_000,
    });
  }

  /** True while a unit is running in this async context. */
  get active(): boolean {
    return this.current.getStore() !== undefined;
  }
}

function ambientStore(client: Store, current: () => Tx | undefined): Store {
  return new Proxy(client, {
    get(target, property, receiver) {
      const tx = current();
      if (!tx) {
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      if (property === '$transaction') {
        // A manager's own transaction becomes part of the running unit. A batch runs one
        // statement after the other: a transaction is one connection, and pg warns about (and will
        // stop allowing) a query sent while the connection is still busy with the last one.
        return (work: unknown) => (typeof work === 'function' ? (work as (tx: Tx) => unknown)(tx) : inTurn(work as PromiseLike<unknown>[]));
      }
      const value = Reflect.get(tx as object, property);
      return typeof value === 'function' ? value.bind(tx) : value;
    },
  });
}

/** Prisma's queries start when awaited: awaiting each in turn sends them one at a time. */
async function inTurn(queries: PromiseLike<unknown>[]): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const query of queries) results.push(await query);
  return results;
}
