// `npm start` as a newcomer runs it: slash commands piped into the console, replies on stdout,
// exit 0 at the end of input; on the embedded database and, when a server is given, PostgreSQL.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { createTestDatabase, testBackends, type TestDatabase } from '../support/db.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(input: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

// A first start creates and migrates the embedded database: on a busy 2-core machine a
// spawned `npm start` has taken over a minute, well past vitest's default 30 s.
const START_TIMEOUT = 180_000;

describe.each(testBackends())('the console on %s', (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'binnenuit-console-'));
  let server: TestDatabase | undefined;
  const env = async () => {
    if (kind === 'postgres') server ??= await createTestDatabase('postgres');
    return { DATA_DIR: dataDir, ...(server?.url ? { DATABASE_URL: server.url } : {}) };
  };
  afterAll(() => server?.close());
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints the command list and a passage, and exits 0 at the end of input', async () => {
    const run = await start('/help\n/handreiking zoek financiering\n', await env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('/update plaats [#thema] <tekst>');
    expect(run.stdout).toContain('/handreiking zoek <zoekterm>');
    expect(run.stdout).toMatch(/5\. Financiering ·/);
  }, START_TIMEOUT);

  it('keeps what was posted across a restart, and presses buttons by number', async () => {
    const first = await start('/update plaats #regie Regiotafel in Lelystad gestart\n/profiel koppel IOT\n!1\n', await env());
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Regiotafel in Lelystad gestart');
    expect(first.stdout).toContain('local vraagt om koppeling aan Inspraakorgaan Turken');
    expect(first.stdout).toContain('local is nu gekoppeld aan Inspraakorgaan Turken');
    const second = await start('/update lijst\n/profiel\n', await env());
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Regiotafel in Lelystad gestart');
    expect(second.stdout).toContain('Organisatie: Inspraakorgaan Turken (Consortium Zelfbeschikking)');
  }, START_TIMEOUT);
});

describe('start-up with a wrong configuration', () => {
  it('prints one line naming the variable and exits 1', async () => {
    const badDir = mkdtempSync(join(tmpdir(), 'binnenuit-bad-'));
    onTestFinished(() => rmSync(badDir, { recursive: true, force: true }));
    const run = await start('', { PORT: 'tachtig', DATA_DIR: badDir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe('Configuration error: PORT expected a port number 0-65535');
  }, START_TIMEOUT);
});
