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

export interface UnitOfWorkOptions<T = unknown> {
  /** How long the transaction may stay open before it is rolled back (default 20 s). */
  timeoutMs?: number;
  /** How long to wait for a connection to start it (default 5 s). */
  maxWaitMs?: number;
  /**
   * The unit's closing write, given its result (the inbox's DONE mark): it commits together
   * with what the unit wrote. A unit that wrote nothing skips it, having nothing to commit.
   */
  closingWrite?: (result: T) => Promise<unknown>;
}

/**
 * Units of work: everything the managers do inside `run(fn)` is one database transaction,
 * without passing a transaction object through every signature. The managers are built on
 * `store`, a view of the Prisma client that, while a unit is running in this async context,
 * sends every query to that unit's transaction (and folds a manager's own `$transaction` into
 * it). The Bot runs each command handler as one unit together with the inbox row that records
 * it as done, so a crash leaves either both or neither.
 *
 * The transaction begins at the unit's first write, not at `run`: most commands only read, and
 * BEGIN and COMMIT were a third of their statements. Under READ COMMITTED (the default, used
 * everywhere here) every statement sees what was committed when it started, inside a
 * transaction or not, so a read before the BEGIN sees what it would have seen after it. What
 * counts as a write: every Prisma method but the find, count, aggregate and groupBy ones,
 * `$executeRaw`, a manager's own `$transaction`, and raw SQL unless it is a plain SELECT that
 * neither locks nor writes (see `readsOnly`). When in doubt, it is a write.
 */
export class UnitOfWork {
  readonly store: Store;
  private readonly current = new AsyncLocalStorage<LazyTransaction>();

  constructor(private readonly client: Store) {
    this.store = ambientStore(client, () => this.current.getStore());
  }

  /** Runs `fn` as one transaction; inside an already running unit it simply joins that one. */
  async run<T>(fn: () => Promise<T>, options: UnitOfWorkOptions<T> = {}): Promise<T> {
    const running = this.current.getStore();
    if (running) {
      const result = await fn();
      if (running.begun) await options.closingWrite?.(result);
      return result;
    }
    const unit = new LazyTransaction(this.client, { timeout: options.timeoutMs ?? 20_000, maxWait: options.maxWaitMs ?? 5_000 });
    return this.current.run(unit, async () => {
      try {
        const result = await fn();
        if (unit.begun) await options.closingWrite?.(result);
        await unit.commit();
        return result;
      } catch (error) {
        await unit.rollback();
        throw error;
      }
    });
  }

  /** True while a unit is running in this async context. */
  get active(): boolean {
    return this.current.getStore() !== undefined;
  }
}

/** The transaction of one unit, begun by its first write (Prisma's interactive transaction held open). */
class LazyTransaction {
  /** Set once BEGIN ran: every later query of the unit goes here. */
  tx: Tx | undefined;
  private opening: Promise<Tx> | undefined;
  private finished: Promise<unknown> | undefined;
  private decide: { commit(): void; rollback(reason: Error): void } | undefined;

  constructor(
    private readonly client: Store,
    private readonly options: { timeout: number; maxWait: number },
  ) {}

  /** Something in the unit wrote (or asked for a transaction). */
  get begun(): boolean {
    return this.opening !== undefined;
  }

  begin(): Promise<Tx> {
    this.opening ??= new Promise<Tx>((resolve, reject) => {
      let entered = false;
      this.finished = this.client.$transaction(async (tx) => {
        entered = true;
        const decided = new Promise<void>((commit, rollback) => (this.decide = { commit, rollback }));
        this.tx = tx as Tx;
        resolve(this.tx);
        await decided;
      }, this.options);
      // BEGIN itself failed (no connection in time): the write that wanted it fails.
      this.finished.catch((error: unknown) => {
        if (!entered) reject(error);
      });
    });
    return this.opening;
  }

  /** Where a query goes now: the transaction if begun, else the client for a read, else a new transaction. */
  target(write: boolean): Promise<Tx> {
    return write || this.begun ? this.begin() : Promise.resolve(this.client);
  }

  async commit(): Promise<void> {
    if (!this.opening) return;
    await this.opening;
    this.decide!.commit();
    // A transaction Prisma closed for its timeout rejects here: the unit fails as a whole.
    await this.finished;
  }

  async rollback(): Promise<void> {
    if (!this.opening) return;
    const opened = await this.opening.then(
      () => true,
      () => false,
    );
    if (!opened) return;
    this.decide!.rollback(new UnitRolledBack());
    await this.finished!.catch(() => undefined);
  }
}

class UnitRolledBack extends Error {
  constructor() {
    super('unit of work rolled back');
  }
}

const READ_METHODS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy']);
const RAW_METHODS = new Set(['$queryRaw', '$queryRawUnsafe', '$executeRaw', '$executeRawUnsafe']);

function ambientStore(client: Store, current: () => LazyTransaction | undefined): Store {
  return new Proxy(client, {
    get(target, property, receiver) {
      const unit = current();
      if (!unit) {
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      if (property === '$transaction') {
        // A manager's own transaction becomes part of the running unit. A batch runs one
        // statement after the other: a transaction is one connection, and pg warns about (and will
        // stop allowing) a query sent while the connection is still busy with the last one.
        return async (work: unknown) => {
          const tx = await unit.begin();
          return typeof work === 'function' ? (work as (tx: Tx) => unknown)(tx) : inTurn(work as PromiseLike<unknown>[]);
        };
      }
      if (unit.tx) {
        const value = Reflect.get(unit.tx as object, property);
        return typeof value === 'function' ? value.bind(unit.tx) : value;
      }
      if (typeof property === 'string' && RAW_METHODS.has(property)) {
        return (...args: unknown[]) =>
          new DeferredQuery(unit, property.startsWith('$execute') || !readsOnly(args), (db) => (db as unknown as Record<string, (...a: unknown[]) => PromiseLike<unknown>>)[property]!(...args));
      }
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || property.startsWith('$') || typeof value !== 'object' || value === null) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return modelDelegate(unit, property);
    },
  });
}

/** A model (`store.member`) before the unit's transaction began: each call decides where it runs. */
function modelDelegate(unit: LazyTransaction, model: string): unknown {
  return new Proxy(
    {},
    {
      get(_, method) {
        if (typeof method !== 'string') return undefined;
        return (...args: unknown[]) =>
          new DeferredQuery(unit, !READ_METHODS.has(method), (db) => (db as unknown as Record<string, Record<string, (...a: unknown[]) => PromiseLike<unknown>>>)[model]![method]!(...args));
      },
    },
  );
}

/**
 * A query that, like Prisma's own, runs when awaited (so a batch still runs one after the other),
 * and then on the unit's transaction if there is one, else on the client for a read, else on
 * a transaction it begins.
 */
class DeferredQuery implements PromiseLike<unknown> {
  private result: Promise<unknown> | undefined;

  constructor(
    private readonly unit: LazyTransaction,
    private readonly write: boolean,
    private readonly send: (db: Tx) => PromiseLike<unknown>,
  ) {}

  private run(): Promise<unknown> {
    this.result ??= this.unit.target(this.write).then((db) => this.send(db));
    return this.result;
  }

  then<A = unknown, B = never>(onFulfilled?: ((value: unknown) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.run().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<unknown> {
    return this.run().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<unknown> {
    return this.run().finally(onFinally);
  }
}

/**
 * Raw SQL that only reads: one SELECT (or WITH … SELECT) that neither writes nor locks. Anything
 * else, and anything not given as a template, counts as a write. Table names count too ("Update"
 * is a table here): a read mistaken for a write only costs a BEGIN, the reverse would lose atomicity.
 */
export function readsOnly(args: unknown[]): boolean {
  const sql = sqlText(args[0]);
  if (sql === undefined) return false;
  return /^\s*(select|with)\b/i.test(sql) && !/\b(insert|update|delete|merge|nextval|setval|pg_advisory\w*|for\s+(key\s+)?share|lock\s+table)\b/i.test(sql);
}

function sqlText(first: unknown): string | undefined {
  if (typeof first === 'string') return first;
  if (Array.isArray(first) && first.every((part) => typeof part === 'string')) return first.join(' ');
  const strings = (first as { strings?: unknown } | null)?.strings;
  return Array.isArray(strings) ? strings.join(' ') : undefined;
}

/** Prisma's queries start when awaited: awaiting each in turn sends them one at a time. */
async function inTurn(queries: PromiseLike<unknown>[]): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const query of queries) results.push(await query);
  return results;
}
