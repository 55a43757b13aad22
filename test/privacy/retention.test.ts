// Retention with a fake clock: each rule removes what is past its period and nothing else, in
// batches; the counts go to the audit log; a dry run changes nothing; the audit log's oldest
// entries go with the chain still verifiable; and the nightly job runs once across instances.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, verifyAuditChain } from '../../src/core/audit.ts';
import { createFieldCipher } from '../../src/core/crypto.ts';
import { translator } from '../../src/core/i18n.ts';
import { pruneReportLines } from '../../src/core/privacy/prune-report.ts';
import { Retention } from '../../src/core/privacy/retention.ts';
import { createServices } from '../../src/core/services.ts';
import { housekeeping } from '../../src/scheduler/jobs.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { createTestBot, silentLogger, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2029-03-10T02:30:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

describe.each(testBackends())('retention on %s', (kind) => {
  let env: TestBot;
  beforeAll(async () => {
    env = await createTestBot({ kind });
    const prisma = env.db.prisma;
    const message = (dedupeKey: string, status: 'SENT' | 'PENDING', sentDaysAgo?: number) => ({
      dedupeKey, platform: 'SLACK' as const, targetKind: 'user', targetRef: 'U1', locale: 'nl', payload: { wiped: true }, status,
      sentAt: sentDaysAgo === undefined ? null : ago(sentDaysAgo),
    });
    await prisma.outboxMessage.createMany({ data: [message('sent-31', 'SENT', 31), message('sent-29', 'SENT', 29), message('pending', 'PENDING')] });
    await prisma.processedEvent.createMany({ data: [{ key: 'ev-8', createdAt: ago(8) }, { key: 'ev-6', createdAt: ago(6) }] });
    await prisma.inboxEvent.createMany({
      data: [
        { key: 'in-old', platform: 'SLACK', status: 'ANSWERED', leaseUntil: ago(8), receivedAt: ago(8) },
        { key: 'in-new', platform: 'SLACK', status: 'ANSWERED', leaseUntil: ago(1), receivedAt: ago(1) },
      ],
    });
    // Audit entries of 26, 25 and 1 month(s) ago, through the chain.
    for (const days of [800, 790, 780, 770, 760, 30]) await recordAudit(prisma, { action: 'member.role', details: { days }, at: ago(days) });
  }, 120_000);
  afterAll(() => env?.close());

  it('shows in a dry run what would go, and changes nothing', async () => {
    const retention = new Retention(env.db.prisma);
    const counts = await retention.run(NOW, { dryRun: true });
    expect(counts).toEqual({ sent: 1, events: 1, inbox: 1, drafts: 0, audit: 5, advice: 0, digests: 0 });
    expect(pruneReportLines(translator('nl'), retention.list(), counts, true)).toEqual([
      'Proefrun: dit zou nu weggaan (er verandert niets):',
      '- verzonden berichten (ouder dan 30 dagen): 1',
      '- sleutels van verwerkte gebeurtenissen (ouder dan 7 dagen): 1',
      '- afgehandelde opdrachten (ouder dan 7 dagen): 1',
      '- verlopen formulieren (ouder dan 0 dagen): 0',
      '- auditregels (ouder dan 730 dagen): 5',
      '- afgesloten adviesvragen met hun gesprek (ouder dan 365 dagen): 0',
      '- verslagen van verstuurde digests (ouder dan 91 dagen): 0',
    ]);
    expect(await env.db.prisma.outboxMessage.count()).toBe(3);
    expect(await env.db.prisma.auditLog.count()).toBe(6);
  });

  it('runs nightly on one instance only, removes in batches, keeps the chain verifiable, and audits the counts', async () => {
    // Two instances on one database, both at 03:30.
    const services = [env.services, createServices(env.db.prisma, env.services.settings, createFieldCipher('test-secret-of-at-least-16-chars'))];
    // Small batches, so removing five audit entries takes several.
    (services[1] as { retention: Retention }).retention = new Retention(env.db.prisma, { batchSize: 2 });
    (services[0] as { retention: Retention }).retention = new Retention(env.db.prisma, { batchSize: 2 });
    const schedulers = services.map((s) => new Scheduler([housekeeping], s, 'Europe/Amsterdam', silentLogger));
    const results = await Promise.all(schedulers.map((scheduler) => scheduler.run(housekeeping, NOW)));
    expect(results.filter(Boolean)).toEqual([{ wiped: 0, sent: 1, events: 1, inbox: 1, drafts: 0, audit: 5, advice: 0, digests: 0 }]);
    expect((await env.db.prisma.outboxMessage.findMany({ orderBy: { dedupeKey: 'asc' } })).map((m) => m.dedupeKey)).toEqual(['pending', 'sent-29']);
    expect((await env.db.prisma.processedEvent.findMany()).map((e) => e.key)).toEqual(['ev-6']);
    expect((await env.db.prisma.inboxEvent.findMany()).map((e) => e.key)).toEqual(['in-new']);
    const kept = await env.db.prisma.auditLog.findMany({ orderBy: { seq: 'asc' } });
    expect(kept.map((entry) => entry.action)).toEqual(['member.role', 'audit.pruned', 'audit.pruned', 'audit.pruned', 'retention.prune']);
    expect(kept.at(-1)!.details).toEqual({ sent: 1, events: 1, inbox: 1, audit: 5 });
    expect(await verifyAuditChain(env.db.prisma)).toMatchObject({ ok: true, problems: [] });
    // The next night on the other instance: its own day, nothing left to do.
    expect(await schedulers[1]!.run(housekeeping, new Date(NOW.getTime() + DAY))).toMatchObject({ sent: 0, audit: 0 });
    // A kept entry removed quietly afterwards is still found.
    await env.db.prisma.auditLog.delete({ where: { id: kept[0]!.id } });
    expect((await verifyAuditChain(env.db.prisma)).problems).toEqual([expect.objectContaining({ kind: 'missing' })]);
  });
});
