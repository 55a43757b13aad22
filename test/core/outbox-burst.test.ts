// A burst of messages (a fan-out to many channels) goes out in one pass of the worker, at the
// platform's pace, instead of one batch of 20 per timer tick (npm run bench measured about 9
// messages a second before); stop() still ends a pass after the batch in hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewOutboxItem, OutboxItem } from '../../src/core/outbox/outbox.ts';
import { createTestBot, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

describe.each(testBackends())('outbox bursts on %s', (kind) => {
  let env: TestBot;
  beforeAll(async () => {
    env = await createTestBot({ kind });
  });
  afterAll(() => env?.close());

  const burst = (prefix: string, count: number): NewOutboxItem[] =>
    Array.from({ length: count }, (_, i) => ({
      dedupeKey: `${prefix}:${i}`,
      target: { platform: 'slack', kind: 'channel', ref: `C${i % 7}` },
      locale: 'nl',
      reply: { visibility: 'channel', text: `Bericht ${i}` },
    }));

  it('sends a burst of 70 messages in one pass, each once, to its own channel', async () => {
    const sent: OutboxItem[] = [];
    env.deliverers.set('slack', async (item) => void sent.push(item));
    await env.services.outbox.enqueueMany(env.db.prisma, burst('burst', 70));
    const passed = await env.worker.kick();
    expect(passed).toBe(70);
    expect(sent).toHaveLength(70);
    expect(new Set(sent.map((item) => item.dedupeKey)).size).toBe(70);
    const inC0 = sent.filter((item) => item.target.ref === 'C0').map((item) => item.reply.text);
    expect(inC0.sort()).toEqual(Array.from({ length: 10 }, (_, n) => `Bericht ${n * 7}`).sort());
    expect(await env.services.outbox.pendingCount(['slack'])).toBe(0);
  });

  it('stops after the batch in hand when the worker stops, leaving the rest queued', async () => {
    const sent: OutboxItem[] = [];
    let stopping: Promise<void> | undefined;
    env.deliverers.set('slack', async (item) => {
      sent.push(item);
      stopping ??= env.worker.stop();
    });
    const before = await env.services.outbox.pendingCount(['slack']);
    await env.services.outbox.enqueueMany(env.db.prisma, burst('stop', 60));
    await env.worker.kick();
    await stopping;
    expect(sent).toHaveLength(20);
    expect(await env.services.outbox.pendingCount(['slack'])).toBe(before + 40);
  });
});
