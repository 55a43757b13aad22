// The database: an embedded PGlite under DATA_DIR by default, or a PostgreSQL server when
// DATABASE_URL is set. Either way openDatabase() returns a migrated, seeded Prisma client; the
// rest of the bot does not know which one it got. The embedded one runs in a worker thread
// (pglite-bridge.ts), so database work never blocks the event loop, and holds DATA_DIR's lock
// (data-dir-lock.ts), so a second process cannot open the same files.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Logger } from 'pino';
import { PrismaClient } from '../generated/prisma/client.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { migrate, pgClientExecutor, pgliteExecutor } from './migrator.ts';
import type { BridgeOptions, PGliteBridge, PGliteLike } from './pglite-bridge.ts';
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

/**
 * PGlite's side of the database, loaded when PGlite is first opened: on PostgreSQL neither
 * PGlite nor its Prisma adapter is needed, and they stayed resident for nothing (issue 14,
 * figure 7). Both through their ES modules: the adapter maps a DatabaseError to Prisma's codes
 * (23505 → P2002) by `instanceof`, so it must see the very class pglite-bridge.ts revives
 * errors with, which the ESM build of @electric-sql/pglite gives both of them.
 */
interface PGliteModules {
  bridge: typeof import('./pglite-bridge.ts');
  adapter: typeof import('pglite-prisma-adapter');
}
let pgliteModules: PGliteModules | undefined;

async function loadPGliteModules(): Promise<PGliteModules> {
  if (!pgliteModules) {
    const [bridge, adapter] = await Promise.all([import('./pglite-bridge.ts'), import('pglite-prisma-adapter')]);
    pgliteModules = { bridge, adapter };
  }
  return pgliteModules;
}

/**
 * A PGlite in a worker thread, with the extensions our migrations use (every open must load
 * them, the worker does): on a folder, from a dump, or empty in memory.
 */
export async function createPGlite(options: BridgeOptions = {}): Promise<PGliteBridge> {
  const { bridge } = await loadPGliteModules();
  return bridge.PGliteBridge.create(options);
}

const PGLITE_TRANSACTION_MAX_WAIT_MS = 30_000;
const PGLITE_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * Wraps an already migrated PGlite (the bridge, or an in-process PGlite); used by openDatabase
 * and by the test template clones. `onClose` runs after PGlite is closed (the DATA_DIR lock).
 * Synchronous, so it needs PGlite's modules loaded already: createPGlite() loads them.
 */
export function pgliteDatabase(pglite: PGliteLike, onClose?: () => Promise<void>): Database {
  if (!pgliteModules) throw new Error('pgliteDatabase() needs createPGlite() to have run first (it loads PGlite)');
  const { bridge, adapter } = pgliteModules;
  const prisma = new PrismaClient({
    adapter: new adapter.PrismaPGlite(bridge.asPGlite(pglite)),
    // PGlite is one connection: transactions queue behind each other, so in a burst waiting
    // seconds for one's turn is normal, not a fault. Prisma's defaults (2 s to start, 5 s to
    // finish) are too tight for that on a busy machine: start-up failed with P2028 under load.
    transactionOptions: { maxWait: PGLITE_TRANSACTION_MAX_WAIT_MS, timeout: PGLITE_TRANSACTION_TIMEOUT_MS },
  });
  return {
    prisma,
    kind: 'pglite',
    close: async () => {
      try {
        await prisma.$disconnect();
        if (!pglite.closed) await pglite.close();
      } finally {
        await onClose?.();
      }
    },
  };
}

async function openPGlite(options: OpenDatabaseOptions): Promise<Database> {
  // In memory nothing is shared on disk, so nothing to lock.
  let lock: DataDirLock | undefined;
  let dir: string | undefined;
  if (!options.inMemory) {
    lock = await lockDataDir(options.dataDir);
    dir = path.resolve(options.dataDir, 'pglite');
  }
  let pglite: PGliteBridge | undefined;
  try {
    if (dir) await mkdir(dir, { recursive: true });
    pglite = await createPGlite({ dataDir: dir });
    await migrate(pgliteExecutor(pglite), { dir: options.migrationsDir, logger: options.logger });
  } catch (error) {
    await pglite?.close();
    await lock?.release();
    throw error;
  }
  return pgliteDatabase(pglite, lock?.release);
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
      connectionTimeoutMillis: 5_000,
      query_timeout: 15_000,
      // Handlers hold a connection for their transaction (at most 6 at once, see app.ts); the
      // rest stay free for storing incoming requests before their acknowledgement.
      max: 20,
      // Kept open (and opened at start, below): a burst on a cold pool waited for new
      // connections, and on a busy machine the first inserts missed the 2 s deadline before the
      // ack and were told "try again" (4 of 1,000 at concurrency 50 under CPU load).
      min: WARM_CONNECTIONS,
    },
    {
      ...(schema ? { schema } : {}),
      // An idle pooled connection dropped by the server must not crash the process.
      onPoolError: (error) => options.logger?.warn({ err: error }, 'database pool error'),
    },
  );
  const prisma = new PrismaClient({ adapter });
  try {
    await warmUp(prisma);
  } catch (error) {
    await prisma.$disconnect();
    throw error;
  }
  return { prisma, kind: 'postgres', close: () => prisma.$disconnect() };
}

/** The handlers' transactions (6), the inbox's group insert and the outbox worker. */
const WARM_CONNECTIONS = 8;

/** Opens the pool's kept connections now: queries at once each take a connection of their own. */
async function warmUp(prisma: PrismaClient): Promise<void> {
  await Promise.all(Array.from({ length: WARM_CONNECTIONS }, () => prisma.$queryRaw`SELECT pg_sleep(0.05)::text`));
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
