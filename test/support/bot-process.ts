// The bot as a real process (`tsx src/main.ts`) with Slack over HTTP against a FakeSlack in the
// test process, on a DATA_DIR of the test's: for the kill -9 tests, which start it, kill it and
// start it again on the same data.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { FakeSlack } from '../slack/fake-slack.ts';
import { BOT_TOKEN, SIGNING_SECRET } from '../slack/harness.ts';
import { healthStatus } from './slack-requests.ts';

/** A first start on a busy 2-core machine can take minutes. */
const START_DEADLINE_MS = 150_000;

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface BotProcess {
  process: ChildProcess;
  /** http://127.0.0.1:<port>, where /slack/events and /healthz are. */
  baseUrl: string;
}

/** Starts the bot and resolves once /healthz answers 200; rejects when it exits first. */
export async function startBotProcess(options: { dataDir: string; fake: FakeSlack; port: number; encryptionKey: string }): Promise<BotProcess> {
  const started = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      DATA_DIR: options.dataDir,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: options.fake.apiUrl,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      ADMINS: 'slack:UADMIN',
      ENCRYPTION_KEY: options.encryptionKey,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    if ((await healthStatus(baseUrl).catch(() => 0)) === 200) return { process: started, baseUrl };
    if (started.exitCode !== null) throw new Error(`the bot exited with ${started.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  started.kill('SIGKILL');
  throw new Error('the bot did not start');
}

/** Resolves when the process has exited (at once when it has already). */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode ? resolve() : child.once('exit', () => resolve())));
}
