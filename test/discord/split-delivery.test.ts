// A reply longer than one Discord message arrives as several, in order; when Discord refuses a
// part in the middle, the retry goes on with that part and sends none of the earlier ones again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordHarness, textOf } from './harness.ts';

const messagesRoute = (method: string, path: string) => method === 'POST' && /^\/channels\/\d+\/messages$/.test(path);
const paragraph = (n: number) => `Alinea ${n}: ${'samen werken aan zelfbeschikking en tegen huwelijksdwang '.repeat(5).trim()} (einde ${n}).`;

describe('split outbox messages on Discord', () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await DiscordHarness.create();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('resumes after a refused part in the middle without sending a part twice', async () => {
    const text = Array.from({ length: 60 }, (_, i) => paragraph(i + 1)).join('\n\n');
    const { outbox } = h.testBot.services;
    await outbox.enqueue(h.testBot.db.prisma, { dedupeKey: 'long-dm', target: { platform: 'discord', kind: 'user', ref: 'u-long' }, locale: 'nl', reply: { visibility: 'ephemeral', title: 'Overzicht', text } });
    let posts = 0;
    h.fake.failNext(1, 403, { match: (method, path) => messagesRoute(method, path) && ++posts === 3 });
    await h.testBot.worker.drain();
    const first = h.fake.dmsTo('u-long');
    expect(first).toHaveLength(2);
    const row = await h.testBot.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'long-dm' } });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(row.partRefs).toHaveLength(2);

    await h.testBot.db.prisma.outboxMessage.update({ where: { id: row.id }, data: { nextAttemptAt: new Date() } });
    await h.testBot.worker.drain();
    const seen = h.fake.dmsTo('u-long');
    expect(seen.length).toBeGreaterThan(3);
    const order = [...seen.map(textOf).join('\n').matchAll(/Alinea (\d+):/g)].map((m) => Number(m[1]));
    expect(order).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // The title only on the first message; every message within Discord's limits.
    expect(seen.filter((m) => textOf(m).includes('Overzicht'))).toHaveLength(1);
    for (const message of seen) expect(message.embeds.every((e) => (e.description?.length ?? 0) <= 4096)).toBe(true);
    const sent = await h.testBot.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'long-dm' } });
    expect(sent.status).toBe('SENT');
    expect(sent.partRefs).toHaveLength(seen.length);
    expect(sent.messageRef).toBe(sent.partRefs[0]);
    expect(sent.messageRef).toBe(`discord:${seen[0]!.channel_id}:${seen[0]!.id}`);
  });
});
