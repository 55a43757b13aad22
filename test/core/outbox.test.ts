// Messages that must arrive: queued once per key, sent through the adapter, retried after
// failures (waiting as long as the platform asked), and never sent twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryLaterError } from '../../src/core/outbox/worker.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { createTestBot, type TestBot } from '../support/bot.ts';
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

  it('leaves messages for platforms that are not running in the queue', async () => {
    env.deliverers.delete('discord');
    await env.services.outbox.enqueue(env.db.prisma, {
      dedupeKey: 'discord-only',
      target: { platform: 'discord', kind: 'user', ref: '42' },
      locale: 'en',
      reply: { visibility: 'ephemeral', text: 'later' },
    });
    await env.worker.drain();
    expect(await env.services.outbox.pendingCount(['discord'])).toBe(1);
  });

  it('gives up after ten failed tries and says so in the row', async () => {
    env.deliverers.set('slack', async () => {
      throw new Error('channel_not_found');
    });
    await queue('doomed', 'Nooit');
    for (let attempt = 0; attempt < 10; attempt++) {
      await env.db.prisma.outboxMessage.updateMany({ where: { dedupeKey: 'doomed' }, data: { nextAttemptAt: new Date() } });
      await env.worker.drain();
    }
    const row = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'doomed' } });
    expect(row).toMatchObject({ status: 'FAILED', attempts: 10, lastError: 'channel_not_found' });
  });
});
