// What a start on PostgreSQL keeps out of memory (issue 14, figure 7: idle RSS ≤ 2× a bare Bolt
// app): PGlite, its Prisma adapter and our bridge to it are loaded only when the embedded
// database is opened. A real `tsx src/main.ts` console process, as an operator starts it, that
// answers /help; a preloaded probe (module-probe.mjs) lists what the process loaded.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlankDatabase, testBackends, type BlankDatabase } from '../support/db.ts';

const PROBE = path.join(import.meta.dirname, 'module-probe.mjs');
const PGLITE_MODULES = /@electric-sql\/pglite|pglite-prisma-adapter|src\/db\/pglite-(bridge|worker)/;

interface Run {
  code: number | null;
  stdout: string;
  modules: string[];
}

/** Runs the console bot with `env`, types /help, ends the input; the exit, its output, its modules. */
async function runConsole(env: Record<string, string>, scratch: string): Promise<Run> {
  const out = path.join(scratch, `modules-${Date.now()}.json`);
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', PROBE, 'src/main.ts'], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'error', ENCRYPTION_KEY: 'footprint-test-key-0123456789abcdef', MODULE_PROBE_OUT: out, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stdin.end('/help\n');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, modules: JSON.parse(await readFile(out, 'utf8')) as string[] };
}

describe('start-up footprint', { timeout: 300_000 }, () => {
  let scratch: string;
  let blank: BlankDatabase | undefined;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'binnenuit-footprint-'));
    if (testBackends().includes('postgres')) blank = await createBlankDatabase('postgres');
  });
  afterAll(async () => {
    await blank?.destroy();
    await rm(scratch, { recursive: true, force: true });
  });

  it.runIf(testBackends().includes('postgres'))('on PostgreSQL the bot answers without ever loading PGlite', async () => {
    const run = await runConsole({ DATA_DIR: blank!.options.dataDir, DATABASE_URL: blank!.options.databaseUrl! }, scratch);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\/update\b/); // the help lists the commands
    expect(run.modules.some((url) => url.includes('/src/db/index.ts'))).toBe(true);
    expect(run.modules.filter((url) => PGLITE_MODULES.test(url))).toEqual([]);
  });

  it('on the embedded database the same start loads PGlite and answers the same', async () => {
    const dataDir = path.join(scratch, 'embedded');
    const run = await runConsole({ DATA_DIR: dataDir }, scratch);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\/update\b/); // the help lists the commands
    expect(run.modules.some((url) => PGLITE_MODULES.test(url))).toBe(true);
  });
});
