// Messages that must arrive: queued once per key, sent through the adapter, retried after
// failures (waiting as long as the platform asked), and never sent twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRef } from '../../src/core/messages/message-ref.ts';
import { OutcomeUnknownError, RetryLaterError } from '../../src/core/outbox/worker.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

describe.each(testBackends())('outbox on %s', (kind) => {
  let env: TestBot;
  beforeAll(async () => {
    env = await createTestBot({ kind });
  });
  afterAll(() => env?.close());

  const queue = (dedupeKey: string, text: string, ref = 'U1') =>
    env.services.outbox.enqueue(env.db.prisma, {
      dedupeKey,
      target: { platform: 'slack', kind: 'user', ref },
      locale: 'nl',
      reply: { visibility: 'ephemeral', text },
    });

  it('queues a message once per dedupe key and sends it once', async () => {
    const sent: OutboxItem[] = [];
    env.deliverers.set('slack', async (item) => void sent.push(item));
    await queue('once', 'Hallo');
    await queue('once', 'Hallo');
    await env.worker.drain();
    await env.worker.drain();
    expect(sent.map((item) => item.reply.text)).toEqual(['Hallo']);
    expect(await env.services.outbox.pendingCount(['slack'])).toBe(0);
  });

  it('keeps a message after a failure and sends it on a later try', async () => {
    let failures = 1;
    const sent: string[] = [];
    env.deliverers.set('slack', async (item) => {
      if (failures-- > 0) throw new Error('HTTP 500 from the platform');
      sent.push(item.reply.text!);
    });
    await queue('flaky', 'Na een storing');
    await env.worker.drain();
    expect(sent).toEqual([]);
    const row = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'flaky' } });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'HTTP 500 from the platform' });
    // Make the retry due now instead of waiting out the back-off.
    await env.db.prisma.outboxMessage.update({ where: { id: row.id }, data: { nextAttemptAt: new Date() } });
    await env.worker.drain();
    expect(sent).toEqual(['Na een storing']);
  });

  it('waits as long as the platform asked when it answers 429', async () => {
    env.deliverers.set('slack', async () => {
      throw new RetryLaterError('rate limited', 30_000);
    });
    const before = Date.now();
    await queue('limited', 'Even geduld');
    await env.worker.drain();
    const row = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'limited' } });
    expect(row.status).toBe('PENDING');
    expect(row.nextAttemptAt.getTime() - before).toBeGreaterThanOrEqual(29_000);
  });

  it('leaves messages for platforms that are not running untouched, and sends them once that platform runs', async () => {
    env.deliverers.delete('discord');
    const slackSent = recordDeliveries(env, 'slack');
    await env.services.outbox.enqueue(env.db.prisma, {
      dedupeKey: 'discord-only',
      target: { platform: 'discord', kind: 'user', ref: '42' },
      locale: 'en',
      reply: { visibility: 'ephemeral', text: 'later' },
    });
    const queued = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'discord-only' } });
    await env.worker.drain();
    // Not claimed, not tried, not leased: exactly as it was queued.
    const waiting = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'discord-only' } });
    expect(waiting).toMatchObject({ status: 'PENDING', attempts: 0, lastError: null, sentAt: null });
    expect(waiting.nextAttemptAt).toEqual(queued.nextAttemptAt);
    expect(slackSent).toEqual([]);

    const discordSent = recordDeliveries(env, 'discord');
    await env.worker.drain();
    await env.worker.drain();
    expect(discordSent.map((item) => [item.dedupeKey, item.target.ref, item.reply.text])).toEqual([['discord-only', '42', 'later']]);
    expect((await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'discord-only' } })).status).toBe('SENT');
    env.deliverers.delete('discord');
  });

  it('stores the ref of the sent message, to be found by dedupe key', async () => {
    env.deliverers.set('slack', async (item) => `slack:D${item.target.ref}:1700000000.000042` as MessageRef);
    await queue('with-ref', 'Met verwijzing', 'UREF');
    expect(await env.services.outbox.messageRef('with-ref')).toBeUndefined();
    await env.worker.drain();
    expect(await env.services.outbox.messageRef('with-ref')).toBe('slack:DUREF:1700000000.000042');
    expect(await env.services.outbox.messageRef('never-queued')).toBeUndefined();
  });

  it('remembers that an attempt may have posted, through later failures, so the next one looks first', async () => {
    const seen: boolean[] = [];
    const failures = [new OutcomeUnknownError('slack chat.postMessage: request failed'), new RetryLaterError('rate limited', 0)];
    env.deliverers.set('slack', async (item) => {
      seen.push(item.outcomeUnknown);
      const failure = failures.shift();
      if (failure) throw failure;
      return 'slack:DU1:1.2' as MessageRef;
    });
    await queue('unknown-outcome', 'Misschien al verstuurd');
    for (let pass = 0; pass < 3; pass++) {
      await env.db.prisma.outboxMessage.updateMany({ where: { dedupeKey: 'unknown-outcome' }, data: { nextAttemptAt: new Date() } });
      await env.worker.drain();
    }
    // First try: nothing known; then unknown, and still unknown after the 429 in between.
    expect(seen).toEqual([false, true, true]);
    const row = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'unknown-outcome' } });
    expect(row).toMatchObject({ status: 'SENT', attempts: 2, messageRef: 'slack:DU1:1.2' });
  });

  it('gives up after 30 failed tries (about 19 hours of back-off) and says so in the row', async () => {
    env.deliverers.set('slack', async () => {
      throw new Error('channel_not_found');
    });
    await queue('doomed', 'Nooit');
    const row = () => env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'doomed' } });
    for (let attempt = 0; attempt < 30; attempt++) {
      expect((await row()).status).toBe('PENDING');
      await env.db.prisma.outboxMessage.updateMany({ where: { dedupeKey: 'doomed' }, data: { nextAttemptAt: new Date() } });
      await env.worker.drain();
    }
    expect(await row()).toMatchObject({ status: 'FAILED', attempts: 30, lastError: 'channel_not_found' });
  });
});
