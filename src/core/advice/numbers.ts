// Request numbers `A-<year>-<4 digits>`, a sequence per year. One row per year is bumped with
// a single INSERT … ON CONFLICT DO UPDATE: the row lock makes two requests at the same moment
// (two instances, one database) get different numbers, and a rolled-back request only leaves
// a gap, never a duplicate.
import type { Tx } from '../store.ts';

export const NUMBER_PATTERN = /^A-(\d{4})-(\d{4,})$/i;

export async function nextRequestNumber(tx: Tx, year: number): Promise<string> {
  const rows = await tx.$queryRaw<{ last: number }[]>`
    INSERT INTO "AdviceSequence" ("year", "last") VALUES (${year}, 1)
    ON CONFLICT ("year") DO UPDATE SET "last" = "AdviceSequence"."last" + 1
    RETURNING "last"`;
  return formatNumber(year, Number(rows[0]!.last));
}

export function formatNumber(year: number, sequence: number): string {
  return `A-${year}-${String(sequence).padStart(4, '0')}`;
}

/** A typed number in its stored form (`a-2026-42` → `A-2026-0042`); undefined when it is none. */
export function normaliseNumber(typed: string): string | undefined {
  const match = NUMBER_PATTERN.exec(typed.trim());
  return match ? formatNumber(Number(match[1]), Number(match[2])) : undefined;
}
