// Stopping the bot the way an operator or a supervisor does: SIGTERM or SIGINT while it runs on
// a piped console. It finishes what it can and exits 0 (it used to exit 1 with "Start-up failed:
// Transaction API error" from the outbox worker).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { migratedDataDir } from '../support/data-dir.ts';

describe('stopping with a signal', () => {
  const dataDirs: string[] = [];
  afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it.each(['SIGTERM', 'SIGINT'] as const)('%s on a piped console: finishes, exits 0, no error', async (signal) => {
    const dataDir = migratedDataDir('signal');
    dataDirs.push(dataDir);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir },
      stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The input stays open, as in a terminal: only the signal ends it.
    child.stdin.write('/update plaats Vlak voor het stoppen\n');
    const deadline = Date.now() + 150_000;
    while (!stdout.includes('Vlak voor het stoppen') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stdout).toContain('Vlak voor het stoppen');
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/Start-up failed|Error/);
  }, 200_000);
});
