// Row counts of every table, to show that a refused request stored nothing.
import type { Database } from '../../src/db/index.ts';

export type RowCounts = Record<string, number>;

export async function countRows(db: Database): Promise<RowCounts> {
  const tables = await db.prisma.$queryRaw<Array<{ tablename: string }>>`
    SELECT tablename FROM pg_tables
    WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'
    ORDER BY tablename`;
  // One query for all tables: this runs twice in each of the matrix's 133 cases.
  const sql = tables
    .map(({ tablename }) => `SELECT '${tablename.replaceAll("'", "''")}' AS t, count(*)::int AS n FROM "${tablename.replaceAll('"', '""')}"`)
    .join(' UNION ALL ');
  const rows = await db.prisma.$queryRawUnsafe<Array<{ t: string; n: number }>>(sql);
  return Object.fromEntries(rows.map((row) => [row.t, row.n]));
}
