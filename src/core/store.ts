// The database handle the core works with. The Prisma client stays inside src/core's managers;
// their methods take and return plain objects, so handlers and adapters never see Prisma types.
import type { PrismaClient } from '../generated/prisma/client.ts';

export type Store = PrismaClient;
/** A transaction client, or the store itself when no transaction is needed. */
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** Prisma's error for a unique constraint that refused a second insert. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}
