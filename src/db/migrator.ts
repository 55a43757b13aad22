// Applies prisma/migrations/<timestamp>_<name>/migration.sql at start-up, without Prisma's native
// schema engine (not available offline). It keeps Prisma's own bookkeeping table,
// `_prisma_migrations`, exactly as `prisma migrate deploy` writes it, so the real CLI agrees
// with us afterwards (`prisma migrate status`: "Database schema is up to date").
//
// It talks to the database through a two-method SqlExecutor, so the same code runs on an
// embedded PGlite and on a PostgreSQL server (and on scratch databases in dev tools).
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { PGliteLike } from './pglite-bridge.ts';

/** The lock id Prisma Migrate itself takes, so our start-up and a CLI deploy exclude each other. */
export const PRISMA_MIGRATE_LOCK_ID = 72707369;

/** The project root's prisma/migrations, found from this file rather than the cwd. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** The smallest surface the migrator needs; both PGlite and a pg Client provide it. */
export interface SqlExecutor {
  /** Runs a script of one or more statements (simple query protocol, no parameters). */
  exec(sql: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  query<Row extends object>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** PGlite in its worker thread (PGliteBridge) or in-process: both have query and exec. */
export function pgliteExecutor(db: Pick<PGliteLike, 'query' | 'exec'>): SqlExecutor {
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <Row extends object>(sql: string, params?: unknown[]) => (await db.query<Row>(sql, params)).rows,
  };
}

/** A single pg connection (not a Pool): the advisory lock belongs to one session. */
export function pgClientExecutor(client: pg.Client): SqlExecutor {
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <Row extends object>(sql: string, params?: unknown[]) =>
      (await client.query(sql, params as unknown[] | undefined)).rows as Row[],
  };
}

export interface MigrationFile {
  /** The folder name, e.g. 20250101120000_init; Prisma's migration_name. */
  name: string;
  sql: string;
  /** Lowercase hex SHA-256 of the exact file text, as Prisma computes it. */
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export interface MigrateOptions {
  dir?: string;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/** Start-up refuses to continue; the message names the migration and what to do. */
export class MigrationError extends Error {
  constructor(
    readonly migrationName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Migration folders in name order (the timestamp prefix makes that chronological). */
export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const files: MigrationFile[] = [];
  for (const name of folders) {
    const file = path.join(dir, name, 'migration.sql');
    // Prisma ignores folders without a migration.sql the same way.
    if (!existsSync(file)) continue;
    const sql = await readFile(file, 'utf8');
    files.push({ name, sql, checksum: checksumOf(sql) });
  }
  return files;
}

// The table as Prisma's schema engine creates it on PostgreSQL (same names, types, defaults).
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/**
 * Brings the database up to the migrations folder. Safe to call from several processes at
 * once: everything after the advisory lock sees the work of whoever held it before.
 */
export async function migrate(db: SqlExecutor, options: MigrateOptions = {}): Promise<MigrateResult> {
  const files = await readMigrations(options.dir);
  // Blocks while another process (ours or `prisma migrate deploy`) is migrating.
  await db.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_ID]);
  let succeeded = false;
  try {
    await db.exec(CREATE_MIGRATIONS_TABLE);
    const applied = await appliedMigrations(db);
    checkHistory(files, applied, options.logger);
    const done = new Set(applied.map((row) => row.migration_name));
    const pending = files.filter((file) => !done.has(file.name));
    for (const file of pending) {
      await applyOne(db, file);
      options.logger?.info({ migration: file.name }, 'database migration applied');
    }
    succeeded = true;
    return { applied: pending.map((f) => f.name), alreadyApplied: files.length - pending.length };
  } finally {
    // After a failure the connection may be gone; the original error is the one to report.
    await db.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_ID]).catch((error: unknown) => {
      if (succeeded) throw error;
    });
  }
}

/** Rows that count: Prisma ignores migrations marked rolled back (`migrate resolve --rolled-back`). */
async function appliedMigrations(db: SqlExecutor): Promise<AppliedRow[]> {
  return db.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
     WHERE rolled_back_at IS NULL ORDER BY started_at, migration_name`,
  );
}

/** Refuses a history we cannot safely build on: an edited file or a half-finished migration. */
function checkHistory(files: MigrationFile[], applied: AppliedRow[], logger?: MigrateOptions['logger']): void {
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const row of applied) {
    if (row.finished_at === null) {
      throw new MigrationError(
        row.migration_name,
        `Migration ${row.migration_name} failed earlier and was never completed (finished_at is empty in _prisma_migrations). ` +
          `Check the database, fix it by hand, then mark it with \`prisma migrate resolve --applied ${row.migration_name}\` ` +
          `or \`--rolled-back ${row.migration_name}\` before starting again.`,
      );
    }
    const file = byName.get(row.migration_name);
    if (!file) {
      // The database is ahead of this code (e.g. a rolled-back deploy); carry on but say so.
      logger?.warn({ migration: row.migration_name }, 'database has a migration this version does not know');
      continue;
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        row.migration_name,
        `Migration ${row.migration_name} was edited after it was applied: the checksum of ` +
          `prisma/migrations/${row.migration_name}/migration.sql (${file.checksum}) differs from the one recorded ` +
          `in _prisma_migrations (${row.checksum}). Restore the original file and put the change in a new migration ` +
          `(npm run db:diff -- <name>).`,
      );
    }
  }
}

/**
 * One migration in one transaction, its _prisma_migrations row included, so a failure leaves
 * nothing behind but an audit row marked rolled back (which Prisma, too, treats as not applied).
 */
async function applyOne(db: SqlExecutor, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  await db.exec('BEGIN');
  try {
    await db.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, file.checksum, file.name],
    );
    await db.exec(file.sql);
    await db.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await db.exec('COMMIT');
  } catch (error) {
    // Best effort: if the connection itself failed, the migration error is still what matters.
    await db
      .exec('ROLLBACK')
      .then(() => recordFailure(db, file, error))
      .catch(() => {});
    throw new MigrationError(file.name, `Migration ${file.name} failed and was rolled back: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function recordFailure(db: SqlExecutor, file: MigrationFile, error: unknown): Promise<void> {
  await db.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
     VALUES ($1, $2, $3, $4, now(), now(), 0)`,
    [randomUUID(), file.checksum, file.name, String((error as Error).stack ?? error)],
  );
}
