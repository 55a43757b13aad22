// PGlite in a worker thread, seen from the main thread. PGlite runs its WebAssembly on the thread
// that calls it; in-process, every query blocked the event loop, and under a burst of Slack
// requests the HTTP server could not ack within Slack's 3 seconds. Here the main thread only
// posts messages and parses the replies (pglite-worker.ts runs the database).
//
// The surface is what our code and pglite-prisma-adapter 0.7.2 use of PGlite: query (rowMode,
// parsers), exec, transaction (query, exec, rollback, closed), dumpDataDir, close, closed.
// (PGlite's own PGliteWorker needs navigator.locks and BroadcastChannel: browsers only.)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { messages, type ParserOptions, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';
import type { DumpResult, Request, RequestBody, Response, SerializedError, WorkerInit, WorkerReady } from './pglite-protocol.ts';

/** What the adapter, the migrator and the tests need of a PGlite; PGlite itself fits it too. */
export interface PGliteLike {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
  transaction<T>(callback: (tx: PGliteTransactionLike) => Promise<T>): Promise<T>;
  dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob>;
  close(): Promise<void>;
  readonly closed: boolean;
}

export interface PGliteTransactionLike {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

export interface BridgeOptions {
  /** A folder for the database files; without it (and without loadDataDir) it lives in memory. */
  dataDir?: string;
  /** Start from a dumpDataDir() tarball (tests clone a migrated template this way). */
  loadDataDir?: Blob;
}

// The worker is TypeScript. tsx's loader does not reach a worker's entry module through
// execArgv on Node 20 (ERR_UNKNOWN_FILE_EXTENSION), so a tiny plain-JS entry registers tsx's ESM
// hooks inside the thread first and then imports the worker. Works under `npm start` (tsx) and
// under vitest (whose own transform does not reach worker threads either).
// Compiled by `npm run build` (this file is then .js), the worker is plain JavaScript next to it
// and starts without tsx: start-up pays for no TypeScript transform.
const compiled = import.meta.url.endsWith('.js');
const workerFile = new URL(compiled ? './pglite-worker.js' : './pglite-worker.ts', import.meta.url).href;
const workerEntry = compiled
  ? `import(${JSON.stringify(workerFile)});`
  : `import(${JSON.stringify(tsxEsmApi())}).then(({ register }) => { register(); return import(${JSON.stringify(workerFile)}); });`;

/** tsx's ESM API module (require.resolve would give its CommonJS twin, which cannot register). */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = JSON.parse(readFileSync(manifest, 'utf8')).exports as Record<string, { import: { default: string } }>;
  return pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api']!.import.default)).href;
}

/** Rebuilds the error the adapter expects: a DatabaseError with code, detail, … for 23505 → P2002. */
function reviveError(serialized: SerializedError): Error {
  const error = serialized.database
    ? new messages.DatabaseError(serialized.message, Number(serialized.fields.length ?? 0), 'error')
    : new Error(serialized.message);
  Object.assign(error, serialized.fields);
  (error as { name: string }).name = serialized.name;
  // Where the caller awaited, then where PGlite threw.
  if (serialized.stack) error.stack = `${error.stack}\n    --- in the PGlite worker ---\n${serialized.stack}`;
  return error;
}

/** The type OIDs a caller parses itself; remembered per parsers object (the adapter has one). */
const rawTypeCache = new WeakMap<ParserOptions, number[]>();
function rawTypesOf(parsers: ParserOptions | undefined): number[] {
  if (!parsers) return [];
  let types = rawTypeCache.get(parsers);
  if (!types) {
    types = Object.keys(parsers).map(Number);
    rawTypeCache.set(parsers, types);
  }
  return types;
}

/** Applies the caller's parsers to the values the worker left as text (null stays null). */
function applyParsers(results: Results[], options: QueryOptions | undefined): void {
  const parsers = options?.parsers;
  if (!parsers) return;
  for (const result of results) {
    const columns = result.fields
      // PGlite calls a parser with the type too (its typing shows only the value).
      .map((field, index) => ({ field, index, parse: parsers[field.dataTypeID] as ((value: string, type: number) => unknown) | undefined }))
      .filter((column) => column.parse);
    if (columns.length === 0) continue;
    for (const row of result.rows as unknown[]) {
      for (const { field, index, parse } of columns) {
        if (options?.rowMode === 'array') {
          const values = row as unknown[];
          if (values[index] !== null) values[index] = parse!(values[index] as string, field.dataTypeID);
        } else {
          // Object rows keep the last column of a repeated name, as PGlite does.
          const record = row as Record<string, unknown>;
          if (result.fields.findLastIndex((f) => f.name === field.name) !== index) continue;
          if (record[field.name] !== null) record[field.name] = parse!(record[field.name] as string, field.dataTypeID);
        }
      }
    }
  }
}

type Pending = { resolve(value: unknown): void; reject(error: Error): void };
type Statement = { op: 'query'; sql: string; params: unknown[] } | { op: 'exec'; sql: string };

export class PGliteBridge implements PGliteLike {
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (response: Response) => this.#settle(response));
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => this.#fail(new Error(`PGlite worker exited (code ${code})`)));
  }

  /** Starts the worker and waits until PGlite is open (migrations are the caller's). */
  static async create(options: BridgeOptions = {}): Promise<PGliteBridge> {
    const init: WorkerInit = { dataDir: options.dataDir };
    const transfer: ArrayBuffer[] = [];
    if (options.loadDataDir) {
      init.loadDataDir = await options.loadDataDir.arrayBuffer();
      transfer.push(init.loadDataDir);
    }
    const worker = new Worker(workerEntry, { eval: true, workerData: init, transferList: transfer });
    const ready = await new Promise<WorkerReady>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`PGlite worker exited before it was ready (code ${code})`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (message: WorkerReady) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        resolve(message);
      });
    }).catch(async (error: Error) => {
      await worker.terminate();
      throw error;
    });
    if (ready.type === 'failed') {
      await worker.terminate();
      throw reviveError(ready.error);
    }
    return new PGliteBridge(worker);
  }

  get closed(): boolean {
    return this.#closed;
  }

  query<T>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    return this.#statement({ op: 'query', sql, params }, options) as Promise<Results<T>>;
  }

  exec(sql: string, options?: QueryOptions): Promise<Results[]> {
    return this.#statement({ op: 'exec', sql }, options) as Promise<Results[]>;
  }

  /**
   * The callback's statements run inside one PGlite transaction on the worker, in the order
   * they are sent; anything else waits for it there, as in-process. Commits when the callback
   * resolves, rolls back (and rethrows) when it throws.
   */
  async transaction<T>(callback: (tx: PGliteTransactionLike) => Promise<T>): Promise<T> {
    const id = (await this.#call({ op: 'begin' })) as number;
    let closed = false;
    const check = () => {
      if (closed) throw new Error('Transaction is closed');
    };
    const tx: PGliteTransactionLike = {
      query: async <R>(sql: string, params: unknown[] = [], options?: QueryOptions) => {
        check();
        return (await this.#statement({ op: 'query', sql, params }, options, id)) as Results<R>;
      },
      exec: async (sql: string, options?: QueryOptions) => {
        check();
        return (await this.#statement({ op: 'exec', sql }, options, id)) as Results[];
      },
      rollback: async () => {
        check();
        await this.#call({ op: 'rollback', tx: id });
        closed = true;
      },
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await callback(tx);
    } catch (error) {
      closed = true;
      await this.#call({ op: 'end', tx: id, commit: false });
      throw error;
    }
    closed = true;
    await this.#call({ op: 'end', tx: id, commit: true });
    return result;
  }

  async dumpDataDir(compression: 'none' | 'gzip' | 'auto' = 'auto'): Promise<Blob> {
    const dump = (await this.#call({ op: 'dump', compression })) as DumpResult;
    return new Blob([dump.bytes], { type: dump.type });
  }

  /** Closes PGlite (which writes everything to disk), then ends the thread. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#call({ op: 'close' });
      } finally {
        this.#closed = true;
        await this.worker.terminate();
      }
    })();
    return this.#closing;
  }

  async #statement(statement: Statement, options: QueryOptions | undefined, tx?: number): Promise<unknown> {
    const rawTypes = rawTypesOf(options?.parsers);
    const result = await this.#call({ ...statement, rowMode: options?.rowMode, rawTypes, tx });
    applyParsers(statement.op === 'exec' ? (result as Results[]) : [result as Results], options);
    return result;
  }

  #call(request: RequestBody): Promise<unknown> {
    if (this.#closed || (this.#closing && request.op !== 'close')) {
      return Promise.reject(new Error('PGlite is closed'));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as Request);
    });
  }

  #settle(response: Response): void {
    const pending = this.#pending.get(response.id);
    if (!pending) return;
    this.#pending.delete(response.id);
    if (response.ok) pending.resolve(response.result);
    else pending.reject(reviveError(response.error));
  }

  /** The thread died (a crash in PGlite, or terminate): nothing pending will ever answer. */
  #fail(error: Error): void {
    this.#closed = true;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

/** For pglite-prisma-adapter, whose constructor is typed with PGlite's full class. */
export function asPGlite(db: PGliteLike): PGlite {
  return db as unknown as PGlite;
}
