// openDatabase(): seeding, persistence across restarts, health, and the test helpers themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseHealthy, openDatabase } from '../../src/db/index.ts';
import { SEED_ORGANISATIONS, seedOrganisations } from '../../src/db/seed.ts';
import {
  createBlankDatabase,
  createTestDatabase,
  testBackends,
  truncateAll,
  type TestDatabase,
} from '../support/db.ts';

describe.each(testBackends())('database on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('seeds Movisie, the seven consortium organisations and the gemeenten once', async () => {
    const count = await db.prisma.organisation.count();
    expect(count).toBe(SEED_ORGANISATIONS.length);
    expect(await seedOrganisations(db.prisma)).toEqual({ created: 0, updated: 0 });
    expect(await db.prisma.organisation.count()).toBe(count);

    const byKind = await db.prisma.organisation.groupBy({ by: ['kind'], _count: true, orderBy: { kind: 'asc' } });
    expect(Object.fromEntries(byKind.map((g) => [g.kind, g._count]))).toEqual({
      MOVISIE: 1,
      CONSORTIUM: 7,
      GEMEENTE: SEED_ORGANISATIONS.length - 8,
    });
    const iot = await db.prisma.organisation.findUniqueOrThrow({ where: { slug: 'iot' } });
    expect(iot).toMatchObject({ name: 'Inspraakorgaan Turken', shortName: 'IOT', kind: 'CONSORTIUM' });
    for (const slug of ['movisie', 'kezban', 'gemeente-rotterdam', 'gemeente-s-hertogenbosch', 'gemeente-lelystad']) {
      expect(await db.prisma.organisation.findUnique({ where: { slug } })).not.toBeNull();
    }
  });

  it.runIf(kind === 'postgres')('keeps connections open for a burst: opened at start, still open after the pool\'s idle timeout', async () => {
    // A burst on a cold pool waited for new connections, and on a busy machine the first
    // commands missed the deadline before their ack ("try again" although nothing was wrong).
    const open = async () =>
      (await db.prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()`)[0]!.n;
    expect(await open()).toBeGreaterThanOrEqual(8);
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    expect(await open()).toBeGreaterThanOrEqual(8);
  }, 20_000);

  it('uses lower-case ascii slugs', () => {
    for (const org of SEED_ORGANISATIONS) expect(org.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(new Set(SEED_ORGANISATIONS.map((o) => o.slug)).size).toBe(SEED_ORGANISATIONS.length);
  });

  it('corrects a changed organisation in place, keeping its id', async () => {
    const before = await db.prisma.organisation.update({ where: { slug: 'smn' }, data: { name: 'old name' } });
    expect(await seedOrganisations(db.prisma)).toEqual({ created: 0, updated: 1 });
    const after = await db.prisma.organisation.findUniqueOrThrow({ where: { slug: 'smn' } });
    expect(after).toMatchObject({ id: before.id, name: 'Samenwerkingsverband Marokkaanse Nederlanders' });
  });

  it('truncateAll empties the tables and seeds again, keeping the migration history', async () => {
    const member = await db.prisma.member.create({ data: { displayName: 'Test' } });
    await db.prisma.platformIdentity.create({ data: { platform: 'CONSOLE', externalId: 'local', memberId: member.id } });
    await truncateAll(db);
    expect(await db.prisma.member.count()).toBe(0);
    expect(await db.prisma.platformIdentity.count()).toBe(0);
    expect(await db.prisma.organisation.count()).toBe(SEED_ORGANISATIONS.length);
    const history = await db.prisma.$queryRaw<unknown[]>`SELECT 1 FROM "_prisma_migrations"`;
    expect(history.length).toBeGreaterThan(0);
  });

  it('reports health, and unhealthy once closed', async () => {
    const own = await createTestDatabase(kind);
    expect(await isDatabaseHealthy(own)).toBe(true);
    await own.close();
    expect(await isDatabaseHealthy(own)).toBe(false);
  });

  it('keeps data across close and reopen (a restart)', async () => {
    const blank = await createBlankDatabase(kind);
    try {
      const first = await openDatabase(blank.options);
      const org = await first.prisma.organisation.findUniqueOrThrow({ where: { slug: 'gemeente-utrecht' } });
      await first.prisma.member.create({
        data: { displayName: 'Ayşe', organisationId: org.id, identities: { create: { platform: 'SLACK', externalId: 'U1' } } },
      });
      // A trigram index, as the guide search will make: a PGlite that has one only opens
      // again if pg_trgm is loaded, so this also checks that every open loads it.
      await first.prisma.$executeRawUnsafe('CREATE EXTENSION IF NOT EXISTS pg_trgm');
      await first.prisma.$executeRawUnsafe(
        'CREATE INDEX "Organisation_name_trgm" ON "Organisation" USING gin ("name" gin_trgm_ops)',
      );
      await first.close();

      const second = await openDatabase(blank.options);
      try {
        const member = await second.prisma.member.findFirstOrThrow({ include: { identities: true, organisation: true } });
        expect(member.displayName).toBe('Ayşe');
        expect(member.organisation?.slug).toBe('gemeente-utrecht');
        expect(member.identities.map((i) => i.externalId)).toEqual(['U1']);
        expect(await second.prisma.organisation.count()).toBe(SEED_ORGANISATIONS.length);
        const similar = await second.prisma.$queryRaw<Array<{ slug: string }>>`
          SELECT slug FROM "Organisation" WHERE name % 'Gemeente Utreht' ORDER BY similarity(name, 'Gemeente Utreht') DESC LIMIT 1`;
        expect(similar[0]?.slug).toBe('gemeente-utrecht');
      } finally {
        await second.close();
      }
    } finally {
      await blank.destroy();
    }
  });
});
