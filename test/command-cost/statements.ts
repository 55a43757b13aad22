// Counts the SQL statements a database gets, whichever backend: on PostgreSQL every query the
// pg clients send (pg.Client.prototype.query, which Prisma's pg adapter uses for its BEGIN and
// COMMIT too), on PGlite every statement handed to the worker thread (a transaction is its
// BEGIN and COMMIT plus what runs in it). Statements per command are what a command costs: one
// is about 1 ms of Prisma and round trip on PostgreSQL, 2 ms on PGlite.
import pg from 'pg';
import type { PGliteLike, PGliteTransactionLike } from '../../src/db/pglite-bridge.ts';
import type { TestDatabase } from '../support/db.ts';

export interface StatementCounter {
  /** The statements since start, first words only (no values: enough to see what they were). */
  readonly statements: string[];
  /** Stops counting and puts the original methods back. */
  stop(): void;
}

export function countStatements(db: TestDatabase): StatementCounter {
  const statements: string[] = [];
  const note = (sql: unknown) => statements.push(summary(sql));
  if (db.kind === 'postgres') return countPg(statements, note);
  return countPGlite(db.pglite!, statements, note);
}

function countPg(statements: string[], note: (sql: unknown) => void): StatementCounter {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    note(args[0]);
    return original.apply(this, args);
  };
  return { statements, stop: () => void (proto.query = original) };
}

function countPGlite(bridge: PGliteLike, statements: string[], note: (sql: unknown) => void): StatementCounter {
  const target = bridge as { -readonly [K in keyof PGliteLike]: PGliteLike[K] };
  const { query, exec, transaction } = target;
  target.query = (sql, ...rest) => (note(sql), query.call(bridge, sql, ...rest)) as never;
  target.exec = (sql, ...rest) => (note(sql), exec.call(bridge, sql, ...rest));
  target.transaction = <T>(callback: (tx: PGliteTransactionLike) => Promise<T>): Promise<T> => {
    note('BEGIN');
    return transaction
      .call(bridge, (tx: PGliteTransactionLike): Promise<T> => {
        const counted: PGliteTransactionLike = {
          query: (sql, ...rest) => (note(sql), tx.query(sql, ...rest)) as never,
          exec: (sql, ...rest) => (note(sql), tx.exec(sql, ...rest)),
          rollback: () => tx.rollback(),
          get closed() {
            return tx.closed;
          },
        };
        return callback(counted);
      })
      .finally(() => note('COMMIT')) as Promise<T>;
  };
  return {
    statements,
    stop: () => Object.assign(target, { query, exec, transaction }),
  };
}

/** `SELECT … FROM "Member"` → `SELECT Member`: the verb and the first table named. */
function summary(sql: unknown): string {
  const text = typeof sql === 'string' ? sql : typeof sql === 'object' && sql !== null && 'text' in sql ? String((sql as { text: unknown }).text) : String(sql);
  const verb = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? '?';
  const table = /(?:FROM|INTO|UPDATE|JOIN)\s+(?:"public"\.)?"(\w+)"/i.exec(text)?.[1];
  return table ? `${verb} ${table}` : verb;
}
