// kill -9 while the outbox is sending digests, then a restart on the same data: every subscribed
// channel has its digest exactly once. The bot is a real process (`tsx src/main.ts`, embedded
// database) against the FakeSlack in this test process (model: crash.test.ts).
//
// The window this aims at: Slack holds the posts (FakeSlack.hold), the process dies with them
// in flight, and Slack then carries them out and answers a client that is gone, so Slack has
// posted messages the outbox never marked sent. After the restart the outbox takes those over
// as "outcome unknown" and the Slack delivery looks for each one's key in the channel's history
// before posting, so none is posted twice (src/adapters/slack/posted.ts). The test counts how
// many posts landed in that window, so it shows the window was hit and not only the easy case.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../slack/fake-slack.ts';
import { SIGNING_SECRET, sign } from '../slack/harness.ts';
import { answerAt } from '../support/slack-requests.ts';
import { exited, freePort, startBotProcess } from '../support/bot-process.ts';
import { migratedDataDir } from '../support/data-dir.ts';

const CHANNELS = Array.from({ length: 6 }, (_, i) => `CDIGEST${i}`);


/** A signed slash command typed in `channel`, on a connection of its own; resolves with its response_url once acknowledged. */
async function slashIn(baseUrl: string, fake: FakeSlack, channel: string, userId: string, command: string, text: string): Promise<string> {
  const responseUrl = fake.responseUrl();
  const raw = new URLSearchParams({
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'alliantie',
    channel_id: channel,
    channel_name: channel.toLowerCase(),
    user_id: userId,
    user_name: userId,
    command: `/${command}`,
    text,
    api_app_id: 'A1',
    response_url: responseUrl,
    trigger_id: `trg-${randomUUID()}` }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const status = await new Promise<number>((resolve, reject) => {
    const request = httpRequest(
      `${baseUrl}/slack/events`,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(raw),
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': sign(SIGNING_SECRET, timestamp, raw) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(raw);
  });
  expect(status).toBe(200);
  return responseUrl;
}

describe('kill -9 while digests are being sent (embedded database)', () => {
  const dataDir = migratedDataDir('digest-crash');
  let fake: FakeSlack;
  let child: ChildProcess | undefined;
  let baseUrl = '';

  const startBot = async (port: number): Promise<ChildProcess> => {
    const started = await startBotProcess({ dataDir, fake, port, encryptionKey: 'digest-crash-key-0123456789abcdef' });
    baseUrl = started.baseUrl;
    return started.process;
  };

  afterAll(async () => {
    child?.kill('SIGKILL');
    await fake?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every channel has its digest exactly once after a restart', async () => {
    fake = await new FakeSlack().start();
    const port = await freePort();
    child = await startBot(port);

    // An update for the digests to carry, then a daily digest in each channel.
    await slashIn(baseUrl, fake, 'C0ALLIANTIE', 'UADMIN', 'update', 'plaats #regie Regiotafel Zwolle gestart');
    await expect.poll(() => fake.channelPosts('C0ALLIANTIE').filter((call) => JSON.stringify(call.body).includes('Regiotafel Zwolle')).length, { timeout: 60_000 }).toBe(1);
    for (const channel of CHANNELS) {
      expect((await answerAt(fake, await slashIn(baseUrl, fake, channel, 'UADMIN', 'digest', 'abonneer dagelijks'), 60_000)).text).toContain('dagoverzicht');
    }
    const digestsIn = (channel: string) =>
      fake.channelPosts(channel).filter((call) => JSON.stringify(call.body).includes('Dagoverzicht') && JSON.stringify(call.body).includes('Regiotafel Zwolle')).length;

    // Slack holds every post from now on; each channel's digest is due at once (/digest nu).
    const release = fake.hold('chat.postMessage');
    for (const channel of CHANNELS) {
      expect((await answerAt(fake, await slashIn(baseUrl, fake, channel, 'UADMIN', 'digest', 'nu'), 60_000)).text).toContain('De digest van deze periode staat nu in dit kanaal.');
    }
    await expect.poll(() => fake.heldCalls.filter((method) => method === 'chat.postMessage').length, { timeout: 60_000 }).toBeGreaterThan(0);
    const sender = child;
    sender.kill('SIGKILL');
    await exited(sender);
    // Slack carries out what it held and answers a process that is gone.
    release();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const landedWhileDead = CHANNELS.filter((channel) => digestsIn(channel) > 0);
    expect(landedWhileDead.length, 'posts Slack made that the dead process never marked sent').toBeGreaterThan(0);

    child = await startBot(port);
    await expect.poll(() => CHANNELS.filter((channel) => digestsIn(channel) === 0), { timeout: 90_000, interval: 250 }).toEqual([]);
    // Room for a second post, if one were coming (the worker passes every 2 s).
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(CHANNELS.map(digestsIn)).toEqual(CHANNELS.map(() => 1));
    // And /digest nu now says it went, in every channel: the period counts as sent.
    for (const channel of CHANNELS.slice(0, 2)) {
      expect((await answerAt(fake, await slashIn(baseUrl, fake, channel, 'UADMIN', 'digest', 'nu'), 60_000)).text).toContain('De digest van deze periode is al verstuurd');
    }
    child.kill('SIGTERM');
    await exited(child);
    expect(child.exitCode).toBe(0);
  }, 400_000);
});
