// What admins and coordinators did, kept for accountability. Never message text.
// The log is a hash chain: each entry stores the hash of the entry before it and a hash over
// its own content and that link, so editing or removing a row breaks the chain at that point
// (verifyAuditChain); the head (newest seq and hash) is kept in AuditHead too, so removing the
// newest entries is found as well. Appends are serialised by a transaction-scoped advisory lock, so two
// writers at once (two instances on one PostgreSQL) can never both extend the same last entry.
import { createHash } from 'node:crypto';
import type { Store, Tx } from './store.ts';

export type AuditDetails = Record<string, string | number | boolean | null>;

export interface AuditEntryInput {
  actorId?: string;
  action: string;
  subject?: string;
  details?: AuditDetails;
  /** When it happened; now unless given (imports, and tests of retention with a fake clock). */
  at?: Date;
}

/** The prevHash of the very first entry. */
export const GENESIS_HASH = '0'.repeat(64);
/** Written by retention when it removes the oldest entries: where the kept chain starts. */
export const AUDIT_PRUNED = 'audit.pruned';
const CHAIN_LOCK = 'binnenuit.audit.chain';
/** The one row of AuditHead. */
const HEAD_ID = 1;
/** Details are ids, counts and short codes; anything longer smells like message text. */
const MAX_DETAIL_LENGTH = 200;

export async function recordAudit(tx: Tx, entry: AuditEntryInput): Promise<void> {
  for (const value of Object.values(entry.details ?? {})) {
    if (typeof value === 'string' && value.length > MAX_DETAIL_LENGTH) throw new Error(`audit details too long for ${entry.action}: no message text in the audit log`);
  }
  // Outside a transaction the advisory lock would end with its own statement: open one. Only a
  // top-level client has $connect (a transaction client, and the unit of work's store while a
  // unit runs, have not; a transaction client does have $transaction: nested savepoints).
  if (typeof (tx as Partial<Store>).$connect === 'function') {
    // Appends queue behind each other (the lock; PGlite runs one transaction at a time): wait.
    await (tx as Store).$transaction((inner) => append(inner as Tx, entry), { maxWait: 15_000 });
    return;
  }
  await append(tx, entry);
}

async function append(tx: Tx, entry: AuditEntryInput): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${CHAIN_LOCK}))`;
  const last = await tx.auditLog.findFirst({ where: { seq: { not: null } }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const createdAt = entry.at ?? new Date();
  const row = { seq, prevHash, createdAt, actorId: entry.actorId ?? null, action: entry.action, subject: entry.subject ?? null, details: entry.details ?? null };
  const hash = entryHash(row);
  await tx.auditLog.create({ data: { ...row, details: entry.details, hash } });
  // The head, in another table and the same transaction: a log cut short no longer reaches it.
  await tx.auditHead.upsert({ where: { id: HEAD_ID }, create: { id: HEAD_ID, seq, hash }, update: { seq, hash } });
}

export interface ChainedRow {
  seq: number | null;
  prevHash: string | null;
  createdAt: Date;
  actorId: string | null;
  action: string;
  subject: string | null;
  details: unknown;
}

/** The hash of one entry: its content and the hash it links to, in a fixed serialisation. */
export function entryHash(row: ChainedRow): string {
  const content = [row.seq, row.prevHash, row.createdAt.toISOString(), row.actorId, row.action, row.subject, canonical(row.details ?? null)];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** JSON with sorted keys: jsonb gives keys back in its own order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

export type ChainProblem =
  /** The entry's content or link does not match its hash. */
  | { kind: 'changed'; seq: number; id: string }
  /** Entries before this one are gone (a gap in the sequence). */
  | { kind: 'missing'; seq: number; id: string }
  /** A row without a place in the chain, written after the chain began (not by recordAudit). */
  | { kind: 'unchained'; id: string }
  /** The log ends before the recorded head (entry `seq`): its newest entries were removed. */
  | { kind: 'truncated'; seq: number; id: string }
  /** The last entry is not the recorded head: it was changed, added past the bot, or the head removed. */
  | { kind: 'head'; seq: number; id: string };

/** The newest entry of the chain: what audit:verify prints, to be recorded outside the bot. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export interface ChainReport {
  ok: boolean;
  /** Chained entries checked. */
  checked: number;
  /** Entries from before the chain existed (older releases), left as they were. */
  legacy: number;
  problems: ChainProblem[];
  /** The newest chained entry as found (undefined for an empty chain). */
  head?: ChainHead;
}

/**
 * Walks the chain in order. The start is entry 1, or the point retention recorded when it
 * removed the oldest entries. Reads in batches so a large log never sits in memory at once.
 */
export async function verifyAuditChain(store: Tx, batchSize = 1000): Promise<ChainReport> {
  const problems: ChainProblem[] = [];
  const start = await chainStart(store);
  let expectedSeq = start.seq;
  let prevHash = start.prevHash;
  let checked = 0;
  let firstChainedAt: Date | undefined;
  let last: { seq: number; hash: string; id: string } | undefined;
  for (let after = 0; ; ) {
    const rows = await store.auditLog.findMany({ where: { seq: { gt: after } }, orderBy: { seq: 'asc' }, take: batchSize });
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = row.seq!;
      firstChainedAt ??= row.createdAt;
      if (seq !== expectedSeq) problems.push({ kind: 'missing', seq, id: row.id });
      else if (row.prevHash !== prevHash || entryHash(row) !== row.hash) problems.push({ kind: 'changed', seq, id: row.id });
      // A changed hash is also checked against by the next entry: follow the stored one, so a
      // single edit is reported once rather than for every entry after it.
      prevHash = row.hash ?? '';
      expectedSeq = seq + 1;
      checked++;
      last = { seq, hash: row.hash ?? '', id: row.id };
    }
    after = rows.at(-1)!.seq!;
  }
  const unchained = await store.auditLog.findMany({ where: { seq: null }, select: { id: true, createdAt: true } });
  const late = firstChainedAt ? unchained.filter((row) => row.createdAt >= firstChainedAt!) : [];
  for (const row of late) problems.push({ kind: 'unchained', id: row.id });
  const headProblem = compareHead(await store.auditHead.findUnique({ where: { id: HEAD_ID } }), last);
  if (headProblem) problems.push(headProblem);
  return { ok: problems.length === 0, checked, legacy: unchained.length - late.length, problems, head: last && { seq: last.seq, hash: last.hash } };
}

/**
 * The hash chain alone cannot see its newest entries go (what is left is a valid, shorter
 * chain) nor the last one rewritten with a recomputed hash: the head recorded with each append
 * can. Someone who rewrites AuditHead as well is not caught here; a head recorded outside the
 * database (audit:verify --head) catches that too.
 */
function compareHead(head: ChainHead | null, last: { seq: number; hash: string; id: string } | undefined): ChainProblem | undefined {
  if (!head) return last ? { kind: 'head', seq: last.seq, id: last.id } : undefined;
  if (!last || last.seq < head.seq) return { kind: 'truncated', seq: head.seq, id: last?.id ?? '' };
  if (last.seq !== head.seq || last.hash !== head.hash) return { kind: 'head', seq: last.seq, id: last.id };
  return undefined;
}

/** Whether the chain still holds a head recorded earlier (outside the bot): entry `seq` with that hash. */
export async function holdsRecordedHead(store: Tx, recorded: ChainHead): Promise<boolean> {
  const row = await store.auditLog.findUnique({ where: { seq: recorded.seq }, select: { hash: true } });
  return row?.hash === recorded.hash;
}

/** Where the kept chain begins: after the latest pruning, or at the genesis. */
async function chainStart(store: Tx): Promise<{ seq: number; prevHash: string }> {
  const pruned = await store.auditLog.findFirst({ where: { action: AUDIT_PRUNED, seq: { not: null } }, orderBy: { seq: 'desc' } });
  const details = (pruned?.details ?? {}) as { firstSeq?: number; firstPrevHash?: string };
  if (pruned && typeof details.firstSeq === 'number' && typeof details.firstPrevHash === 'string') {
    return { seq: details.firstSeq, prevHash: details.firstPrevHash };
  }
  return { seq: 1, prevHash: GENESIS_HASH };
}
