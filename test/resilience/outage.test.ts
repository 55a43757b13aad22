// The database goes away while the bot runs: a real PostgreSQL server of the test's own is
// stopped hard and started again, then frozen (SIGSTOP) and thawed. Meanwhile every command is
// answered within Slack's 3 seconds with "try again in a moment", nothing is half-stored,
// /healthz says 503, the process never dies, and once the server is back it all works again
// without a restart.
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.ts';
import { createFieldCipher } from '../../src/core/crypto.ts';
import type { SlackAdapter } from '../../src/adapters/slack/slack-adapter.ts';
import { loadConfig } from '../../src/config.ts';
import { translator } from '../../src/core/i18n.ts';
import { silentLogger } from '../support/bot.ts';
import { PgServer, postgresAvailable } from '../support/pg-server.ts';
import { answerAt, healthStatus, sendSlashCommand } from '../support/slack-requests.ts';
import { FakeSlack } from '../slack/fake-slack.ts';
import { BOT_TOKEN, SIGNING_SECRET } from '../slack/harness.ts';
import { migratedDataDir } from '../support/data-dir.ts';

const tryAgain = translator('nl')('errors.unavailable');
const ENCRYPTION_KEY = 'outage-test-key-0123456789';

describe.skipIf(!postgresAvailable)('a database outage while the bot runs (real PostgreSQL)', () => {
  let server: PgServer;
  let fake: FakeSlack;
  let app: App;
  let baseUrl: string;
  const dataDir = migratedDataDir('outage');

  const cipher = createFieldCipher(ENCRYPTION_KEY);
  const updatesWith = async (text: string): Promise<number> => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      // Bodies are encrypted at rest with the instance's key: read them as the bot would.
      const { rows } = await client.query<{ body: string }>('SELECT body FROM "Update"');
      return rows.filter((row) => cipher.decrypt(row.body) === text).length;
    } finally {
      await client.end();
    }
  };

  const waitForHealth = async (status: number, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await healthStatus(baseUrl)) === status) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`/healthz never answered ${status}`);
  };

  /** A command while the server is away: acknowledged and answered "try again" within 3 s. */
  const commandWhileDown = async (text: string) => {
    const sent = await sendSlashCommand(baseUrl, fake, 'UADMIN', 'update', `plaats ${text}`);
    const started = Date.now() - sent.ackMs;
    expect(sent.status).toBe(200);
    const answer = await answerAt(fake, sent.responseUrl);
    expect(answer.text).toContain(tryAgain);
    expect(answer.at - started).toBeLessThan(3000);
  };

  beforeAll(async () => {
    server = await PgServer.create();
    fake = await new FakeSlack().start();
    const config = loadConfig({
      DATABASE_URL: server.url,
      DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      ENCRYPTION_KEY,
      ADMINS: 'slack:UADMIN',
      LOG_LEVEL: 'silent' });
    app = await startApp(config, { logger: silentLogger });
    baseUrl = `http://127.0.0.1:${(app.adapters[0] as SlackAdapter).address!.port}`;
  }, 60_000);

  afterAll(async () => {
    server?.thaw();
    await app?.stop();
    await fake?.stop();
    server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('works before the outage', async () => {
    const sent = await sendSlashCommand(baseUrl, fake, 'UADMIN', 'update', 'plaats Voor de storing');
    expect(sent.status).toBe(200);
    await waitForHealth(200);
    await expect.poll(() => updatesWith('Voor de storing'), { timeout: 15_000 }).toBe(1);
  });

  it('answers "try again" within 3 s while the server is stopped, says 503, stores nothing, and recovers without a restart', async () => {
    server.stopHard();
    await commandWhileDown('Tijdens de storing');
    await commandWhileDown('Nog steeds storing');
    expect(await healthStatus(baseUrl)).toBe(503);
    // The outbox worker and the inbox recovery tick on in the background meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 2500));

    server.start();
    await waitForHealth(200);
    const sent = await sendSlashCommand(baseUrl, fake, 'UADMIN', 'update', 'plaats Na de storing');
    expect(sent.status).toBe(200);
    await expect.poll(() => updatesWith('Na de storing'), { timeout: 10_000 }).toBe(1);
    expect(await updatesWith('Tijdens de storing')).toBe(0);
    expect(await updatesWith('Nog steeds storing')).toBe(0);
  }, 60_000);

  it('answers "try again" within 3 s while the server hangs (SIGSTOP), and recovers once it is thawed', async () => {
    server.freeze();
    await commandWhileDown('Server hangt');
    expect(await healthStatus(baseUrl)).toBe(503);
    server.thaw();
    await waitForHealth(200);
    const sent = await sendSlashCommand(baseUrl, fake, 'UADMIN', 'update', 'plaats Server ontdooid');
    expect(sent.status).toBe(200);
    await expect.poll(() => updatesWith('Server ontdooid'), { timeout: 20_000 }).toBe(1);
    // Told to try again, so it must not have happened behind the person's back either.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await updatesWith('Server hangt')).toBe(0);
  }, 60_000);
});
