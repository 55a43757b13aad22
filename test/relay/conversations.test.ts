// Private conversations in the core: the subject's command hears every message, in the same
// transaction that stores it and queues its relays (a failing handler keeps and relays
// nothing), and a participant who left is skipped with a log line while the others still get
// it. Console places only (the platforms are covered by the contract and test/relay/relay.test.ts).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { Bot } from '../../src/core/bot.ts';
import { createFieldCipher } from '../../src/core/crypto.ts';
import { defineCommand, type ConversationMessage } from '../../src/core/framework/declarations.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { OutboxWorker } from '../../src/core/outbox/worker.ts';
import { createServices, type Services } from '../../src/core/services.ts';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

describe('private conversations', () => {
  let db: TestDatabase;
  let services: Services;
  let bot: Bot;
  let worker: OutboxWorker;
  const sent: OutboxItem[] = [];
  const logLines: Record<string, unknown>[] = [];
  const heard: { subject: string; author: string; message: ConversationMessage }[] = [];

  // A command of the test's own whose subject is a conversation (the advice feature will be one).
  const proef = defineCommand({
    name: 'proef',
    async onConversationMessage(ctx, subject, message) {
      if (message.text.includes('FOUT')) throw new Error('handler failed');
      heard.push({ subject: subject.id, author: ctx.actor.displayName, message });
    },
  });

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, done) => (logLines.push(JSON.parse(String(chunk))), done()) }));
    services = createServices(db.prisma, { timezone: 'Europe/Amsterdam', defaultLocale: 'nl', admins: [] }, createFieldCipher('test-secret-of-at-least-16-chars'), logger);
    bot = new Bot([...commands, proef], services, logger);
    worker = new OutboxWorker(services.outbox, new Map([['console', async (item: OutboxItem) => void sent.push(item)]]), logger);
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await db?.close();
  });

  const say = (userId: string, code: string, text: string, n: number) =>
    bot.threadMessage({ platform: 'console', channelRef: `@${userId}`, threadRef: code, messageRef: `m-${n}`, author: { platform: 'console', userId, displayName: userId }, text, eventKey: `e-${n}` });
  const to = (userId: string) => sent.filter((item) => item.target.kind === 'user' && item.target.ref === userId).map((item) => replyToPlainText(item.reply));

  it('tells the subject command of each message, and relays it to the others only', async () => {
    const ids = await Promise.all(['amira', 'bram', 'chris'].map(async (name) => (await services.members.resolve('console', name, name)).id));
    expect(await services.conversations.open({ subject: { type: 'proef', id: 'P-1' }, participants: ids, title: 'Drie mensen' })).toBe(3);
    await worker.drain();
    expect(to('bram').join('\n')).toContain('Antwoord met: >P-1 <je bericht>');

    expect(await say('amira', 'P-1', 'Eerste vraag', 1)).toBe('stored');
    // The same message again (a redelivery) is kept and relayed once.
    expect(await say('amira', 'P-1', 'Eerste vraag', 1)).toBe('duplicate');
    await worker.drain();
    expect(heard.map((h) => [h.subject, h.author, h.message.text])).toEqual([['P-1', 'amira', 'Eerste vraag']]);
    for (const other of ['bram', 'chris']) expect(to(other).filter((text) => text.includes('Eerste vraag'))).toEqual(['amira (console): Eerste vraag']);
    expect(to('amira').filter((text) => text.includes('Eerste vraag'))).toHaveLength(0);
    // Someone not in the conversation cannot write in it, not even with its code.
    expect(await say('dirk', 'P-1', 'Mag ik meelezen?', 2)).toBe('ignored');
  });

  it('keeps and relays nothing when the subject command fails: one transaction', async () => {
    const before = { messages: await db.prisma.threadMessage.count(), outbox: await db.prisma.outboxMessage.count() };
    expect(await say('bram', 'P-1', 'Dit gaat FOUT', 3)).toBe('failed');
    expect(await db.prisma.threadMessage.count()).toBe(before.messages);
    expect(await db.prisma.outboxMessage.count()).toBe(before.outbox);
    // The platform's retry of the same message, once the fault is gone, is handled.
    expect(await say('bram', 'P-1', 'Nu gaat het goed', 3)).toBe('stored');
  });

  it('skips a participant who left, with a log line, and still opens it for the others', async () => {
    const eva = await services.members.resolve('console', 'eva', 'eva');
    const left = await services.members.resolve('console', 'fleur', 'fleur');
    await db.prisma.member.delete({ where: { id: left.id } });
    const places = await services.conversations.open({ subject: { type: 'proef', id: 'P-2' }, participants: [eva.id, left.id], title: 'Met iemand die wegging' });
    expect(places).toBe(1);
    expect(logLines.some((line) => line.msg === 'conversation participants not found; skipped' && line.missing === 1)).toBe(true);
    await worker.drain();
    expect(to('eva').join('\n')).toContain('Met iemand die wegging');
    expect(await say('eva', 'P-2', 'Hallo?', 4)).toBe('stored');
  });

  it('relays in each participant’s own language', async () => {
    const [ines, greta, hans] = await Promise.all(['ines', 'greta', 'hans'].map((name) => services.members.resolve('console', name, name)));
    await services.members.setLocale(greta!.id, 'en');
    await services.conversations.open({ subject: { type: 'proef', id: 'P-3' }, participants: [ines!.id, greta!.id, hans!.id], title: 'Drie talen' });
    // Longer than a relay carries: the note on shortening is what shows the language.
    expect(await say('ines', 'P-3', `Lang verhaal ${'x'.repeat(2_000)}`, 5)).toBe('stored');
    await worker.drain();
    const relayed = (userId: string) => to(userId).filter((text) => text.includes('Lang verhaal')).join('\n');
    expect(relayed('greta')).toContain('Shortened: the first 1500 of 2013 characters');
    expect(relayed('hans')).toContain('Ingekort: de eerste 1500 van 2013 tekens');
  });
});
