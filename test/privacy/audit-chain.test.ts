// The audit log is a hash chain: a changed or removed row is found, two writers at once never
// fork it, and /privacy audit shows admins one line per entry (and nobody else anything).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, Requester } from '../../src/core/bot.ts';
import { recordAudit, verifyAuditChain } from '../../src/core/audit.ts';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import { translator } from '../../src/core/i18n.ts';
import { checkAuditChainAtStart } from '../../src/core/privacy/startup.ts';
import { verifyReportLines } from '../../src/core/privacy/verify-report.ts';
import { createTestBot, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const place = { platform: 'console' as const, channelRef: 'general' };
const person = (userId: string): Requester => ({ platform: 'console', userId, displayName: userId });
const textOf = (outcome: Outcome) => (outcome.kind === 'reply' || outcome.kind === 'invalid' ? replyToPlainText(outcome.reply) : '');

describe.each(testBackends())('audit chain on %s', (kind) => {
  let env: TestBot;
  const type = (userId: string, line: string) => {
    const [, command, text] = /^\/(\S+)\s*([\s\S]*)$/.exec(line)!;
    return env.bot.handleText({ requester: person(userId), place, command: command!, text: text! });
  };

  beforeAll(async () => {
    env = await createTestBot({ kind, admins: ['console:admin'] });
  }, 120_000);
  afterAll(() => env?.close());

  it('links every entry to the one before, also with many writers at once', async () => {
    const writers = Array.from({ length: 8 }, (_, i) =>
      env.services.unitOfWork.run(() => recordAudit(env.services.unitOfWork.store, { action: 'test.concurrent', subject: `s${i}`, details: { i } })),
    );
    // And some without a unit of work, straight on the client.
    writers.push(recordAudit(env.db.prisma, { action: 'test.concurrent', details: { i: 99 } }));
    await Promise.all(writers);
    const rows = await env.db.prisma.auditLog.findMany({ orderBy: { seq: 'asc' } });
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(new Set(rows.map((row) => row.prevHash)).size).toBe(rows.length);
    expect(await verifyAuditChain(env.db.prisma)).toMatchObject({ ok: true, checked: rows.length, problems: [] });
  });

  it('detects an edited row and a deleted row, and the start-up check says so', async () => {
    await recordAudit(env.db.prisma, { action: 'test.more', details: { n: 1 } });
    await recordAudit(env.db.prisma, { action: 'test.more', details: { n: 2 } });
    const rows = await env.db.prisma.auditLog.findMany({ orderBy: { seq: 'asc' } });
    const edited = rows[3]!;
    await env.db.prisma.auditLog.update({ where: { id: edited.id }, data: { details: { i: 1000 } } });
    const afterEdit = await verifyAuditChain(env.db.prisma);
    expect(afterEdit.ok).toBe(false);
    expect(afterEdit.problems).toEqual([{ kind: 'changed', seq: edited.seq, id: edited.id }]);
    expect(verifyReportLines(translator('nl'), afterEdit)).toEqual([
      `Auditlog NIET in orde (${rows.length} regels gecontroleerd):`,
      `- regel ${edited.seq} is veranderd (${edited.id})`,
      expect.stringMatching(new RegExp(`^Kop van de keten: regel ${rows.length}, [0-9a-f]{64}\\. Noteer die buiten de bot`)),
    ]);
    const warnings: unknown[][] = [];
    await checkAuditChainAtStart(env.db.prisma, { warn: (...args: unknown[]) => void warnings.push(args), info: () => undefined } as never);
    expect(warnings).toEqual([[{ checked: rows.length, problems: [`changed@${edited.seq}`] }, expect.stringContaining('audit log chain is broken')]]);
    await env.db.prisma.auditLog.update({ where: { id: edited.id }, data: { details: edited.details ?? undefined } });
    expect((await verifyAuditChain(env.db.prisma)).ok).toBe(true);
    warnings.length = 0;
    await checkAuditChainAtStart(env.db.prisma, { warn: (...args: unknown[]) => void warnings.push(args), info: () => undefined } as never);
    expect(warnings).toEqual([]);

    const deleted = rows[5]!;
    await env.db.prisma.auditLog.delete({ where: { id: deleted.id } });
    const afterDelete = await verifyAuditChain(env.db.prisma);
    expect(afterDelete.problems).toEqual([{ kind: 'missing', seq: deleted.seq! + 1, id: rows[6]!.id }]);
    expect(verifyReportLines(translator('en'), afterDelete).at(-2)).toBe(`- entries before entry ${deleted.seq! + 1} are missing (${rows[6]!.id})`);
    // Put back as it was, the chain holds again.
    await env.db.prisma.auditLog.create({ data: { ...deleted, details: deleted.details ?? undefined } });
    expect((await verifyAuditChain(env.db.prisma)).ok).toBe(true);

    // A row slipped in past recordAudit has no place in the chain.
    await env.db.prisma.auditLog.create({ data: { action: 'test.sneaky' } });
    expect((await verifyAuditChain(env.db.prisma)).problems).toEqual([expect.objectContaining({ kind: 'unchained' })]);
    await env.db.prisma.auditLog.deleteMany({ where: { action: 'test.sneaky' } });
  });

  it('shows admins one line per entry with time, action in words and who; refuses others', async () => {
    await type('fatima', '/help');
    expect(textOf(await type('admin', '/profiel rol fatima adviseur'))).toContain('fatima is nu adviseur');
    const all = textOf(await type('admin', '/privacy audit'));
    expect(all).toContain('Auditlog');
    expect(all).toMatch(/^- \w+ \d{1,2} \w+ \d{4} om \d\d:\d\d · rol gewijzigd · door admin · over fatima$/m);
    const about = textOf(await type('admin', '/privacy audit fatima'));
    expect(about).toContain('Auditlog over fatima');
    expect(about).not.toContain('test.concurrent');
    expect(about.split('\n').filter((line) => line.startsWith('- '))).toHaveLength(1);
    // Reading the log is itself recorded.
    expect(textOf(await type('admin', '/privacy audit fatima'))).toContain('auditlog bekeken · door admin');
    expect(textOf(await type('admin', '/privacy audit sinds:2099-01-01'))).toContain('Geen regels gevonden');
    expect(textOf(await type('admin', '/privacy audit sinds:1-12-2020'))).toContain('rol gewijzigd');

    expect(textOf(await type('fatima', '/privacy audit'))).toContain('alleen voor beheerders');
    const before = await env.db.prisma.auditLog.count();
    expect(textOf(await type('admin', '/privacy audit sinds:banaan'))).toContain("'banaan' begrijp ik niet als datum");
    expect(textOf(await type('admin', '/privacy audit niemand'))).toContain('Ik ken niemand als niemand');
    expect(await env.db.prisma.auditLog.count()).toBe(before);
    expect(textOf(await type('admin', '/privacy audit'))).not.toMatch(/[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-/);
  });
});
