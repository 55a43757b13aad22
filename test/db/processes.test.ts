// Real processes on one DATA_DIR, as an operator would start them: `tsx src/main.ts` with the
// console on piped input kept open. A second start on a folder in use stops at once with one
// line; after kill -9 of the owner, the next start opens the same data cleanly.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedDataDir } from '../support/data-dir.ts';

interface Bot {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves when stdout contains `text` (rejects if the process ends first). */
  waitFor(text: string): Promise<void>;
}

function startBot(dataDir: string, env: Record<string, string> = {}): Bot {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, ...env },
    stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    for (const waiter of waiters.filter((w) => stdout.includes(w.text))) waiter.resolve();
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (stdout.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void exited.then(() => (stdout.includes(text) ? resolve() : reject(new Error(`exited before printing ${text}: ${stderr}`))));
      }) };
}

describe('two processes on one DATA_DIR', () => {
  let dataDir: string;
  const running: Bot[] = [];
  beforeAll(async () => {
    dataDir = migratedDataDir('lock');
  });
  afterAll(async () => {
    for (const bot of running) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await Promise.all(running.map((bot) => bot.exited));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stops the second at once with one line, and the first keeps working', async () => {
    const first = startBot(dataDir);
    running.push(first);
    first.child.stdin.write('/update plaats #regie Eerste proces schrijft dit\n');
    await first.waitFor('Eerste proces schrijft dit');

    const second = startBot(dataDir, { LOG_LEVEL: 'silent' });
    running.push(second);
    second.child.stdin.write('/update plaats #regie Tweede proces mag dit niet schrijven\n');
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toBe(
      `Start-up failed: DATA_DIR ${dataDir} is in use by process ${first.child.pid}; stop it or use DATABASE_URL for several instances\n`,
    );
    expect(second.stdout()).toBe('');

    // The first is still there and still writes; what it wrote survives its clean stop.
    first.child.stdin.write('/update plaats #regie Nog steeds bereikbaar\n/update lijst\n');
    await first.waitFor('Nog steeds bereikbaar');
    first.child.stdin.end();
    expect(await first.exited).toBe(0);

    const third = startBot(dataDir);
    running.push(third);
    third.child.stdin.end('/update lijst\n');
    expect(await third.exited).toBe(0);
    expect(third.stdout()).toContain('Eerste proces schrijft dit');
    expect(third.stdout()).toContain('Nog steeds bereikbaar');
    expect(third.stdout()).not.toContain('Tweede proces');
  }, 400_000);

  it('after kill -9 of the owner, a new start takes the stale lock and finds the data', async () => {
    const victim = startBot(dataDir);
    running.push(victim);
    victim.child.stdin.write('/update plaats #regie Geschreven vlak voor kill -9\n');
    await victim.waitFor('Geschreven vlak voor kill -9');
    // A burst of writes in flight when the process dies.
    for (let i = 0; i < 5; i++) victim.child.stdin.write(`/update plaats #regie Burst ${i}\n`);
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBe(null);

    const next = startBot(dataDir);
    running.push(next);
    next.child.stdin.end('/update lijst\n');
    expect(await next.exited).toBe(0);
    expect(next.stderr()).toBe('');
    expect(next.stdout()).toContain('Geschreven vlak voor kill -9');
  }, 400_000);
});
