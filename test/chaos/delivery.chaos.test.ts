// Chaos: the real Slack and Discord adapters deliver 300 outbox notifications while their fake
// platforms fail 30% of the delivery requests (500, 429 with Retry-After, answers that come
// after the client gave up although the message was stored, connections reset before or after
// storing, hangs). Afterwards every notification is at its platform exactly once, and every row
// is SENT with the ref of that very message. The seed is fixed and printed; CHAOS_SEED=<n>
// repeats a run with another one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordAdapter } from '../../src/adapters/discord/discord-adapter.ts';
import { decodeDiscordRef } from '../../src/adapters/discord/message-ref.ts';
import { SlackAdapter } from '../../src/adapters/slack/slack-adapter.ts';
import { decodeSlackRef } from '../../src/adapters/slack/message-ref.ts';
import { Outbox, type NewOutboxItem } from '../../src/core/outbox/outbox.ts';
import { OutboxWorker, type Deliver } from '../../src/core/outbox/worker.ts';
import type { PlatformName } from '../../src/core/platform.ts';
import { createTestBot, silentLogger, type TestBot } from '../support/bot.ts';
import { sleep, type FaultInjector } from '../support/faults.ts';
import { FakeDiscord } from '../discord/fake-discord.ts';
import { textOf } from '../discord/harness.ts';
import { FakeSlack } from '../slack/fake-slack.ts';

const SEED = Number(process.env.CHAOS_SEED ?? 20261201);
const FAILURE_RATE = 0.3;
const PER_PLATFORM = 150;
/**
 * Short client timeouts, so hangs and stalls cost little (stalls answer after the timeout);
 * not shorter, because on a loaded 2-core machine ordinary calls (auth.test at start-up) take
 * a few hundred milliseconds too.
 */
const REQUEST_TIMEOUT_MS = 400;
const STALL_MS = 600;
/** The drain gives up after this long, so a regression fails with its counts instead of a timeout. */
const DEADLINE_MS = 240_000;

/** Who gets what: DMs to 40 people, posts in 5 channels, replies in 5 threads, per platform. */
function notifications(platform: 'slack' | 'discord'): NewOutboxItem[] {
  const user = (i: number) => (platform === 'slack' ? `UCHAOS${i}` : String(810000000000000000n + BigInt(i)));
  const channel = (i: number) => (platform === 'slack' ? `CCHAOS${i}` : String(820000000000000000n + BigInt(i)));
  const thread = (i: number) => (platform === 'slack' ? `${channel(i)}/1764547200.${String(i).padStart(6, '0')}` : `${channel(i)}/${830000000000000000n + BigInt(i)}`);
  return Array.from({ length: PER_PLATFORM }, (_, n) => {
    const dedupeKey = `chaos:${platform}:${n}`;
    const target =
      n % 5 < 3
        ? { platform, kind: 'user' as const, ref: user(n % 40) }
        : n % 5 === 3
          ? { platform, kind: 'channel' as const, ref: channel(n % 5) }
          : { platform, kind: 'thread' as const, ref: thread(n % 5) };
    return { dedupeKey, target, locale: 'nl' as const, reply: { visibility: 'ephemeral' as const, text: `Melding [${dedupeKey}]` } };
  });
}

describe('outbox deliveries under chaos', () => {
  let testBot: TestBot;
  let fakeSlack: FakeSlack;
  let fakeDiscord: FakeDiscord;
  let slack: SlackAdapter;
  let discord: DiscordAdapter;

  beforeAll(async () => {
    testBot = await createTestBot();
    fakeSlack = await new FakeSlack().start();
    fakeDiscord = new FakeDiscord();
    await fakeDiscord.start();
    slack = new SlackAdapter(testBot.bot, {
      botToken: 'xoxb-chaos',
      signingSecret: 'chaos-signing-secret-0123456789',
      apiUrl: fakeSlack.apiUrl,
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    discord = new DiscordAdapter(testBot.bot, {
      token: 'chaos-token',
      applicationId: fakeDiscord.applicationId,
      apiUrl: fakeDiscord.apiUrl,
      logger: silentLogger,
      registerCommands: false,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    await slack.start();
    await discord.start();
  }, 300_000);

  afterAll(async () => {
    await slack?.stop();
    await discord?.stop();
    await fakeSlack?.stop();
    await fakeDiscord?.stop();
    await testBot?.close();
  });

  it('delivers each of 300 notifications exactly once while 30% of requests fail', async () => {
    // The real outbox on the test database, with back-off short enough for a test: the worker
    // is the one app.ts builds, with each adapter's deliver as its deliverer.
    const outbox = new Outbox(testBot.db.prisma, 'nl', testBot.services.cipher, { backoffMs: () => 50 });
    const deliverers = new Map<PlatformName, Deliver>([
      ['slack', (item, progress) => slack.deliver(item, progress)],
      ['discord', (item, progress) => discord.deliver(item, progress)],
    ]);
    const worker = new OutboxWorker(outbox, deliverers, silentLogger);
    const all = [...notifications('slack'), ...notifications('discord')];
    await outbox.enqueueMany(testBot.db.prisma, all);

    const faults = { stallMs: STALL_MS, retryAfterS: 1 };
    const slackFaults = fakeSlack.injectFaults({ seed: SEED, rate: FAILURE_RATE, ...faults });
    const discordFaults = fakeDiscord.injectFaults({ seed: SEED + 1, rate: FAILURE_RATE, ...faults });
    console.log(`chaos seed ${SEED} (CHAOS_SEED=${SEED} repeats it), failure rate ${FAILURE_RATE}`);

    const started = performance.now();
    // Pass after pass, as the worker's timer would run them; the deadline is checked each pass.
    while ((await outbox.pendingCount(['slack', 'discord'])) > 0 && performance.now() - started < DEADLINE_MS) {
      // Nothing due: what is left waits for its back-off or Retry-After.
      if ((await worker.kick()) === 0) await sleep(100);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const rows = await testBot.db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: 'chaos:' } } });
    const attempts = rows.reduce((sum, row) => sum + row.attempts, 0);
    const report = (name: string, injector: FaultInjector) => `${name}: ${injector.failed} of ${injector.requests} requests failed ${JSON.stringify(injector.counts)}`;
    console.log(`chaos drained in ${seconds} s; ${attempts} failed attempts in all; ${report('slack', slackFaults)}; ${report('discord', discordFaults)}`);

    const slackRows = rows.filter((row) => row.platform === 'SLACK');
    const discordRows = rows.filter((row) => row.platform === 'DISCORD');
    const discordMessages = fakeDiscord.allMessages();
    const discordWithKey = (key: string) => discordMessages.filter((message) => textOf(message).includes(`[${key}]`));
    const slackCount = (key: string) => fakeSlack.messagesWithKey(key).length;

    // First the promise that matters most: nothing arrived twice (by the key in Slack's
    // metadata, by the key in the Discord message's text).
    expect(slackRows.map((row) => [row.dedupeKey, slackCount(row.dedupeKey)]).filter(([, count]) => Number(count) > 1)).toEqual([]);
    expect(discordRows.map((row) => [row.dedupeKey, discordWithKey(row.dedupeKey).length]).filter(([, count]) => Number(count) > 1)).toEqual([]);

    // Then: everything was sent, nothing given up.
    expect(rows).toHaveLength(2 * PER_PLATFORM);
    expect(rows.filter((row) => row.status !== 'SENT').map((row) => [row.dedupeKey, row.status, row.attempts, row.lastError])).toEqual([]);
    // The faults really happened, of every kind, on both platforms.
    for (const injector of [slackFaults, discordFaults]) {
      expect(injector.failed / injector.requests).toBeGreaterThan(0.2);
      for (const count of Object.values(injector.counts)) expect(count).toBeGreaterThan(0);
    }

    // Slack: each key in exactly one stored message, and the row's ref names that message.
    expect(slackRows.map((row) => [row.dedupeKey, slackCount(row.dedupeKey)]).filter(([, count]) => count !== 1)).toEqual([]);
    expect(fakeSlack.messages).toHaveLength(PER_PLATFORM);
    for (const row of slackRows) {
      const [message] = fakeSlack.messagesWithKey(row.dedupeKey);
      expect(decodeSlackRef(row.messageRef ?? '')).toEqual({ channel: message!.channel, ts: message!.ts });
      expect(message!.text).toContain(`[${row.dedupeKey}]`);
    }

    // Discord: each key in the text of exactly one message, and the ref names that message.
    expect(discordRows.map((row) => [row.dedupeKey, discordWithKey(row.dedupeKey).length]).filter(([, count]) => count !== 1)).toEqual([]);
    expect(discordMessages).toHaveLength(PER_PLATFORM);
    for (const row of discordRows) {
      const [message] = discordWithKey(row.dedupeKey);
      expect(decodeDiscordRef(row.messageRef ?? '')).toEqual({ channelId: message!.channel_id, messageId: message!.id });
    }
  }, 300_000);
});
