// The hash chain alone cannot see its newest entries go: what is left is a valid, shorter
// chain. The head (newest seq and hash), written to AuditHead with each append, can: removing
// the newest entries, rewriting the last one with a fresh hash, or removing the head are found
// by audit:verify and the start-up check. A head recorded outside the bot catches someone who
// rewrote AuditHead as well.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, holdsRecordedHead, recordAudit, verifyAuditChain } from '../../src/core/audit.ts';
import { translator } from '../../src/core/i18n.ts';
import { checkAuditChainAtStart } from '../../src/core/privacy/startup.ts';
import { verifyReportLines } from '../../src/core/privacy/verify-report.ts';
import { createTestBot, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

describe.each(testBackends())('audit head on %s', (kind) => {
  let env: TestBot;
  const rows = () => env.db.prisma.auditLog.findMany({ orderBy: { seq: 'asc' } });
  const warningsAtStart = async () => {
    const warnings: unknown[][] = [];
    await checkAuditChainAtStart(env.db.prisma, { warn: (...args: unknown[]) => void warnings.push(args), info: () => undefined } as never);
    return warnings;
  };

  beforeAll(async () => {
    env = await createTestBot({ kind });
    for (let n = 1; n <= 5; n++) await recordAudit(env.db.prisma, { action: 'test.head', details: { n } });
  }, 120_000);
  afterAll(() => env?.close());

  it('reports the head, and finds the newest entries removed', async () => {
    const all = await rows();
    const report = await verifyAuditChain(env.db.prisma);
    expect(report).toMatchObject({ ok: true, head: { seq: 5, hash: all[4]!.hash } });
    const recorded = report.head!;

    await env.db.prisma.auditLog.deleteMany({ where: { seq: { gte: 4 } } });
    const cut = await verifyAuditChain(env.db.prisma);
    expect(cut.problems).toEqual([{ kind: 'truncated', seq: 5, id: all[2]!.id }]);
    expect(verifyReportLines(translator('nl'), cut, { head: recorded, holds: await holdsRecordedHead(env.db.prisma, recorded) })).toEqual([
      'Auditlog NIET in orde (3 regels gecontroleerd):',
      '- de nieuwste regels ontbreken: het log eindigt vóór regel 5, de kop die bij het schrijven is vastgelegd',
      `- de opgegeven kop (regel 5, ${recorded.hash}) staat niet (meer) in het log`,
      `Kop van de keten: regel 3, ${all[2]!.hash}. Noteer die buiten de bot; een latere controle met --head 3:${all[2]!.hash} ziet of het log nog zo ver reikt.`,
    ]);
    expect(await warningsAtStart()).toEqual([[{ checked: 3, problems: ['truncated@5'] }, expect.stringContaining('audit log chain is broken')]]);

    // Put back as they were: whole again, and the recorded head is there.
    for (const row of all.slice(3)) await env.db.prisma.auditLog.create({ data: { ...row, details: row.details ?? undefined } });
    expect(await verifyAuditChain(env.db.prisma)).toMatchObject({ ok: true, problems: [] });
    expect(await holdsRecordedHead(env.db.prisma, recorded)).toBe(true);
    expect(await warningsAtStart()).toEqual([]);
  });

  it('finds the last entry rewritten with a recomputed hash, and a removed head', async () => {
    const last = (await rows()).at(-1)!;
    const forged = { ...last, details: { n: 500 } };
    await env.db.prisma.auditLog.update({ where: { id: last.id }, data: { details: forged.details, hash: entryHash(forged) } });
    // The chain itself holds (nothing links to the last entry); the head does not.
    expect((await verifyAuditChain(env.db.prisma)).problems).toEqual([{ kind: 'head', seq: last.seq, id: last.id }]);
    await env.db.prisma.auditLog.update({ where: { id: last.id }, data: { details: last.details ?? undefined, hash: last.hash } });
    expect((await verifyAuditChain(env.db.prisma)).ok).toBe(true);

    const head = await env.db.prisma.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    await env.db.prisma.auditHead.delete({ where: { id: 1 } });
    expect((await verifyAuditChain(env.db.prisma)).problems).toEqual([{ kind: 'head', seq: last.seq, id: last.id }]);
    expect(verifyReportLines(translator('en'), await verifyAuditChain(env.db.prisma))[1]).toBe(`- the last entry (${last.seq}) is not the recorded head: changed, added past the bot, or the head removed (${last.id})`);
    await env.db.prisma.auditHead.create({ data: head });
    // The next append moves the head on, in the same transaction.
    await recordAudit(env.db.prisma, { action: 'test.head', details: { n: 6 } });
    expect(await env.db.prisma.auditHead.findUnique({ where: { id: 1 } })).toMatchObject({ seq: last.seq! + 1 });
    expect((await verifyAuditChain(env.db.prisma)).ok).toBe(true);
  });

  it('cannot see a cut that rewrote the head as well; a head recorded outside can', async () => {
    const report = await verifyAuditChain(env.db.prisma);
    const recorded = report.head!;
    const all = await rows();
    const keep = all.at(-2)!;
    await env.db.prisma.$transaction([
      env.db.prisma.auditLog.delete({ where: { id: all.at(-1)!.id } }),
      env.db.prisma.auditHead.update({ where: { id: 1 }, data: { seq: keep.seq!, hash: keep.hash! } }),
    ]);
    expect((await verifyAuditChain(env.db.prisma)).ok).toBe(true);
    expect(await holdsRecordedHead(env.db.prisma, recorded)).toBe(false);
  });
});
