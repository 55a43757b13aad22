// The digests under the privacy rules: the subscriptions a member made are in their export;
// erasing them takes their name off the subscription while the channel keeps its digest; and
// the records of sent digests go after three months (retention, with a fake clock).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { translator } from '../../src/core/i18n.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { Retention } from '../../src/core/privacy/retention.ts';
import { createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { truncateAll } from '../support/db.ts';
import { runJobAt, subscribe } from './support.ts';

const DAY = 86_400_000;
let testBot: TestBot;
let sent: OutboxItem[];
beforeAll(async () => {
  testBot = await createTestBot();
}, 120_000);
afterAll(() => testBot?.close());
beforeEach(async () => {
  await truncateAll(testBot.db);
  sent = recordDeliveries(testBot, 'console');
});

describe('digests and privacy', () => {
  it('exports the subscriptions a member made; erasing them keeps the channel its digest, without their name', async () => {
    const { view } = await subscribe(testBot.services, new Date('2027-02-27T12:00:00Z'));
    const memberId = view.createdById!;
    const exported = JSON.parse(await testBot.services.privacy.exportData(memberId, memberId, translator('nl'), new Date())) as { parts: Record<string, { explanation: string; data: unknown }> };
    expect(exported.parts.digests!.data).toEqual([{ platform: 'console', channel: 'console', frequency: 'daily', since: view.createdAt.toISOString() }]);
    expect(exported.parts.digests!.explanation).toContain('houdt het kanaal zijn digest');

    await testBot.services.unitOfWork.run(() => testBot.services.privacy.erase(memberId, memberId));
    const kept = await testBot.services.digests.get({ platform: 'console', ref: 'console' });
    expect(kept).toBeDefined();
    expect(kept!.createdById).toBeUndefined();
    // And it still goes.
    await runJobAt(testBot, new Date('2027-03-01T08:00:00Z'));
    expect(sent.filter((item) => item.dedupeKey.startsWith('digest:'))).toHaveLength(1);
  }, 60_000);

  it('removes the record of a sent digest after three months, not before', async () => {
    await subscribe(testBot.services, new Date('2027-02-27T12:00:00Z'));
    await runJobAt(testBot, new Date('2027-03-01T08:00:00Z'));
    // This period's digest (and the previous day's, recorded as missed): all written just now.
    const runs = await testBot.db.prisma.digestRun.findMany({ orderBy: { createdAt: 'asc' } });
    expect(runs.length).toBeGreaterThan(0);
    const first = runs[0]!.createdAt.getTime();
    const last = runs.at(-1)!.createdAt.getTime();
    const retention = new Retention(testBot.db.prisma);
    expect(retention.list().find((rule) => rule.name === 'digests')?.days).toBe(91);
    // The records' clock is when they were written; the rule's clock is passed in (fake time).
    expect((await retention.run(new Date(first + 90 * DAY))).digests).toBe(0);
    expect(await testBot.db.prisma.digestRun.count()).toBe(runs.length);
    expect((await retention.run(new Date(last + 92 * DAY))).digests).toBe(runs.length);
    expect(await testBot.db.prisma.digestRun.count()).toBe(0);
    // The subscription itself stays.
    expect(await testBot.services.digests.get({ platform: 'console', ref: 'console' })).toBeDefined();
  }, 60_000);
});
