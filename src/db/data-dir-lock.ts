// One process per DATA_DIR. Two processes on one embedded database each run their own
// PostgreSQL over the same files, and what one writes is silently lost when the other stops; a
// server (DATABASE_URL) is the way to run several instances. The lock is a file holding the
// owner's PID, created atomically ('wx'); a PID that is no longer alive (kill -9, power loss)
// leaves a stale lock that the next start takes over.
import { unlinkSync } from 'node:fs';
import { mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const LOCK_FILE = 'binnenuit.lock';

/** Another live process holds the folder; the message is the one line start-up prints. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`DATA_DIR ${dataDir} is in use by process ${pid}; stop it or use DATABASE_URL for several instances`);
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): Promise<void>;
}

/** Lock files this process holds, so a lock with our own PID is told apart from a reused PID. */
const held = new Set<string>();

// A lock that is still empty was just created by someone about to write their PID; one that
// stays empty this long belonged to a process that died in between.
const EMPTY_GRACE_MS = 2000;
// A takeover takes milliseconds; a guard older than this was left by a process that died.
const GUARD_STALE_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it just belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function createExclusive(file: string): Promise<boolean> {
  try {
    await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The lock's content, or undefined when it vanished meanwhile. */
async function readLock(file: string): Promise<{ text: string; ageMs: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { text, ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Removes a stale lock, but only if it still holds what we judged stale: two processes that
 * both found the same stale lock must not delete the one the faster of them just created.
 * A guard file makes check-and-delete one step.
 */
async function removeStale(file: string, staleText: string): Promise<void> {
  const guard = `${file}.takeover`;
  if (!(await createExclusive(guard))) {
    const left = await readLock(guard);
    if (left && left.ageMs > GUARD_STALE_MS) await unlink(guard).catch(() => {});
    await sleep(20);
    return;
  }
  try {
    const current = await readLock(file);
    if (current?.text === staleText) await unlink(file).catch(() => {});
  } finally {
    await unlink(guard).catch(() => {});
  }
}

/** Attempts within this process run one at a time per file (see `held`). */
const attempts = new Map<string, Promise<unknown>>();

/**
 * Takes DATA_DIR for this process, or throws DataDirInUseError naming the live owner.
 * Released by release(), or at the latest when the process exits.
 */
export function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, LOCK_FILE);
  // Serialised so a lock with our own PID is either in `held` or not ours (a reused PID).
  const attempt = (attempts.get(file) ?? Promise.resolve()).catch(() => {}).then(() => acquire(dir, file));
  attempts.set(file, attempt);
  return attempt;
}

async function acquire(dir: string, file: string): Promise<DataDirLock> {
  await mkdir(dir, { recursive: true });
  for (;;) {
    if (await createExclusive(file)) break;
    const lock = await readLock(file);
    if (!lock) continue;
    const pid = Number.parseInt(lock.text, 10);
    if (Number.isNaN(pid)) {
      if (lock.ageMs < EMPTY_GRACE_MS) {
        await sleep(20);
        continue;
      }
    } else if (held.has(file) || (pid !== process.pid && isAlive(pid))) {
      throw new DataDirInUseError(dir, pid);
    }
    // Dead owner, a PID reused by us after a restart, or a lock that was never written.
    await removeStale(file, lock.text);
  }
  held.add(file);
  // A process that ends without close() (process.exit on an error path) frees the folder too.
  const onExit = () => {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  let released = false;
  return {
    file,
    release: async () => {
      if (released) return;
      released = true;
      process.off('exit', onExit);
      held.delete(file);
      const current = await readLock(file);
      if (current && Number.parseInt(current.text, 10) === process.pid) await unlink(file).catch(() => {});
    },
  };
}
