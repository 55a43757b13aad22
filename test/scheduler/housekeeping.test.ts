// Housekeeping forgets old event keys and old sent messages, and nothing that still matters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask } from 'node-cron';
import { housekeeping } from '../../src/scheduler/jobs.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { createTestBot, silentLogger, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const DAY = 24 * 60 * 60 * 1000;

describe.each(testBackends())('housekeeping on %s', (kind) => {
  let env: TestBot;
  beforeAll(async () => {
    env = await createTestBot({ kind });
  });
  afterAll(() => env?.close());

  it('removes event keys older than a week and sent messages older than a month', async () => {
    const now = new Date('2026-12-01T02:15:00Z');
    const prisma = env.db.prisma;
    await prisma.processedEvent.createMany({
      data: [
        { key: 'old', createdAt: new Date(now.getTime() - 8 * DAY) },
        { key: 'recent', createdAt: new Date(now.getTime() - 1 * DAY) },
      ],
    });
    const message = (dedupeKey: string, status: 'SENT' | 'PENDING' | 'FAILED', sentDaysAgo?: number) => ({
      dedupeKey,
      platform: 'SLACK' as const,
      targetKind: 'user',
      targetRef: 'U1',
      locale: 'nl',
      payload: { visibility: 'ephemeral', text: 'x' },
      status,
      sentAt: sentDaysAgo === undefined ? null : new Date(now.getTime() - sentDaysAgo * DAY),
    });
    await prisma.outboxMessage.createMany({
      data: [message('sent-old', 'SENT', 31), message('sent-new', 'SENT', 2), message('waiting', 'PENDING'), message('failed', 'FAILED')],
    });
    // Form drafts live 15 minutes: one from before, one still open.
    const expiredDraft = await env.services.formDrafts.put({ values: { tekst: 'oud' } }, new Date(now.getTime() - 20 * 60_000));
    const openDraft = await env.services.formDrafts.put({ values: { tekst: 'nieuw' } }, new Date(now.getTime() - 60_000));
    const scheduler = new Scheduler([housekeeping], env.services, 'Europe/Amsterdam', silentLogger);
    expect(await scheduler.run(housekeeping, now)).toEqual({ events: 1, sent: 1, wiped: 1, drafts: 1, inbox: 0, audit: 0, advice: 0, digests: 0 });
    expect((await prisma.formDraft.findMany()).map((draft) => draft.token)).toEqual([openDraft]);
    expect(expiredDraft).not.toBe(openDraft);
    expect((await prisma.processedEvent.findMany()).map((e) => e.key)).toEqual(['recent']);
    expect((await prisma.outboxMessage.findMany({ orderBy: { dedupeKey: 'asc' } })).map((m) => m.dedupeKey)).toEqual(['failed', 'sent-new', 'waiting']);
    // A sent message keeps where it went, not what it said; unsent ones keep their content.
    const payloads = await prisma.outboxMessage.findMany({ orderBy: { dedupeKey: 'asc' }, select: { payload: true } });
    expect(payloads.map((m) => m.payload)).toEqual([{ visibility: 'ephemeral', text: 'x' }, { wiped: true }, { visibility: 'ephemeral', text: 'x' }]);
  });

  it('runs at 03:15 Amsterdam time, in winter and in summer', () => {
    const task = createTask(housekeeping.cron, () => undefined, { timezone: 'Europe/Amsterdam' });
    expect(task.match(new Date('2026-12-01T02:15:00Z'))).toBe(true);
    expect(task.match(new Date('2027-07-01T01:15:00Z'))).toBe(true);
    expect(task.match(new Date('2027-07-01T02:15:00Z'))).toBe(false);
    void task.destroy();
  });
});
