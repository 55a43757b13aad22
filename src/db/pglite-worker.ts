// The thread that runs PGlite. PGlite's WebAssembly blocks whichever thread calls it, so it runs
// here and the main thread (HTTP server, Slack acks, gateway heartbeats) stays free. Started
// by pglite-bridge.ts; speaks the messages in pglite-protocol.ts.
//
// Semantics are PGlite's own because every call lands on a real PGlite: a transaction is a real
// PGlite.transaction() whose callback waits here for the main thread's statements, so queries
// outside it wait on PGlite's transaction mutex exactly as they would in-process.
import { parentPort, workerData } from 'node:worker_threads';
import { messages, PGlite, type ParserOptions, type Results, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { DumpResult, Request, Response, SerializedError, WorkerInit, WorkerReady } from './pglite-protocol.ts';

if (!parentPort) throw new Error('pglite-worker.ts runs as a worker thread (see pglite-bridge.ts)');
const port = parentPort;
const init = workerData as WorkerInit;

interface OpenTransaction {
  tx: Transaction;
  /** Lets PGlite's transaction callback return (commit) or throw (roll back). */
  finish(commit: boolean): void;
  /** PGlite.transaction()'s own promise: settles after COMMIT or ROLLBACK. */
  done: Promise<unknown>;
}

const transactions = new Map<number, OpenTransaction>();
let nextTransaction = 1;

/** Rolled back on the caller's side; the caller rethrows its own error, not this one. */
class CallerRollback extends Error {}

function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { database: false, name: 'Error', message: String(error), fields: {} };
  const fields: SerializedError['fields'] = {};
  for (const [key, value] of Object.entries(error)) {
    if (['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value as string | number | boolean;
  }
  // DatabaseError is the class pglite-prisma-adapter checks to map codes (23505 → P2002, …).
  const database = error instanceof messages.DatabaseError;
  return { database, name: error.name, message: error.message, stack: error.stack, fields };
}

// Identity parsers for the types the caller parses itself, one map per distinct set (the
// adapter always passes the same set).
const rawParserCache = new Map<string, ParserOptions>();
function rawParsers(types: number[]): ParserOptions | undefined {
  if (types.length === 0) return undefined;
  const key = types.join(',');
  let parsers = rawParserCache.get(key);
  if (!parsers) {
    parsers = Object.fromEntries(types.map((type) => [type, (value: string) => value]));
    rawParserCache.set(key, parsers);
  }
  return parsers;
}

function transaction(tx: number): Transaction {
  const open = transactions.get(tx);
  if (!open) throw new Error('Transaction is closed');
  return open.tx;
}

// Transactions are admitted here, one at a time, instead of all waiting on PGlite's own FIFO
// mutex. A statement outside a transaction (the inbox row written before Slack is told "got
// it", a lookup) is short; a transaction is interactive and holds PGlite across round trips to
// the main thread. In one FIFO, an ack under a burst waited for every transaction queued before
// it. Now a standalone statement waits at most for the one transaction that is running; queued
// transactions go after the standalone statements that arrived meanwhile, but none waits longer
// than TRANSACTION_MAX_WAIT_MS for them (no starvation under a steady stream).
const TRANSACTION_MAX_WAIT_MS = 250;
const admissions: Array<{ since: number; admit(): void }> = [];
let transactionAdmitted = false;
let standaloneRunning = 0;
let admissionTimer: ReturnType<typeof setTimeout> | undefined;

function admitTransaction(): Promise<void> {
  return new Promise((admit) => {
    admissions.push({ since: Date.now(), admit });
    pumpAdmissions();
  });
}

function transactionFinished(): void {
  transactionAdmitted = false;
  pumpAdmissions();
}

function pumpAdmissions(): void {
  if (transactionAdmitted || admissions.length === 0) return;
  const waited = Date.now() - admissions[0]!.since;
  if (standaloneRunning > 0 && waited < TRANSACTION_MAX_WAIT_MS) {
    admissionTimer ??= setTimeout(() => {
      admissionTimer = undefined;
      pumpAdmissions();
    }, TRANSACTION_MAX_WAIT_MS - waited);
    return;
  }
  if (admissionTimer) clearTimeout(admissionTimer);
  admissionTimer = undefined;
  transactionAdmitted = true;
  admissions.shift()!.admit();
}

/** A statement outside any transaction: counted, so queued transactions let it go first. */
async function standalone<T>(work: () => Promise<T>): Promise<T> {
  standaloneRunning++;
  try {
    return await work();
  } finally {
    standaloneRunning--;
    pumpAdmissions();
  }
}

/** Resolves with the transaction's number once PGlite has run BEGIN and entered the callback. */
async function begin(): Promise<number> {
  await admitTransaction();
  return new Promise<number>((resolve, reject) => {
    const id = nextTransaction++;
    let entered = false;
    const done = db.transaction(async (tx) => {
      entered = true;
      const decided = new Promise<void>((commit, rollback) => {
        transactions.set(id, {
          tx,
          finish: (ok) => (ok ? commit() : rollback(new CallerRollback())),
          done,
        });
      });
      resolve(id);
      await decided;
    });
    // BEGIN itself failed: nothing was entered, the caller's begin fails.
    done.catch((error) => {
      if (!entered) reject(error);
    });
    // Committed or rolled back (or never begun): the next transaction may go.
    done.then(transactionFinished, transactionFinished);
  });
}

async function end(id: number, commit: boolean): Promise<null> {
  const open = transactions.get(id);
  if (!open) throw new Error('Transaction is closed');
  open.finish(commit);
  try {
    await open.done;
  } catch (error) {
    if (!(error instanceof CallerRollback)) throw error;
  } finally {
    transactions.delete(id);
  }
  return null;
}

async function dump(compression: 'none' | 'gzip' | 'auto'): Promise<DumpResult> {
  const blob = await db.dumpDataDir(compression);
  return { bytes: await blob.arrayBuffer(), type: blob.type };
}

async function run(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'query': {
      const options = { rowMode: request.rowMode, parsers: rawParsers(request.rawTypes) };
      if (request.tx !== undefined) return transaction(request.tx).query(request.sql, request.params, options);
      return standalone(() => db.query(request.sql, request.params, options));
    }
    case 'exec': {
      const options = { rowMode: request.rowMode, parsers: rawParsers(request.rawTypes) };
      if (request.tx !== undefined) return transaction(request.tx).exec(request.sql, options);
      return standalone(() => db.exec(request.sql, options));
    }
    case 'begin':
      return begin();
    case 'rollback':
      return transaction(request.tx).rollback().then(() => null);
    case 'end':
      return end(request.tx, request.commit);
    case 'dump':
      return dump(request.compression);
    case 'close':
      if (!db.closed) await db.close();
      return null;
  }
}

function send(response: Response): void {
  const bytes = response.ok ? (response.result as Partial<DumpResult> | null)?.bytes : undefined;
  port.postMessage(response, bytes instanceof ArrayBuffer ? [bytes] : []);
}

// Results carry Date, Uint8Array, bigint, arrays and parsed JSON: all structured-clonable.
function reply(id: number, result: Promise<unknown>): void {
  result.then(
    (value) => send({ id, ok: true, result: value as Results | unknown }),
    (error) => send({ id, ok: false, error: serializeError(error) }),
  );
}

let db: PGlite;
try {
  db = await PGlite.create({
    ...(init.dataDir ? { dataDir: init.dataDir } : {}),
    ...(init.loadDataDir ? { loadDataDir: new Blob([init.loadDataDir]) } : {}),
    extensions: { pg_trgm },
  });
  port.on('message', (request: Request) => reply(request.id, Promise.resolve().then(() => run(request))));
  port.postMessage({ type: 'ready' } satisfies WorkerReady);
} catch (error) {
  port.postMessage({ type: 'failed', error: serializeError(error) } satisfies WorkerReady);
}
