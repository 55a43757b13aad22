// Units of work begin their transaction at the first write: what a unit did is still all or
// nothing, a unit that only reads sends no BEGIN or COMMIT, and a unit's reads after its first
// write see that write. Both databases: PGlite has one connection, where a read outside the
// transaction and the transaction itself must not wait for each other.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readsOnly, UnitOfWork } from '../../src/core/store.ts';
import { countStatements } from '../command-cost/statements.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../support/db.ts';

describe.each(testBackends())('units of work on %s', (kind) => {
  let db: TestDatabase;
  let units: UnitOfWork;
  const words = () => units.store.guideTerm.findMany({ where: { word: { startsWith: 'uow-' } }, orderBy: { word: 'asc' } }).then((rows) => rows.map((row) => row.word));

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    units = new UnitOfWork(db.prisma);
  }, 120_000);
  afterAll(() => db?.close());
  beforeEach(() => db.prisma.guideTerm.deleteMany({ where: { word: { startsWith: 'uow-' } } }));

  /** The statements `work` sends, first words only. */
  async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
    const counter = countStatements(db);
    try {
      await work();
    } finally {
      counter.stop();
    }
    return counter.statements;
  }

  it('a unit that only reads sends no BEGIN and no COMMIT', async () => {
    const statements = await statementsOf(() => units.run(async () => [await words(), await units.store.guideTerm.count()]));
    expect(statements).toHaveLength(2);
    expect(statements).not.toContain('BEGIN');
    expect(statements).not.toContain('COMMIT');
  });

  it('its closing write commits with what the unit wrote, and is skipped when the unit only read', async () => {
    const readOnly = await statementsOf(() =>
      units.run(() => words(), { closingWrite: () => units.store.guideTerm.create({ data: { word: 'uow-never', passages: 1 } }) }),
    );
    expect(readOnly).toHaveLength(1);
    expect(await words()).toEqual([]);

    const together = await statementsOf(() =>
      units.run(() => units.store.guideTerm.create({ data: { word: 'uow-first', passages: 1 } }), {
        closingWrite: () => units.store.guideTerm.create({ data: { word: 'uow-second', passages: 1 } }),
      }),
    );
    expect(together[0]).toBe('BEGIN');
    expect(together.at(-1)).toBe('COMMIT');
    expect(await words()).toEqual(['uow-first', 'uow-second']);
  });

  it('everything after the first write is rolled back when the unit fails, its closing write included', async () => {
    await expect(
      units.run(
        async () => {
          expect(await words()).toEqual([]);
          await units.store.guideTerm.create({ data: { word: 'uow-a', passages: 1 } });
          // Reads after the first write go to the transaction: they see its own writes.
          expect(await words()).toEqual(['uow-a']);
          await units.store.$executeRaw`INSERT INTO "GuideTerm" (word, passages) VALUES ('uow-b', 1)`;
          return 'done';
        },
        {
          closingWrite: async () => {
            await units.store.guideTerm.create({ data: { word: 'uow-c', passages: 1 } });
            throw new Error('the DONE mark found the event done already');
          },
        },
      ),
    ).rejects.toThrow('done already');
    expect(await words()).toEqual([]);
  });

  it("a manager's own transaction, a batch, joins the unit: rolled back with it", async () => {
    await expect(
      units.run(async () => {
        await units.store.$transaction([
          units.store.guideTerm.create({ data: { word: 'uow-x', passages: 1 } }),
          units.store.guideTerm.create({ data: { word: 'uow-y', passages: 1 } }),
        ]);
        expect(await words()).toEqual(['uow-x', 'uow-y']);
        throw new Error('later failure');
      }),
    ).rejects.toThrow('later failure');
    expect(await words()).toEqual([]);
  });

  it('fifty units at once, each reading and then writing, all commit (no unit waits on another for ever)', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        units.run(async () => {
          await units.store.guideTerm.count();
          await units.store.guideTerm.create({ data: { word: `uow-${String(i).padStart(2, '0')}`, passages: i } });
          await Promise.all([units.store.guideTerm.count(), units.store.guideTerm.findFirst({ where: { word: `uow-${i}` } })]);
          // On PGlite the fifty transactions take turns: waiting long is allowed, for ever is not.
        }, { maxWaitMs: 50_000 }),
      ),
    );
    expect(await words()).toHaveLength(50);
  }, 60_000);
});

describe('raw SQL that counts as a read', () => {
  const sql = (text: string) => [Object.assign([text], { raw: [text] })];
  it('is one SELECT or WITH … SELECT that neither writes nor locks', () => {
    expect(readsOnly(sql('SELECT slug FROM "GuidePassage" WHERE slug = $1'))).toBe(true);
    expect(readsOnly(sql('  WITH n AS (SELECT 1) SELECT * FROM n'))).toBe(true);
    expect(readsOnly(['SELECT 1'])).toBe(true);
    // A column may be called "share": only the locking clause counts.
    expect(readsOnly(sql('SELECT word, share FROM guide_analyse_words($1)'))).toBe(true);
  });
  it('anything else is a write, when in doubt too', () => {
    for (const text of [
      'INSERT INTO "AdviceSequence" VALUES (1, 1) RETURNING "last"',
      'WITH moved AS (UPDATE "Outbox" SET status = 1 RETURNING id) SELECT * FROM moved',
      'SELECT id FROM "Outbox" FOR UPDATE SKIP LOCKED',
      'SELECT id FROM "Outbox" FOR SHARE',
      'SELECT id FROM "Outbox" FOR KEY SHARE',
      'WITH x AS (SELECT 1) SELECT 1; LOCK TABLE "Outbox"',
      "SELECT pg_advisory_xact_lock(hashtext('x'))",
      "SELECT nextval('s')",
      'SELECT * FROM "Update"',
    ]) {
      expect(readsOnly(sql(text)), text).toBe(false);
    }
    expect(readsOnly([{ no: 'template' }])).toBe(false);
  });
});
