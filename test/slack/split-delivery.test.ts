// A reply longer than one Slack message: in a channel the first part is the top-level message
// and the further parts go in its thread; when the connection breaks after Slack stored a part
// in the middle, the retry finds that part by its key and goes on without posting it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlack, type SlackHarness } from './harness.ts';
import { blocksText } from './seen.ts';

const paragraph = (n: number) => `Alinea ${n}: ${'samen werken aan zelfbeschikking en tegen huwelijksdwang '.repeat(5).trim()} (einde ${n}).`;

describe('split outbox messages on Slack', () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlack();
  });
  afterAll(async () => {
    await slack?.close();
  });

  it('posts one top-level message with the rest in its thread, each part once after a broken connection in the middle', async () => {
    const text = Array.from({ length: 150 }, (_, i) => paragraph(i + 1)).join('\n\n');
    expect(text.length).toBeGreaterThan(40_000);
    const db = slack.testBot.db.prisma;
    await slack.testBot.services.outbox.enqueue(db, { dedupeKey: 'long-post', target: { platform: 'slack', kind: 'channel', ref: 'CLONG' }, locale: 'nl', reply: { visibility: 'channel', title: 'Overzicht', text } });
    // The second part is stored by Slack, but its answer never arrives.
    slack.fake.faultAfter('chat.postMessage', 1, 'reset-after-store');
    await slack.testBot.worker.drain();
    const row = await db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'long-post' } });
    expect(row).toMatchObject({ status: 'PENDING', outcomeUnknown: true });
    expect(row.partRefs).toHaveLength(1);
    await db.outboxMessage.update({ where: { id: row.id }, data: { nextAttemptAt: new Date() } });
    await slack.testBot.worker.drain();

    const messages = slack.fake.visibleIn('CLONG');
    const [top, ...rest] = messages;
    expect(top!.thread_ts).toBeUndefined();
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((message) => message.thread_ts === top!.ts)).toBe(true);
    const order = [...messages.map((m) => blocksText(m.blocks ?? [])).join('\n').matchAll(/Alinea (\d+):/g)].map((m) => Number(m[1]));
    expect(order).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    for (const message of messages) expect(message.blocks!.length).toBeLessThanOrEqual(50);
    const sent = await db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'long-post' } });
    expect(sent).toMatchObject({ status: 'SENT', messageRef: `slack:CLONG:${encodeURIComponent(top!.ts)}` });
    expect(sent.partRefs).toHaveLength(messages.length);
  });
});
