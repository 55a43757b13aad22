// Databases for tests, fast enough to give each test (or each file) its own.
//   PGlite: one migrated + seeded template per test process, cloned from its dump (≈0.5 s
//           instead of ≈4 s for a new in-memory PGlite plus migrations). Every PGlite here runs
//           in its worker thread (PGliteBridge), as the bot's does, so the tests exercise it.
//   PostgreSQL (only when TEST_DATABASE_URL is set, see scripts/test-postgres.sh): a uniquely
//           named database on that server, migrated and seeded, dropped on close().
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  createPGlite,
  openDatabase,
  pgliteDatabase,
  type Database,
  type DatabaseKind,
  type OpenDatabaseOptions,
} from '../../src/db/index.ts';
import { migrate, pgClientExecutor, pgliteExecutor, type SqlExecutor } from '../../src/db/migrator.ts';
import type { PGliteBridge } from '../../src/db/pglite-bridge.ts';
import { seedOrganisations } from '../../src/db/seed.ts';
import { migratedDataDir } from './data-dir.ts';

export interface TestDatabase extends Database {
  /** The PGlite behind a 'pglite' database (for the schema engine, raw SQL). */
  pglite?: PGliteBridge;
  /** The connection URL of a 'postgres' database. */
  url?: string;
}

/** Files that run on both databases whenever there is a server: the database layer itself. */
const BOTH_ALWAYS = [/\/test\/db\//, /\/test\/chaos\//, /\/test\/privacy\/(erase-bytes|key-rotation|audit-chain|audit-head)\./];

/**
 * PGlite always; with TEST_DATABASE_URL pointing at a server, the database layer's files run on
 * both, and every other file on one of the two, chosen by its path (stable, about half each),
 * so `npm test` stays within CI's 15 minutes while both databases carry every area somewhere.
 * TEST_BACKENDS=all runs every file on both (before a release, or after a database change).
 */
export function testBackends(): DatabaseKind[] {
  if (!process.env.TEST_DATABASE_URL) return ['pglite'];
  if (process.env.TEST_BACKENDS === 'all') return ['pglite', 'postgres'];
  const file = /\/test\/[^\s:)]+\.test\.ts/.exec(new Error().stack ?? '')?.[0];
  if (!file || BOTH_ALWAYS.some((pattern) => pattern.test(file))) return ['pglite', 'postgres'];
  const hash = [...file.slice(file.lastIndexOf('/test/'))].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) >>> 0, 7);
  return [hash % 2 === 0 ? 'pglite' : 'postgres'];
}

/** A migrated, seeded database of its own; close() releases (and on postgres drops) it. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return kind === 'pglite' ? clonePGliteTemplate() : createPostgresDatabase();
}

let template: Promise<Blob> | undefined;

/**
 * Once per process, keeps only the dump (a PGlite holds ~200 MB). Made from the run's migrated
 * data folder (data-dir.ts), which is built once for all test processes: a new in-memory
 * PGlite runs initdb and every migration, about 12 s of CPU.
 */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const dataDir = migratedDataDir('template');
    try {
      const pglite = await createPGlite({ dataDir: path.join(dataDir, 'pglite') });
      await migrate(pgliteExecutor(pglite));
      const db = pgliteDatabase(pglite);
      await seedOrganisations(db.prisma);
      await db.prisma.$disconnect();
      const dump = await pglite.dumpDataDir('none');
      await pglite.close();
      return dump;
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  })();
  return template;
}

async function clonePGliteTemplate(): Promise<TestDatabase> {
  const pglite = await createPGlite({ loadDataDir: await pgliteTemplate() });
  return { ...pgliteDatabase(pglite), pglite };
}

let counter = 0;

/** A database name no other test process picks: pid, counter and a random suffix. */
function uniqueDatabaseName(): string {
  return `binnenuit_t${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set (start one: bash scripts/test-postgres.sh start)');
  return url;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs one statement on the server's own database (CREATE/DROP DATABASE need that). */
async function onServer(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = uniqueDatabaseName();
  await onServer(`CREATE DATABASE "${name}"`);
  const url = withDatabase(serverUrl(), name);
  const db = await openDatabase({ databaseUrl: url, dataDir: tmpdir() }).catch(async (error) => {
    await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw error;
  });
  return {
    ...db,
    url,
    close: async () => {
      await db.close();
      await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * Empties every table except Prisma's migration history and seeds again, for files that share
 * one database between tests (13 ms on PGlite, instead of a new database per test).
 */
export async function truncateAll(db: Database): Promise<void> {
  const tables = await db.prisma.$queryRaw<Array<{ tablename: string }>>`
    SELECT tablename FROM pg_tables
    WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`;
  if (tables.length > 0) {
    const list = tables.map((t) => `"${t.tablename.replaceAll('"', '""')}"`).join(', ');
    await db.prisma.$executeRawUnsafe(`TRUNCATE ${list} RESTART IDENTITY CASCADE`);
  }
  await seedOrganisations(db.prisma);
}

/**
 * A database with nothing in it yet (no migrations), for tests of start-up itself. Open it
 * with openDatabase(blank.options), or connect() for raw SQL. A PGlite one lives in a temp
 * data dir, so it can be closed and reopened; only one connect()/open may hold it at a time.
 */
export interface BlankDatabase {
  kind: DatabaseKind;
  options: OpenDatabaseOptions;
  /** A raw connection (PGlite on the data dir, or one pg Client) for the migrator or checks. */
  connect(): Promise<{ sql: SqlExecutor; pglite?: PGliteBridge; close(): Promise<void> }>;
  /** Deletes the data dir / drops the database. */
  destroy(): Promise<void>;
}

let emptyDump: Promise<Blob> | undefined;

/** An initialised but empty cluster, once per process. */
function emptyPGliteDump(): Promise<Blob> {
  emptyDump ??= (async () => {
    const pglite = await createPGlite();
    const dump = await pglite.dumpDataDir('none');
    await pglite.close();
    return dump;
  })();
  return emptyDump;
}

export async function createBlankDatabase(kind: DatabaseKind): Promise<BlankDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'binnenuit-test-'));
  if (kind === 'pglite') {
    return {
      kind,
      options: { dataDir },
      connect: async () => {
        const dir = path.join(dataDir, 'pglite');
        // First connect: unpack an empty cluster (1.3 s) instead of running initdb (3 s).
        const fresh = !existsSync(dir);
        if (fresh) await mkdir(dir, { recursive: true });
        const pglite = await createPGlite({ dataDir: dir, ...(fresh ? { loadDataDir: await emptyPGliteDump() } : {}) });
        return { sql: pgliteExecutor(pglite), pglite, close: () => pglite.close() };
      },
      destroy: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const name = uniqueDatabaseName();
  await onServer(`CREATE DATABASE "${name}"`);
  const url = withDatabase(serverUrl(), name);
  return {
    kind,
    options: { dataDir, databaseUrl: url },
    connect: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return { sql: pgClientExecutor(client), close: () => client.end() };
    },
    destroy: async () => {
      await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
