// The DATA_DIR lock on its own: one holder at a time, the exact one-line refusal, stale locks
// (dead PID, never written) taken over, released on close; nothing locked without a folder.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '../../src/db/data-dir-lock.ts';
import { openDatabase } from '../../src/db/index.ts';
import { createTestDatabase, testBackends } from '../support/db.ts';

/** The PID of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('the DATA_DIR lock', () => {
  let root: string;
  let n = 0;
  const freshDir = () => path.join(root, `dir-${++n}`);
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'binnenuit-datadir-lock-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('holds the PID in DATA_DIR, refuses a second holder with one line, and frees it on release', async () => {
    const dir = freshDir();
    const lock = await lockDataDir(dir);
    expect(await readFile(path.join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    const refused = await lockDataDir(path.relative(process.cwd(), dir)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect((refused as Error).message).toBe(
      `DATA_DIR ${dir} is in use by process ${process.pid}; stop it or use DATABASE_URL for several instances`,
    );
    await lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const again = await lockDataDir(dir);
    await again.release();
  });

  it('takes over a lock whose process is gone (kill -9, power loss)', async () => {
    const dir = freshDir();
    const first = await lockDataDir(dir);
    await first.release();
    const pid = deadPid();
    await writeFile(path.join(dir, LOCK_FILE), `${pid}\n`);
    const lock = await lockDataDir(dir);
    expect(await readFile(path.join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it('takes over a lock file that was created but never written, once it is old', async () => {
    const dir = freshDir();
    await (await lockDataDir(dir)).release();
    const file = path.join(dir, LOCK_FILE);
    await writeFile(file, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(file, old, old);
    const lock = await lockDataDir(dir);
    expect(await readFile(file, 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it('lets exactly one of several simultaneous takeovers of a stale lock win', async () => {
    const dir = freshDir();
    await (await lockDataDir(dir)).release();
    await writeFile(path.join(dir, LOCK_FILE), `${deadPid()}\n`);
    const attempts = await Promise.allSettled(Array.from({ length: 5 }, () => lockDataDir(dir)));
    const won = attempts.filter((a) => a.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const attempt of attempts) if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(DataDirInUseError);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof lockDataDir>>>).value.release();
  });

  it('is taken by openDatabase on the embedded database and released by close', async () => {
    const dir = freshDir();
    const db = await openDatabase({ dataDir: dir });
    try {
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(
        `DATA_DIR ${dir} is in use by process ${process.pid}; stop it or use DATABASE_URL for several instances`,
      );
      // The refused open changed nothing: the first still works.
      expect(await db.prisma.organisation.count()).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  }, 120_000);

  it('locks nothing for an in-memory database', async () => {
    const dir = freshDir();
    const db = await openDatabase({ dataDir: dir, inMemory: true });
    try {
      expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    } finally {
      await db.close();
    }
  }, 120_000);
});

describe.each(testBackends().filter((kind) => kind === 'postgres'))('with DATABASE_URL (%s)', (kind) => {
  it('locks nothing: several instances may share DATA_DIR', async () => {
    const server = await createTestDatabase(kind);
    const dir = await mkdtemp(path.join(tmpdir(), 'binnenuit-datadir-pg-'));
    try {
      const [one, two] = await Promise.all([
        openDatabase({ databaseUrl: server.url, dataDir: dir }),
        openDatabase({ databaseUrl: server.url, dataDir: dir }),
      ]);
      expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
      await Promise.all([one.close(), two.close()]);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
