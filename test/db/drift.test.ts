// schema.prisma and prisma/migrations must describe the same database. If this fails, run
// `npm run db:diff -- <name>` to write the missing migration (never edit an applied one).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/db/migrator.ts';
import {
  DEFAULT_SCHEMA_PATH,
  diagnoseMigrationHistory,
  diffDatabaseToSchema,
  diffMigrationsToSchema,
  type EngineTarget,
} from '../../src/db/schema-engine.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../support/db.ts';

// The schema engine replays every migration in WebAssembly: more than 30 s on a busy machine.
describe('schema.prisma and prisma/migrations', { timeout: 120_000 }, () => {
  it('agree: the wasm schema engine finds nothing to migrate', async () => {
    const sql = await diffMigrationsToSchema();
    expect(sql, `schema.prisma has changes without a migration; run npm run db:diff -- <name>:\n${sql}`).toBe('');
  });

  it('would be caught disagreeing (a field added to a copy of the schema)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'binnenuit-schema-'));
    try {
      const schema = (await readFile(DEFAULT_SCHEMA_PATH, 'utf8')).replace(
        'model ProcessedEvent {\n',
        'model ProcessedEvent {\n  source String?\n',
      );
      const schemaPath = path.join(dir, 'schema.prisma');
      await writeFile(schemaPath, schema);
      expect(await diffMigrationsToSchema({ schemaPath })).toMatch(/ALTER TABLE "ProcessedEvent" ADD COLUMN\s+"source" TEXT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.each(testBackends())('a database migrated at start-up on %s', (kind) => {
  let db: TestDatabase;
  let target: EngineTarget;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    target = db.pglite ?? { databaseUrl: db.url! };
  });
  afterAll(async () => {
    await db?.close();
  });

  it('matches schema.prisma exactly', async () => {
    expect(await diffDatabaseToSchema(target)).toBe('');
  });

  it('is up to date for Prisma Migrate (what `prisma migrate status` reports)', async () => {
    expect(await diagnoseMigrationHistory(target)).toEqual({
      editedMigrationNames: [],
      failedMigrationNames: [],
      hasMigrationsTable: true,
      history: null,
    });
  });

  it('shows Prisma an edited migration the way our migrator sees it', async () => {
    const [first] = await readMigrations();
    await db.prisma.$executeRaw`UPDATE "_prisma_migrations" SET checksum = ${'0'.repeat(64)} WHERE migration_name = ${first!.name}`;
    try {
      expect((await diagnoseMigrationHistory(target)).editedMigrationNames).toEqual([first!.name]);
    } finally {
      await db.prisma.$executeRaw`UPDATE "_prisma_migrations" SET checksum = ${first!.checksum} WHERE migration_name = ${first!.name}`;
    }
  });
});
