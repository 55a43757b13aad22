// Dev-only: Prisma's schema engine as WebAssembly (@prisma/schema-engine-wasm), driven through a
// scratch PGlite, because the native engine cannot be downloaded here. Used by
// scripts/db-diff.ts to write migrations and by the drift test to prove that schema.prisma and
// prisma/migrations agree. Never imported by the running bot.
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type {
  DiagnoseMigrationHistoryOutput,
  MigrationList,
  SchemaEngine,
  SchemasContainer,
} from '@prisma/schema-engine-wasm';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { DEFAULT_MIGRATIONS_DIR, migrate, pgliteExecutor } from './migrator.ts';
import { asPGlite, type PGliteLike } from './pglite-bridge.ts';

export const DEFAULT_SCHEMA_PATH = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));

type SchemaEngineClass = typeof SchemaEngine;
let engineClass: Promise<SchemaEngineClass> | undefined;

/**
 * Instantiates the wasm module once per process, as Prisma's WasmSchemaEngineLoader does
 * (wasm-bindgen keeps module-level state; a second instantiation breaks it).
 */
function loadSchemaEngineClass(): Promise<SchemaEngineClass> {
  engineClass ??= (async () => {
    // The engine reports Rust panics through this global, as Prisma's CLI sets it up.
    const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(m: string): void } };
    registry.PRISMA_WASM_PANIC_REGISTRY ??= { set_message: (m: string) => console.error(`schema engine panic: ${m}`) };
    const runtime = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    // The .wasm file is not exported by the package: find it next to the runtime module.
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const bytes = await readFile(path.join(dir, 'schema_engine_bg.wasm'));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { './schema_engine_bg.js': runtime });
    runtime.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return runtime.SchemaEngine;
  })();
  return engineClass;
}

/** A fresh in-memory PGlite with the extensions our migrations use. */
export function scratchPGlite(): Promise<PGlite> {
  return PGlite.create({ extensions: { pg_trgm } });
}

/**
 * pglite-prisma-adapter 0.7.2's executeScript does not await PGlite.exec (errors escape as
 * unhandled rejections), and its shadow database lacks pg_trgm and is never closed. This wraps
 * its adapter to fix the first and close our own shadow databases on dispose.
 */
function adapterFor(db: PGliteLike, onDispose?: () => Promise<void>): Promise<SqlDriverAdapter> {
  return new PrismaPGlite(asPGlite(db)).connect().then((inner) => ({
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => inner.queryRaw(query),
    executeRaw: (query) => inner.executeRaw(query),
    startTransaction: (isolation) => inner.startTransaction(isolation),
    getConnectionInfo: () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    executeScript: async (script) => {
      try {
        await db.exec(script);
      } catch (error) {
        throw asDriverError(error);
      }
    },
    dispose: async () => {
      await inner.dispose();
      await onDispose?.();
    },
  }));
}

/** Lets the engine print PostgreSQL's own message (with code) when a migration script fails. */
function asDriverError(error: unknown): unknown {
  const e = error as { code?: unknown; message?: string; severity?: string; detail?: string; hint?: string };
  if (typeof e.code !== 'string') return error;
  return new DriverAdapterError({
    kind: 'postgres',
    code: e.code,
    severity: e.severity ?? 'ERROR',
    message: e.message ?? String(error),
    detail: e.detail,
    column: undefined,
    hint: e.hint,
  });
}

function adapterFactory(db: PGliteLike, shadows: PGlite[]): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: 'binnenuit-pglite',
    connect: () => adapterFor(db),
    connectToShadowDb: async () => {
      const shadow = await scratchPGlite();
      shadows.push(shadow);
      return adapterFor(shadow);
    },
  };
}

/** What the engine connects to: a PGlite we hold (in-process or bridged), or a server by URL. */
export type EngineTarget = PGliteLike | { databaseUrl: string };

export interface SchemaEngineSession {
  engine: SchemaEngine;
  schema: SchemasContainer;
  close(): Promise<void>;
}

/** The adapter factory for a target, and what to close once the engine is freed. */
async function connectTarget(target: EngineTarget, cleanup: Array<() => Promise<void>>) {
  if (!('databaseUrl' in target)) {
    const shadows: PGlite[] = [];
    cleanup.push(async () => void (await Promise.all(shadows.map((s) => s.close()))));
    return adapterFactory(target, shadows);
  }
  // Our own pool, so it is closed even if the engine never disposes its adapter.
  // (adapter-pg 7.10 ignores shadow URLs; the diffs here never need a shadow on PostgreSQL.)
  const pool = readCharAsText(new pg.Pool({ connectionString: target.databaseUrl, max: 2 }));
  cleanup.push(() => pool.end());
  return new PrismaPg(pool);
}

/**
 * adapter-pg 7.10 cannot map PostgreSQL's internal one-byte `"char"` type (OID 18), which the
 * engine's catalog queries return (relkind, contype, …): the diff fails with "Column type 'char'
 * could not be deserialized". pg already hands those values over as strings, so relabelling the
 * column as text (OID 25) is all it takes. Dev-only, on a pool used by nothing else.
 */
function readCharAsText(pool: pg.Pool): pg.Pool {
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
  pool.query = (async (...args: unknown[]) => {
    const result = await query(...args);
    for (const field of result.fields ?? []) if (field.dataTypeID === 18) field.dataTypeID = 25;
    return result;
  }) as typeof pool.query;
  return pool;
}

/**
 * Opens the wasm engine with schema.prisma loaded, on `target` (default: a new scratch PGlite,
 * closed with the session). Shadow databases it asks for are scratch PGlites, closed likewise.
 */
export async function openSchemaEngine(
  options: { schemaPath?: string; target?: EngineTarget; log?: (line: string) => void } = {},
): Promise<SchemaEngineSession> {
  const schemaPath = options.schemaPath ?? DEFAULT_SCHEMA_PATH;
  const schema: SchemasContainer = { files: [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }] };
  const cleanup: Array<() => Promise<void>> = [];
  const target = options.target ?? (await scratchPGlite());
  if (!options.target) cleanup.push(() => (target as PGliteLike).close());
  const SchemaEngineWasm = await loadSchemaEngineClass();
  const factory = bindMigrationAwareSqlAdapterFactory(await connectTarget(target, cleanup));
  const engine = await SchemaEngineWasm.new(
    { datamodels: schema.files.map((f) => [f.path, f.content] as [string, string]) },
    options.log ?? (() => {}),
    factory,
  );
  return {
    engine,
    schema,
    close: async () => {
      engine.free();
      for (const step of cleanup.reverse()) await step();
    },
  };
}

/** The migrations folder in the shape the engine wants, read the way Prisma's CLI reads it. */
export async function readMigrationList(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationList> {
  const lockPath = 'migration_lock.toml';
  const lockContent = await readFile(path.join(dir, lockPath), 'utf8').catch(() => null);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = await Promise.all(
    entries
      .filter((e) => e.isDirectory())
      .map(async (e) => ({
        path: e.name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(path.join(dir, e.name, 'migration.sql'), 'utf8')
            .then((value) => ({ tag: 'ok' as const, value }))
            .catch((error: Error) => ({ tag: 'error' as const, value: error.message })),
        },
      })),
  );
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return { baseDir: dir, lockfile: { path: lockPath, content: lockContent }, shadowDbInitScript: '', migrationDirectories };
}

const noFilters = { externalTables: [], externalEnums: [] };

/**
 * The SQL that takes the live database at `target` to schema.prisma; '' when they agree.
 * (`prisma migrate diff --from-config-datasource --to-schema`.) Prisma's own
 * _prisma_migrations table is not part of the comparison.
 */
export async function diffDatabaseToSchema(
  target: EngineTarget,
  options: { schemaPath?: string } = {},
): Promise<string> {
  const session = await openSchemaEngine({ schemaPath: options.schemaPath, target });
  try {
    const files = session.schema.files;
    const result = await session.engine.diff({
      from: { tag: 'schemaDatasource', files, configDir: path.dirname(files[0]!.path) },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return isEmptyScript(result.stdout) ? '' : (result.stdout ?? '');
  } finally {
    await session.close();
  }
}

/**
 * The SQL that takes a database built from the migrations folder to schema.prisma; '' when
 * they agree. The scratch PGlite is migrated with our own migrator (the code start-up runs),
 * so this also proves that the migrator builds what Prisma expects.
 */
export async function diffMigrationsToSchema(
  options: { schemaPath?: string; migrationsDir?: string } = {},
): Promise<string> {
  const scratch = await scratchPGlite();
  try {
    await migrate(pgliteExecutor(scratch), { dir: options.migrationsDir });
    return await diffDatabaseToSchema(scratch, options);
  } finally {
    await scratch.close();
  }
}

/** The engine's "nothing to do" script is comment lines only. */
export function isEmptyScript(script: string | null): boolean {
  if (!script) return true;
  return script
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}

/**
 * What `prisma migrate status` would say about the database at `target`: history is null
 * when nothing is pending, and edited/failed migrations are listed.
 */
export async function diagnoseMigrationHistory(
  target: EngineTarget,
  options: { schemaPath?: string; migrationsDir?: string } = {},
): Promise<DiagnoseMigrationHistoryOutput> {
  const session = await openSchemaEngine({ schemaPath: options.schemaPath, target });
  try {
    return await session.engine.diagnoseMigrationHistory({
      migrationsList: await readMigrationList(options.migrationsDir),
      optInToShadowDatabase: false,
      filters: noFilters,
    });
  } finally {
    await session.close();
  }
}
