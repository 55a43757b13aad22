// The database: an embedded PGlite under DATA_DIR by default, or a PostgreSQL server when
// DATABASE_URL is set. Either way openDatabase() returns a migrated, seeded Prisma client; the
// rest of the bot does not know which one it got.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Logger } from 'pino';
import { PrismaClient } from '../generated/prisma/client.ts';
import { migrate, pgClientExecutor, pgliteExecutor } from './migrator.ts';
import { seedOrganisations } from './seed.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** Disconnects Prisma and, for PGlite, closes it (an open PGlite keeps the process alive). */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgresql://… or postgres://…; unset means the embedded PGlite. */
  databaseUrl?: string;
  /** PGlite keeps its files in `${dataDir}/pglite`. */
  dataDir: string;
  logger?: Logger;
  /** PGlite only: keep everything in memory (tests, throwaway consoles). */
  inMemory?: boolean;
  /** Where the migrations are; defaults to the project's prisma/migrations. */
  migrationsDir?: string;
}

/** Opens, migrates and seeds. Throws (after closing what it opened) if any step fails. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const started = performance.now();
  const db = options.databaseUrl ? await openPostgres(options.databaseUrl, options) : await openPGlite(options);
  try {
    const seeded = await seedOrganisations(db.prisma);
    options.logger?.info(
      { kind: db.kind, ms: Math.round(performance.now() - started), ...seeded },
      'database ready',
    );
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Loads a PGlite with the extensions our migrations use; every open must load them. */
export function createPGlite(dataDir?: string): Promise<PGlite> {
  return PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
}

/** Wraps an already migrated PGlite; used by openDatabase and by the test template clones. */
export function pgliteDatabase(pglite: PGlite): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    kind: 'pglite',
    close: async () => {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

async function openPGlite(options: OpenDatabaseOptions): Promise<Database> {
  let dir: string | undefined;
  if (!options.inMemory) {
    dir = path.resolve(options.dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
  }
  const pglite = await createPGlite(dir);
  try {
    await migrate(pgliteExecutor(pglite), { dir: options.migrationsDir, logger: options.logger });
  } catch (error) {
    await pglite.close();
    throw error;
  }
  return pgliteDatabase(pglite);
}

/**
 * Migrates over one dedicated connection (the advisory lock is per session), then hands Prisma
 * its own pool. A `?schema=` in the URL is honoured by both, as Prisma's CLI would.
 */
async function openPostgres(databaseUrl: string, options: OpenDatabaseOptions): Promise<Database> {
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must start with postgresql:// or postgres://');
  }
  const schema = new URL(databaseUrl).searchParams.get('schema') ?? undefined;
  await migratePostgres(databaseUrl, schema, options);
  const adapter = new PrismaPg(
    {
      connectionString: databaseUrl,
      // A server that is down or hangs must fail a request in seconds, not hold it forever:
      // the person is then told to try again, and the pool reconnects once the server is back.
      connectionTimeoutMillis: 2_000,
      query_timeout: 15_000,
    },
    {
      ...(schema ? { schema } : {}),
      // An idle pooled connection dropped by the server must not crash the process.
      onPoolError: (error) => options.logger?.warn({ err: error }, 'database pool error'),
    },
  );
  const prisma = new PrismaClient({ adapter });
  return { prisma, kind: 'postgres', close: () => prisma.$disconnect() };
}

async function migratePostgres(databaseUrl: string, schema: string | undefined, options: OpenDatabaseOptions) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    if (schema) {
      const quoted = `"${schema.replaceAll('"', '""')}"`;
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}; SET search_path TO ${quoted}`);
    }
    await migrate(pgClientExecutor(client), { dir: options.migrationsDir, logger: options.logger });
  } finally {
    await client.end();
  }
}

/** For /healthz: true when a trivial query answers within the timeout. */
export async function isDatabaseHealthy(db: Database, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  const query = db.prisma.$queryRaw`SELECT 1`.then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
