// What admins and coordinators did, kept for accountability. Never message text.
import type { Tx } from './store.ts';

export async function recordAudit(
  tx: Tx,
  entry: { actorId?: string; action: string; subject?: string; details?: Record<string, string | number | boolean | null> },
): Promise<void> {
  await tx.auditLog.create({ data: { actorId: entry.actorId, action: entry.action, subject: entry.subject, details: entry.details } });
}
