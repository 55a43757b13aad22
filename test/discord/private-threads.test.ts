// H6: when Discord will not make private threads, conversations fall back to DMs, and the
// adapter says so once as a warning, not for every conversation.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_ID, DiscordHarness, textOf } from './harness.ts';

describe('Discord private threads refused', () => {
  let h: DiscordHarness;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    h = await DiscordHarness.create({ adapter: { messageContent: true, logger } });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('falls back to DMs for every conversation, warning once', async () => {
    const { services } = h.testBot;
    await services.channels.register({ platform: 'discord', ref: CHANNEL_ID }, 'conversations');
    h.fake.refuseThreads = true;
    const people = [await services.members.resolve('discord', '100000000000000081', 'Joke'), await services.members.resolve('discord', '100000000000000082', 'Karim')];
    for (const id of ['P-1', 'P-2', 'P-3']) await services.conversations.open({ subject: { type: 'proef', id }, participants: people.map((p) => p.id), title: `Gesprek ${id}` });
    await h.testBot.worker.drain();
    for (const person of people) {
      const dms = h.fake.dmsTo(person.identities[0]!.externalId).map(textOf);
      expect(dms.filter((text) => /Gesprek P-\d/.test(text))).toHaveLength(3);
    }
    const warnings = lines.filter((line) => line.msg === 'discord private threads unavailable; private conversations use direct messages');
    expect(warnings).toHaveLength(1);
    expect(h.fake.privateThreads.size).toBe(0);
  });
});
