// Where the field-encryption key lives, and the start-up warning when a server keeps it as a
// generated file inside DATA_DIR: started through the real startApp, with Slack and Discord
// the real adapters against the fake servers, on an embedded database in a temp DATA_DIR.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { resolveEncryptionKey } from '../../src/core/crypto.ts';
import { createLogger } from '../../src/core/logger.ts';
import { FakeDiscord } from '../discord/fake-discord.ts';
import { FakeSlack } from '../slack/fake-slack.ts';

const WARNING = /encryption key is a generated file inside DATA_DIR.*set ENCRYPTION_KEY from a secret store/;

describe('resolveEncryptionKey says where the key came from', () => {
  const dir = mkdtempSync(join(tmpdir(), 'binnenuit-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the environment when ENCRYPTION_KEY is set, and then writes no file', () => {
    expect(resolveEncryptionKey('configured-secret-123', dir)).toEqual({ secret: 'configured-secret-123', source: 'environment' });
    expect(existsSync(join(dir, 'encryption.key'))).toBe(false);
  });

  it('a file in DATA_DIR otherwise: created the first time, reused after', () => {
    const first = resolveEncryptionKey(undefined, dir);
    expect(first).toMatchObject({ source: 'dataDir', file: join(dir, 'encryption.key'), created: true });
    expect(resolveEncryptionKey(undefined, dir)).toEqual({ ...first, created: false });
  });
});

// Each start opens the embedded database in DATA_DIR (cold the first time: seconds, more on a busy machine).
describe('the start-up warning about a key beside the data', { timeout: 240_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'binnenuit-keywarn-'));
  const slack = new FakeSlack();
  const discord = new FakeDiscord();
  beforeAll(async () => {
    await slack.start();
    await discord.start();
  });
  afterAll(async () => {
    await slack.stop();
    await discord.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts and stops the whole app with these variables; returns the parsed log lines. */
  async function start(env: Record<string, string>): Promise<Array<{ level: number; msg: string; [key: string]: unknown }>> {
    const lines: string[] = [];
    const logger = createLogger('warn', { write: (line: string) => void lines.push(line) });
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...env });
    const app = await startApp(config, { logger, stdin: new PassThrough(), stdout: new PassThrough() });
    await app.stop();
    return lines.map((line) => JSON.parse(line));
  }

  const slackEnv = () => ({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'signing-secret', SLACK_API_URL: slack.apiUrl });
  const discordEnv = () => ({ DISCORD_TOKEN: 'fake-token', DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl });

  it('warns once on a Slack start with a generated key, naming the file and never the key', async () => {
    const logs = await start(slackEnv());
    const warnings = logs.filter((log) => WARNING.test(log.msg));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, keyFile: join(dataDir, 'encryption.key'), created: true });
    expect(warnings[0]!.msg).toContain('next to the data it protects');
    const key = resolveEncryptionKey(undefined, dataDir).secret;
    expect(JSON.stringify(logs)).not.toContain(key);
  });

  it('warns on a Discord start with the key file made earlier', async () => {
    const warnings = (await start(discordEnv())).filter((log) => WARNING.test(log.msg));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, created: false });
  });

  it('does not warn when ENCRYPTION_KEY is set', async () => {
    const logs = await start({ ...discordEnv(), ENCRYPTION_KEY: 'a-key-from-the-secret-store' });
    expect(logs.filter((log) => WARNING.test(log.msg))).toEqual([]);
  });

  it('does not warn for the console, someone’s own terminal', async () => {
    const logs = await start({});
    expect(logs.filter((log) => WARNING.test(log.msg))).toEqual([]);
  });
});
