// Start-up migrations: what the migrator writes to _prisma_migrations, and when it refuses.
import { mkdtemp, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.ts';
import {
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  migrate,
  readMigrations,
  type SqlExecutor,
} from '../../src/db/migrator.ts';
import { createBlankDatabase, testBackends, type BlankDatabase } from '../support/db.ts';

interface MigrationRow {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
  logs: string | null;
}

const rows = (sql: SqlExecutor) =>
  sql.query<MigrationRow>('SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name');

// Each test applies every migration to a new database (20 and counting): seconds each on a
// quiet machine, but more than the default 30 s on PGlite when the machine is busy.
describe.each(testBackends())('migrator on %s', { timeout: 120_000 }, (kind) => {
  let blank: BlankDatabase;
  beforeEach(async () => {
    blank = await createBlankDatabase(kind);
  });
  afterEach(async () => {
    await blank.destroy();
  });

  it('applies every migration to an empty database, and nothing on a second run', async () => {
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);
    const conn = await blank.connect();
    try {
      const first = await migrate(conn.sql);
      expect(first.applied).toEqual(files.map((f) => f.name));
      const second = await migrate(conn.sql);
      expect(second).toEqual({ applied: [], alreadyApplied: files.length });
      const tables = await conn.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'Organisation'`,
      );
      expect(tables[0]?.n).toBe(1);
    } finally {
      await conn.close();
    }
  });

  it('records each migration as Prisma does: uuid id, SHA-256 of the file, finished_at, one step', async () => {
    const files = await readMigrations();
    const conn = await blank.connect();
    try {
      await migrate(conn.sql);
      const recorded = await rows(conn.sql);
      expect(recorded.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
      for (const [i, row] of recorded.entries()) {
        expect(row.checksum).toBe(files[i]!.checksum);
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
        expect(row.rolled_back_at).toBeNull();
        expect(row.logs).toBeNull();
        expect(row.applied_steps_count).toBe(1);
      }
      // The column types Prisma's engine expects when it reads this table.
      const columns = await conn.sql.query<{ column_name: string; data_type: string; max: number | null }>(
        `SELECT column_name, data_type, character_maximum_length AS max FROM information_schema.columns
         WHERE table_name = '_prisma_migrations' AND table_schema = current_schema() ORDER BY ordinal_position`,
      );
      expect(columns).toEqual([
        { column_name: 'id', data_type: 'character varying', max: 36 },
        { column_name: 'checksum', data_type: 'character varying', max: 64 },
        { column_name: 'finished_at', data_type: 'timestamp with time zone', max: null },
        { column_name: 'migration_name', data_type: 'character varying', max: 255 },
        { column_name: 'logs', data_type: 'text', max: null },
        { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', max: null },
        { column_name: 'started_at', data_type: 'timestamp with time zone', max: null },
        { column_name: 'applied_steps_count', data_type: 'integer', max: null },
      ]);
    } finally {
      await conn.close();
    }
  });

  it('refuses to start when an applied migration was edited, naming it', async () => {
    const [first] = await readMigrations();
    let conn = await blank.connect();
    await migrate(conn.sql);
    await conn.sql.query(`UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2`, [
      'f'.repeat(64),
      first!.name,
    ]);
    await conn.close();

    const opening = openDatabase(blank.options);
    await expect(opening).rejects.toBeInstanceOf(MigrationError);
    await expect(opening).rejects.toThrow(new RegExp(`${first!.name} was edited after it was applied`));

    conn = await blank.connect();
    await expect(migrate(conn.sql)).rejects.toMatchObject({ migrationName: first!.name });
    await conn.close();
  });

  it('refuses to start after a migration that failed half-way (finished_at empty)', async () => {
    const conn = await blank.connect();
    try {
      await migrate(conn.sql);
      await conn.sql.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ('00000000-0000-4000-8000-000000000000', $1, '29991231000000_half_done', now(), 0)`,
        ['0'.repeat(64)],
      );
      await expect(migrate(conn.sql)).rejects.toThrow(/29991231000000_half_done failed earlier/);
    } finally {
      await conn.close();
    }
  });

  it('rolls a failing migration back, records it as rolled back, and applies it once fixed', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'binnenuit-migrations-'));
    const conn = await blank.connect();
    try {
      await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
      const broken = path.join(dir, '29990101000000_broken');
      await mkdir(broken);
      // The first statement would succeed; the transaction must take it back with the rest.
      await writeFile(path.join(broken, 'migration.sql'), 'CREATE TABLE "Half" (id int);\nSELECT nope FROM nowhere;\n');
      await expect(migrate(conn.sql, { dir })).rejects.toThrow(/29990101000000_broken failed and was rolled back/);
      const half = await conn.sql.query(`SELECT 1 FROM pg_tables WHERE tablename = 'Half'`);
      expect(half).toHaveLength(0);
      const failed = (await rows(conn.sql)).filter((r) => r.migration_name === '29990101000000_broken');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.rolled_back_at).toBeInstanceOf(Date);
      expect(failed[0]!.finished_at).toBeNull();
      expect(failed[0]!.logs).toMatch(/nowhere/);

      await writeFile(path.join(broken, 'migration.sql'), 'CREATE TABLE "Half" (id int);\n');
      expect((await migrate(conn.sql, { dir })).applied).toEqual(['29990101000000_broken']);
    } finally {
      await conn.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(kind !== 'postgres')('lets only one of two concurrent migrators apply (advisory lock)', async () => {
    const files = await readMigrations();
    const a = await blank.connect();
    const b = await blank.connect();
    try {
      const [ra, rb] = await Promise.all([migrate(a.sql), migrate(b.sql)]);
      expect([...ra.applied, ...rb.applied]).toEqual(files.map((f) => f.name));
      expect([ra.applied.length, rb.applied.length].sort()).toEqual([0, files.length]);
      expect(await rows(a.sql)).toHaveLength(files.length);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it.skipIf(kind !== 'postgres')('lets two apps start at once on one empty database', async () => {
    const [one, two] = await Promise.all([openDatabase(blank.options), openDatabase(blank.options)]);
    try {
      expect(await one.prisma.organisation.count()).toBe(await two.prisma.organisation.count());
      const conn = await blank.connect();
      expect(await rows(conn.sql)).toHaveLength((await readMigrations()).length);
      await conn.close();
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
