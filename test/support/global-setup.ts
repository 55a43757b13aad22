// Test runs clean up after themselves. A PGlite data dir is tens of megabytes (a console
// end-to-end run leaves about 40 MB), so a test file that forgets its temp folder fills the
// disk of a shared machine run after run.
//
// Every run gets a temp dir of its own, handed to the test processes as TMPDIR (os.tmpdir()
// reads it), so whatever is in it at the end was left by this run and nobody else's: several
// people run tests on one machine at once. At teardown a leftover `binnenuit-*` entry fails
// the run, with the names, and the run's temp dir is removed either way. Entries created
// directly in the outer temp dir meanwhile are only reported, since they may be someone else's.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PREFIX = 'binnenuit-';

export default function setup(): () => void {
  const outer = tmpdir();
  const outerBefore = new Set(entries(outer));
  const runDir = mkdtempSync(path.join(outer, `${PREFIX}testrun-`));
  // Open like /tmp itself: tests that run a PostgreSQL server do so as the postgres user, which
  // must reach the folder they chown to it inside this one (mkdtemp makes it 0700).
  chmodSync(runDir, 0o1777);
  process.env.TMPDIR = runDir;
  // Templates shared by the run's test processes (data-dir.ts): beside the run's temp dir, so
  // they count as nobody's leftovers, and removed with it.
  const templates = `${runDir}-templates`;
  mkdirSync(templates);
  process.env.BINNENUIT_TEST_TEMPLATES = templates;

  return () => {
    process.env.TMPDIR = outer;
    rmSync(templates, { recursive: true, force: true });
    const left = entries(runDir);
    rmSync(runDir, { recursive: true, force: true });

    const appeared = entries(outer).filter((name) => name.startsWith(PREFIX) && !outerBefore.has(name) && !name.startsWith(`${PREFIX}testrun-`));
    if (appeared.length > 0) {
      console.warn(`\n[temp dir] new in ${outer} during this run (this run's, or another run's on this machine): ${appeared.join(', ')}\n`);
    }
    const ours = left.filter((name) => name.startsWith(PREFIX));
    if (left.length > ours.length) {
      console.warn(`\n[temp dir] tests left these in their temp dir (removed now): ${left.filter((n) => !ours.includes(n)).join(', ')}\n`);
    }
    if (ours.length > 0) {
      const message = `tests left ${ours.length} ${PREFIX}* entr${ours.length === 1 ? 'y' : 'ies'} in the temp dir: ${ours.join(', ')}. Remove them in afterAll/afterEach of the test file that made them.`;
      console.error(`\n${'!'.repeat(100)}\n[temp dir] ${message}\n${'!'.repeat(100)}\n`);
      // A throw here is only logged by vitest ('error during close'); the exit code makes it count.
      process.exitCode = 1;
    }
  };
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
