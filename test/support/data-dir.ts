// A DATA_DIR for a test that starts the bot (in process or as a child), with the embedded
// database already created and migrated. A first start on an empty folder costs about 15 s of
// CPU (PGlite's initdb, then every migration); a copy of a folder made once per run costs a
// fraction of a second, and there are dozens of such starts in a run. Tests of the first start
// itself (migrations on an empty folder, the console's first run) keep an empty mkdtemp folder.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BUILD_SCRIPT = fileURLToPath(new URL('./data-template.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WAIT_MS = 300_000;

/** A new `binnenuit-<prefix>-*` folder in the temp dir holding a migrated database; the caller removes it. */
export function migratedDataDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `binnenuit-${prefix}-`));
  cpSync(templateDatabase(), path.join(dir, 'pglite'), { recursive: true });
  return dir;
}

/**
 * The run's template database (DATA_DIR/pglite of a migrated folder). Built once per run, by
 * whichever test process asks first; the others wait for it. A run's folder comes from the
 * global setup (BINNENUIT_TEST_TEMPLATES); outside vitest a folder of this process's own.
 */
function templateDatabase(): string {
  const root = process.env.BINNENUIT_TEST_TEMPLATES ?? ownTemplates();
  const database = path.join(root, 'data', 'pglite');
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(database)) {
    if (claim(path.join(root, 'building'))) {
      build(root);
      break;
    }
    if (Date.now() > deadline) throw new Error(`the template database in ${root} was not built within ${WAIT_MS / 1000} s`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
  return database;
}

function build(root: string): void {
  const partial = path.join(root, 'partial');
  try {
    rmSync(partial, { recursive: true, force: true });
    execFileSync(process.execPath, ['--import', 'tsx', BUILD_SCRIPT, partial], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], timeout: WAIT_MS });
    renameSync(partial, path.join(root, 'data'));
  } finally {
    // A failed build lets the next caller try again (and fail with its own error).
    rmSync(path.join(root, 'building'), { recursive: true, force: true });
  }
}

/** mkdir is atomic: exactly one process creates the folder. */
function claim(dir: string): boolean {
  try {
    mkdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

let own: string | undefined;
function ownTemplates(): string {
  if (!own) {
    own = mkdtempSync(path.join(tmpdir(), 'binnenuit-templates-'));
    process.once('exit', () => rmSync(own!, { recursive: true, force: true }));
  }
  return own;
}
