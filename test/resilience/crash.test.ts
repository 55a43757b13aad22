// kill -9 in the middle of a burst of commands, then a restart on the same data: every command
// that Slack had an acknowledgement for is done exactly once and answered exactly once, and the
// embedded database opens cleanly. The bot runs as a real process (`tsx src/main.ts`), Slack is
// the FakeSlack in this test process.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPGlite, pgliteDatabase } from '../../src/db/index.ts';
import { createFieldCipher } from '../../src/core/crypto.ts';
import { FakeSlack } from '../slack/fake-slack.ts';
import { sendSlashCommand, type SentCommand } from '../support/slack-requests.ts';
import { exited, freePort, startBotProcess } from '../support/bot-process.ts';
import { migratedDataDir } from '../support/data-dir.ts';

const BURST = 24;


describe('kill -9 during a burst of commands (embedded database)', () => {
  const dataDir = migratedDataDir('crash');
  let fake: FakeSlack;
  let child: ChildProcess | undefined;
  let baseUrl = '';

  const startBot = async (port: number): Promise<ChildProcess> => {
    const started = await startBotProcess({ dataDir, fake, port, encryptionKey: 'crash-test-key-0123456789abcdef' });
    baseUrl = started.baseUrl;
    return started.process;
  };

  afterAll(async () => {
    child?.kill('SIGKILL');
    await fake?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('does and answers every acknowledged command exactly once after a restart', async () => {
    fake = await new FakeSlack().start();
    const port = await freePort();
    child = await startBot(port);

    // The burst: ten at a time; the process is killed once a third of them were acknowledged.
    const texts = Array.from({ length: BURST }, (_, i) => `Burst-${String(i).padStart(3, '0')}-update`);
    const results = new Map<string, SentCommand | 'refused'>();
    let acknowledged = 0;
    const victim = child;
    const send = async (text: string) => {
      try {
        const sent = await sendSlashCommand(baseUrl, fake, 'UADMIN', 'update', `plaats ${text}`);
        results.set(text, sent.status === 200 ? sent : 'refused');
        if (sent.status === 200 && ++acknowledged === Math.ceil(BURST / 3)) victim.kill('SIGKILL');
      } catch {
        results.set(text, 'refused'); // the connection died with the process: never acknowledged
      }
    };
    const queue = [...texts];
    await Promise.all(Array.from({ length: 10 }, async () => {
      for (let text = queue.shift(); text; text = queue.shift()) await send(text);
    }));
    await exited(victim);
    const acked = texts.filter((text) => results.get(text) !== 'refused');
    expect(acked.length).toBeGreaterThanOrEqual(Math.ceil(BURST / 3));

    // Restart on the same data; the recovery finishes what the dead process left.
    child = await startBot(port);
    // The answer: the post in the channel, or through the response_url. Apart from it, the
    // author gets a private confirmation (with Bewerken/Intrekken) in their DM, also once.
    const answersFor = (text: string) =>
      fake.calls.filter((call) => call.method === 'chat.postMessage' && call.body.channel !== 'DUADMIN' && JSON.stringify(call.body).includes(text)).length +
      fake.responses.filter((post) => JSON.stringify(post.body).includes(text)).length;
    const confirmationsFor = (text: string) =>
      fake.calls.filter((call) => call.method === 'chat.postMessage' && call.response?.ok === true && call.body.channel === 'DUADMIN' && JSON.stringify(call.body).includes(text)).length;
    await expect.poll(() => acked.filter((text) => answersFor(text) === 0), { timeout: 60_000, interval: 250 }).toEqual([]);

    // kill -9 while the outbox is sending: twelve link requests, each a DM to the admin; Slack
    // holds the posts, so the process dies with them in flight.
    const release = fake.hold('chat.postMessage');
    const requesters = Array.from({ length: 12 }, (_, i) => `ULINK${String(i).padStart(2, '0')}`);
    for (const user of requesters) expect((await sendSlashCommand(baseUrl, fake, user, 'profiel', 'koppel IOT')).status).toBe(200);
    await expect.poll(() => fake.heldCalls.filter((method) => method === 'chat.postMessage').length, { timeout: 60_000 }).toBeGreaterThan(0);
    const sender = child;
    sender.kill('SIGKILL');
    await exited(sender);
    release();
    child = await startBot(port);
    const dmsAbout = (user: string) => fake.calls.filter((call) => call.method === 'chat.postMessage' && call.response?.ok === true && call.body.channel === 'DUADMIN' && JSON.stringify(call.body).includes(user)).length;
    await expect.poll(() => requesters.filter((user) => dmsAbout(user) === 0), { timeout: 60_000, interval: 250 }).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(requesters.map(dmsAbout)).toEqual(requesters.map(() => 1));

    // A graceful stop, then the data as the next start would see it.
    child.kill('SIGTERM');
    await exited(child);
    expect(child.exitCode).toBe(0);
    const pglite = await createPGlite({ dataDir: join(dataDir, 'pglite') });
    const db = pgliteDatabase(pglite);
    try {
      // Bodies are encrypted at rest with the instance's key.
      const cipher = createFieldCipher('crash-test-key-0123456789abcdef');
      const rows = await db.prisma.update.findMany({ select: { body: true } });
      const stored = rows.map((row) => cipher.decrypt(row.body)).filter((body) => body.startsWith('Burst-'));
      for (const text of acked) {
        expect(stored.filter((body) => body === text), text).toHaveLength(1);
        expect(answersFor(text), text).toBe(1);
        expect(confirmationsFor(text), `confirmation of ${text}`).toBe(1);
      }
      // Nothing is stored twice, acknowledged or not.
      expect(new Set(stored).size).toBe(stored.length);
    } finally {
      await db.close();
    }
  }, 400_000);
});
