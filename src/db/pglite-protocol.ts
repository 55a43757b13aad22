// The messages between the main thread (pglite-bridge.ts) and the thread that runs PGlite
// (pglite-worker.ts). Everything here must survive the structured clone: no functions, no class
// instances except what the clone algorithm knows (Date, Uint8Array, ArrayBuffer, BigInt, Map).

/** What the worker opens: a folder on disk, a dump to load into memory, or an empty memory db. */
export interface WorkerInit {
  dataDir?: string;
  /** A dumpDataDir() tarball, transferred as bytes (a Blob is not transferable). */
  loadDataDir?: ArrayBuffer;
}

/** The first message from the worker: PGlite is open (or could not be). */
export type WorkerReady = { type: 'ready' } | { type: 'failed'; error: SerializedError };

/**
 * `tx` names an open transaction (from `begin`); without it the statement runs on the database
 * as PGlite's own query() does, waiting for any open transaction to finish first.
 * `rawTypes` are the type OIDs the caller parses itself (its QueryOptions.parsers, which are
 * functions and cannot cross): the worker leaves those values as PostgreSQL's text.
 */
export type Request =
  | { id: number; op: 'query'; sql: string; params: unknown[]; rowMode?: 'array' | 'object'; rawTypes: number[]; tx?: number }
  | { id: number; op: 'exec'; sql: string; rowMode?: 'array' | 'object'; rawTypes: number[]; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'rollback'; tx: number }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'dump'; compression: 'none' | 'gzip' | 'auto' }
  | { id: number; op: 'close' };

/** A request before the bridge numbers it (Omit distributed over the union). */
export type RequestBody = Request extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: SerializedError };

/** An error as plain data; `database` ones become PGlite's messages.DatabaseError again. */
export interface SerializedError {
  database: boolean;
  name: string;
  message: string;
  stack?: string;
  /** code, severity, detail, hint, constraint, column, length, … (primitive values only). */
  fields: Record<string, string | number | boolean | undefined>;
}

/** Dump results travel as bytes plus the Blob's type. */
export interface DumpResult {
  bytes: ArrayBuffer;
  type: string;
}
