// Start-up on Slack that cannot work says so in one line naming the variable to fix, and
// exits 1: `npm start` (tsx src/main.ts) as a person runs it, against a closed port and
// against the fake answering invalid_auth. No JSON line and no stack come before that line.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from './fake-slack.ts';
import { migratedDataDir } from '../support/data-dir.ts';

const dataDir = migratedDataDir('slack-startup');
let fake: FakeSlack;
beforeAll(async () => {
  fake = await new FakeSlack().start();
});
afterAll(async () => {
  await fake?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `npm start`'s entry point with these variables; resolves with its exit code and all it printed. */
function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: process.cwd(),
      // Only what is given here: no .env of the developer's, no Slack variables of the test run.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const lines = (output: string) => output.split('\n').filter((line) => line.trim() !== '');
const slackHttp = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'test-signing-secret' };

describe('Slack start-up errors', () => {
  it('names SLACK_API_URL and the URL when Slack cannot be reached; nothing else is printed', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    // LOG_LEVEL=warn: the database's own info lines ("migration applied") are not about this failure.
    const { code, output } = await start({ ...slackHttp, SLACK_API_URL: url, LOG_LEVEL: 'warn' });
    expect(code).toBe(1);
    expect(lines(output)).toEqual([`Start-up failed: Slack's API at SLACK_API_URL (${url}) is unreachable (ECONNREFUSED)`]);
  }, 180_000);

  it('at the default log level too: no warning, error or stack line comes before the one line', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    const { code, output } = await start({ ...slackHttp, SLACK_API_URL: url });
    expect(code).toBe(1);
    const printed = lines(output);
    expect(printed.at(-1)).toBe(`Start-up failed: Slack's API at SLACK_API_URL (${url}) is unreachable (ECONNREFUSED)`);
    for (const line of printed.slice(0, -1)) {
      // Everything before is an ordinary info line of the start (database ready, guide loaded).
      expect(JSON.parse(line).level).toBeLessThanOrEqual(30);
      expect(line).not.toMatch(/stack|fetch failed|slack/i);
    }
  }, 180_000);

  it('names SLACK_BOT_TOKEN when Slack answers invalid_auth', async () => {
    fake.failNext('auth.test', { status: 200, error: 'invalid_auth' });
    const { code, output } = await start({ ...slackHttp, SLACK_API_URL: fake.apiUrl, LOG_LEVEL: 'warn' });
    expect(code).toBe(1);
    expect(lines(output)).toEqual(['Start-up failed: Slack refused SLACK_BOT_TOKEN (invalid_auth): check the token']);
  }, 180_000);

  it('names SLACK_APP_TOKEN when Socket Mode is refused the app token', async () => {
    fake.failNext('apps.connections.open', { status: 200, error: 'invalid_auth' });
    const { code, output } = await start({ SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_APP_TOKEN: 'xapp-wrong', SLACK_API_URL: fake.apiUrl, LOG_LEVEL: 'warn' });
    expect(code).toBe(1);
    expect(lines(output)).toEqual(['Start-up failed: Slack refused SLACK_APP_TOKEN (invalid_auth): check the token']);
  }, 180_000);
});
