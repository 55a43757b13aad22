// A burst: 400 /update plaats at 50 at a time against the whole running bot (startApp, Slack
// over HTTP, the FakeSlack), on the embedded database and on PostgreSQL. Every command is
// acknowledged, stored exactly once and answered exactly once; the process keeps its pool
// (no "unable to start a transaction" collapse). Ack times are measured in `npm run bench`.
//
// A machine starved of CPU (measured at load 15 on 2 cores) can make an insert miss the 2 s
// deadline before the ack; the person is then told "try again, nothing was stored" (the same
// answer a hung database gives within Slack's 3 s). That is allowed here for at most 1% of
// the commands, and only with that answer and nothing stored: never silence, never twice.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.ts';
import type { SlackAdapter } from '../../src/adapters/slack/slack-adapter.ts';
import { loadConfig } from '../../src/config.ts';
import { translator } from '../../src/core/i18n.ts';
import { silentLogger } from '../support/bot.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../support/db.ts';
import { sendSlashCommand } from '../support/slack-requests.ts';
import { FakeSlack } from '../slack/fake-slack.ts';
import { BOT_TOKEN, SIGNING_SECRET } from '../slack/harness.ts';
import { migratedDataDir } from '../support/data-dir.ts';

const COMMANDS = 400;
const CONCURRENCY = 50;
const tryAgain = translator('nl')('errors.unavailable');

describe.each(testBackends())('400 commands at concurrency 50 on %s', (kind) => {
  const dataDir = migratedDataDir('load');
  let server: TestDatabase | undefined;
  let fake: FakeSlack | undefined;
  let app: App | undefined;

  afterAll(async () => {
    await app?.stop();
    await fake?.stop();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores and answers every one exactly once', async () => {
    if (kind === 'postgres') server = await createTestDatabase('postgres');
    fake = await new FakeSlack().start();
    app = await startApp(
      loadConfig({
        ...(server?.url ? { DATABASE_URL: server.url } : {}),
        DATA_DIR: dataDir,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        ENCRYPTION_KEY: 'load-test-key-0123456789abcdef',
        ADMINS: 'slack:UADMIN' }),
      { logger: silentLogger },
    );
    const adapter = app.adapters[0] as SlackAdapter;
    const baseUrl = `http://127.0.0.1:${adapter.address!.port}`;

    const texts = Array.from({ length: COMMANDS }, (_, i) => `Drukte-${String(i).padStart(4, '0')}-bericht`);
    const statuses: number[] = [];
    const responseUrls = new Map<string, string>();
    const queue = [...texts];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let text = queue.shift(); text; text = queue.shift()) {
          const sent = await sendSlashCommand(baseUrl, fake!, 'UADMIN', 'update', `plaats ${text}`);
          responseUrls.set(text, sent.responseUrl);
          statuses.push(sent.status);
        }
      }),
    );
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    // Acknowledged at once, worked off in turn: on a busy machine the queue takes a while.
    // Bodies are encrypted at rest: counted through the manager.
    const drukte = async () => (await app!.services.updates.list({ limit: 10_000 })).filter((u) => u.body.startsWith('Drukte-'));
    const refused = () => {
      const urls = new Set(fake!.responses.filter((post) => JSON.stringify(post.body).includes(tryAgain)).map((post) => post.url));
      return texts.filter((text) => urls.has(responseUrls.get(text)!));
    };
    const settledCount = async () => (await drukte()).length + refused().length;
    await expect.poll(settledCount, { timeout: 400_000, interval: 500 }).toBe(COMMANDS);
    await adapter.settled();

    const told = refused();
    console.log(`load on ${kind}: ${COMMANDS - told.length} stored, ${told.length} told to try again`);
    expect(told.length).toBeLessThanOrEqual(COMMANDS / 100);
    const rows = await drukte();
    const bodies = rows.map((row) => row.body);
    expect(new Set(bodies).size).toBe(rows.length);
    expect(told.filter((text) => bodies.includes(text))).toEqual([]);
    expect(rows).toHaveLength(COMMANDS - told.length);
    const answers = new Map<string, number>();
    // The answer is the channel post (or the response_url); the author's private confirmation
    // (with Bewerken/Intrekken, in their DM) is another message, counted apart.
    const confirmations = () => {
      const counted = new Map<string, number>();
      for (const call of fake!.calls.filter((c) => c.method === 'chat.postMessage' && c.response?.ok === true && c.body.channel === 'DUADMIN')) {
        const text = /Drukte-\d{4}-bericht/.exec(JSON.stringify(call.body))?.[0];
        if (text) counted.set(text, (counted.get(text) ?? 0) + 1);
      }
      return counted;
    };
    for (const call of fake.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel !== 'DUADMIN')) {
      const text = /Drukte-\d{4}-bericht/.exec(JSON.stringify(call.body))?.[0];
      if (text) answers.set(text, (answers.get(text) ?? 0) + 1);
    }
    for (const post of fake.responses) {
      const text = /Drukte-\d{4}-bericht/.exec(JSON.stringify(post.body))?.[0];
      if (text) answers.set(text, (answers.get(text) ?? 0) + 1);
    }
    expect(texts.filter((text) => !told.includes(text) && answers.get(text) !== 1)).toEqual([]);
    // Sent by the outbox worker, after the answers: each stored update's confirmation once.
    const unconfirmed = () => {
      const counted = confirmations();
      return texts.filter((text) => !told.includes(text) && counted.get(text) !== 1);
    };
    await expect.poll(unconfirmed, { timeout: 120_000, interval: 500 }).toEqual([]);
    // Nothing left half-done in the inbox.
    expect(await app.db.prisma.inboxEvent.count({ where: { status: { notIn: ['ANSWERED', 'FAILED'] } } })).toBe(0);
  }, 600_000);
});
