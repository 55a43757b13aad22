// Prisma errors in the logs: a real unique violation from the database, logged through pino as
// the listeners log failures (safeError). The line names the code, the kind of violation, the
// model and the fields; it never carries the values that were being written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, safeError } from '../../src/core/logger.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../support/db.ts';

describe.each(testBackends())('Prisma errors in the logs on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  }, 180_000);
  afterAll(() => db?.close());

  it('a unique violation logs code, kind, model and fields, with a message, and none of the values', async () => {
    const data = { slug: 'geheim-slug-7Q3', name: 'Vertrouwelijke Naam 9Z', kind: 'CONSORTIUM' as const };
    await db.prisma.organisation.create({ data });
    const failure = await db.prisma.organisation.create({ data }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);

    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.error({ err: safeError(failure) }, 'slack listener failed');
    const logged = JSON.parse(lines[0]!);
    expect(logged.err).toMatchObject({
      type: 'PrismaClientKnownRequestError',
      code: 'P2002',
      message: 'prisma P2002 UniqueConstraintViolation',
      meta: { modelName: 'Organisation', kind: 'UniqueConstraintViolation', databaseCode: '23505' },
    });
    // PGlite's adapter names the fields, PostgreSQL's the unique index over them.
    expect(JSON.stringify(logged.err.meta.constraint)).toMatch(/slug/);
    expect(lines[0]).not.toContain('geheim-slug-7Q3');
    expect(lines[0]).not.toContain('Vertrouwelijke');
    // Prisma's own text quotes the calling code and, for other errors, the arguments.
    expect(lines[0]).not.toContain('Invalid `');
  });

  it('other errors log their first line that has text in it', () => {
    expect(safeError(new Error('\n\nfirst real line\nsecond line with data')).message).toBe('first real line');
  });
});
