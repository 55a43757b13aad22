// PGlite in its worker thread (the bot's embedded database): values, errors and transactions
// exactly as PGlite gives them in-process, and a main thread that keeps answering while the
// database works.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { messages, PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPGlite } from '../../src/db/index.ts';
import type { PGliteBridge } from '../../src/db/pglite-bridge.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Every type the adapter reads, including arrays, nulls and PostgreSQL's own text forms.
const VALUES = `SELECT
  now() AS tz, '2026-03-01 14:30:00'::timestamp AS ts, '2026-03-01'::date AS d, '14:30'::time AS t,
  9007199254740993::int8 AS big, 42::int8 AS small, 1.5::numeric AS num, 2.5::float8 AS f, true AS b,
  ARRAY['a', NULL, 'c,d'] AS texts, ARRAY[1, 2]::int4[] AS ints, ARRAY[9007199254740993]::int8[] AS bigs,
  '{"x": [1, {"y": null}]}'::jsonb AS jb, '{"a":1}'::json AS j, '\\x00ff10'::bytea AS bytes,
  ARRAY['\\x01'::bytea] AS byteas, gen_random_uuid() IS NOT NULL AS u, NULL::text AS nothing,
  ARRAY[now()] AS tzs, 'Düsseldorf ✓'::text AS unicode`;

// What pglite-prisma-adapter does: its own parsers for some types, array rows.
const CUSTOM = { rowMode: 'array' as const, parsers: { 20: (v: string) => `int8:${v}`, 1184: (v: string) => `tz:${v}`, 1009: (v: string) => `texts:${v}` } };

describe('PGlite in a worker thread', () => {
  let db: TestDatabase;
  let bridge: PGliteBridge;
  let local: PGlite;
  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    bridge = db.pglite!;
    local = await PGlite.create({ extensions: { pg_trgm } });
    // Same clock for both: now() is the transaction's start, so pin it.
    for (const target of [bridge, local]) await target.exec(`SET TIME ZONE 'Europe/Amsterdam'`);
  });
  afterAll(async () => {
    await db?.close();
    await local?.close();
  });

  it('returns the same values as PGlite in-process, default parsers and the adapter\'s own', async () => {
    const pinned = VALUES.replaceAll('now()', `'2026-12-01 22:00:00+00'::timestamptz`);
    for (const options of [undefined, CUSTOM]) {
      const [mine, theirs] = [await bridge.query(pinned, [], options), await local.query(pinned, [], options)];
      expect(mine).toEqual(theirs);
    }
    const [row] = (await bridge.query<Record<string, unknown>>(pinned)).rows;
    expect(row!.tz).toBeInstanceOf(Date);
    expect(row!.big).toBe(9007199254740993n);
    expect(row!.bytes).toEqual(new Uint8Array([0, 255, 16]));
    expect(row!.texts).toEqual(['a', null, 'c,d']);
    expect(row!.jb).toEqual({ x: [1, { y: null }] });
    expect((await bridge.query(pinned, [], CUSTOM)).rows[0]).toContain('int8:42');
  });

  it('passes parameters as PGlite does: text, numbers, bytes, arrays, null, dates', async () => {
    const sql = 'SELECT $1::text AS a, $2::int AS b, $3::bytea AS c, $4::text[] AS d, $5::text AS e, $6::timestamptz AS f';
    const params = ['zeg "hoi"', 7, new Uint8Array([1, 2]), ['x', 'y'], null, new Date('2026-01-02T03:04:05Z')];
    expect(await bridge.query(sql, params)).toEqual(await local.query(sql, params));
  });

  it('runs scripts (exec) with every statement\'s result', async () => {
    const script = 'CREATE TEMP TABLE e (n int); INSERT INTO e VALUES (1), (2); SELECT n FROM e ORDER BY n';
    expect(await bridge.exec(script)).toEqual(await local.exec(script));
  });

  it('throws PostgreSQL\'s error as PGlite does, so Prisma maps a unique violation to P2002', async () => {
    const raw = await bridge.query(`INSERT INTO "Organisation" (id, slug, name, kind) VALUES ('x1', 'smn', 'Dubbel', 'CONSORTIUM')`).catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(messages.DatabaseError);
    expect(raw).toMatchObject({ code: '23505', severity: 'ERROR', detail: 'Key (slug)=(smn) already exists.', constraint: 'Organisation_slug_key' });

    const viaPrisma = await db.prisma.organisation.create({ data: { slug: 'smn', name: 'Dubbel', kind: 'CONSORTIUM' } }).catch((e: unknown) => e);
    expect(viaPrisma).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((viaPrisma as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
    expect(await db.prisma.organisation.count({ where: { name: 'Dubbel' } })).toBe(0);
  });

  it('keeps a transaction whole: its statements in order, others wait until it ends', async () => {
    await bridge.exec('CREATE TABLE IF NOT EXISTS tx_order (n int)');
    const events: string[] = [];
    let outside: Promise<void> | undefined;
    await bridge.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_order VALUES (1)');
      outside = bridge.query<{ c: number }>('SELECT count(*)::int AS c FROM tx_order').then((r) => void events.push(`outside saw ${r.rows[0]!.c}`));
      await tx.query('INSERT INTO tx_order VALUES (2)');
      const inside = await tx.query<{ c: number }>('SELECT count(*)::int AS c FROM tx_order');
      events.push(`inside saw ${inside.rows[0]!.c}`);
    });
    events.push('committed');
    await outside;
    expect(events).toEqual(['inside saw 2', 'committed', 'outside saw 2']);
  });


  it('lets a statement outside any transaction go before transactions that are only queued', async () => {
    // Under a burst, the inbox row written before an ack must wait for the one running
    // transaction, not for every transaction queued behind it.
    const events: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let running!: () => void;
    const started = new Promise<void>((resolve) => (running = resolve));
    const first = bridge.transaction(async (tx) => {
      await tx.query('SELECT 1');
      running();
      await held;
      events.push('first committed');
    });
    await started;
    const queued = [1, 2, 3].map((n) =>
      bridge.transaction(async (tx) => {
        await tx.query('SELECT 1');
        events.push(`queued ${n}`);
      }),
    );
    // Give the queued begins time to reach the worker before the standalone statement.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const standalone = bridge.query('SELECT 1').then(() => void events.push('standalone'));
    release();
    await Promise.all([first, ...queued, standalone]);
    expect(events).toEqual(['first committed', 'standalone', 'queued 1', 'queued 2', 'queued 3']);
  });
  it('rolls back when the callback throws, and rethrows the callback\'s own error', async () => {
    await bridge.exec('CREATE TABLE IF NOT EXISTS tx_rollback (n int)');
    const failure = new Error('halverwege mis');
    await expect(
      bridge.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_rollback VALUES (1)');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect((await bridge.query<{ c: number }>('SELECT count(*)::int AS c FROM tx_rollback')).rows[0]!.c).toBe(0);
    // tx.rollback() as the adapter calls it, then more work outside.
    await bridge.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_rollback VALUES (2)');
      await tx.rollback();
      expect(tx.closed).toBe(true);
    });
    expect((await bridge.query<{ c: number }>('SELECT count(*)::int AS c FROM tx_rollback')).rows[0]!.c).toBe(0);
  });

  it('gives Prisma interactive transactions: all or nothing', async () => {
    const before = await db.prisma.organisation.count();
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.organisation.create({ data: { slug: 'tijdelijk', name: 'Tijdelijk', kind: 'GEMEENTE' } });
        await tx.organisation.create({ data: { slug: 'smn', name: 'Botst', kind: 'CONSORTIUM' } });
      }),
    ).rejects.toMatchObject({ code: 'P2002' });
    expect(await db.prisma.organisation.count()).toBe(before);
    await db.prisma.$transaction(async (tx) => {
      await tx.organisation.create({ data: { slug: 'blijvend', name: 'Blijvend', kind: 'GEMEENTE' } });
    });
    expect(await db.prisma.organisation.count()).toBe(before + 1);
  });

  it('keeps the event loop free while a heavy query runs: HTTP requests are answered meanwhile', async () => {
    const server: Server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      let finished = false;
      const heavy = bridge
        .query(`SELECT count(*) FROM generate_series(1, 1500000) a, LATERAL (SELECT md5(a::text)) m`)
        .then(() => void (finished = true));
      // Round trips to a local server, one after the other, until the query is done.
      let answeredDuring = 0;
      while (!finished) {
        const response = await fetch(url);
        await response.text();
        if (!finished) answeredDuring++;
      }
      await heavy;
      // In-process, PGlite's WebAssembly holds the thread: not one request would get through.
      expect(answeredDuring).toBeGreaterThanOrEqual(3);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000);

  it('refuses work once closed, and lets the process exit', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'binnenuit-bridge-exit-'));
    try {
      const script = path.join(dir, 'exit.mts');
      await writeFile(
        script,
        `import { createPGlite } from ${JSON.stringify(path.join(root, 'src/db/index.ts'))};
const db = await createPGlite();
await db.query('SELECT 1');
await db.close();
const refused = await db.query('SELECT 1').catch((e) => e.message);
console.log('closed', db.closed, refused);
`,
      );
      const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (out += chunk));
      // No timer, no process.exit: the child ends only if nothing keeps it alive.
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(out.trim()).toBe('closed true PGlite is closed');
      expect(code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('opens from a folder and from a dump, like PGlite', async () => {
    const dump = await bridge.dumpDataDir('none');
    const copy = await createPGlite({ loadDataDir: dump });
    try {
      expect((await copy.query<{ c: number }>('SELECT count(*)::int AS c FROM tx_order')).rows[0]!.c).toBe(2);
    } finally {
      await copy.close();
    }
  }, 120_000);
});
