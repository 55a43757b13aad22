// After a deletion the rows are gone, but their bytes are not: PostgreSQL leaves a deleted row
// in its heap page (a dead tuple) and in every index page that pointed at it until those pages
// are rewritten, and the write-ahead log holds the row as it was inserted and as full-page
// images. Measured on PGlite (test/privacy/erase-bytes.test.ts): after /privacy verwijder the
// member's name was still in the heap file of "Member", in its indexes and in the WAL segment.
//
// The scrub removes those copies: VACUUM FULL rewrites every table and its indexes into new
// files (the old ones are unlinked at the next checkpoint); then, with WAL recycling off, each
// WAL segment that existed before is switched past and removed by a checkpoint instead of being
// renamed for reuse with its old content inside. On a PostgreSQL server our session cannot turn
// recycling off for the checkpointer (another process), and CHECKPOINT / pg_switch_wal need
// rights a bot account usually lacks: there the table and index files are rewritten, and the
// WAL, archives, replicas and backups are the operator's (the README says so).
import { recordAudit } from '../audit.ts';
import type { Store } from '../store.ts';

/** Audit action of a scrub: erasures before it are gone from the database files too. */
export const AUDIT_SCRUBBED = 'privacy.scrub';

export interface ScrubReport {
  /** Tables rewritten. */
  tables: number;
  /** Old WAL segments removed (embedded database only). */
  walSegments: number;
  /** True when the WAL was handled too (the embedded database). */
  wal: boolean;
  /** False when other transactions kept old rows visible throughout: run it again later. */
  complete: boolean;
}

/**
 * The nightly step after deletions (and `npm run prune`): when someone was erased since the
 * last scrub, rewrites the database files so the erased rows' bytes are gone too. Must run
 * outside a unit of work (VACUUM cannot run in a transaction). Undefined: nothing to do.
 */
export async function scrubAfterErasures(store: Store, now: Date): Promise<ScrubReport | undefined> {
  // By place in the chain, not by time: a clock set back (or a test's fake one) cannot hide one.
  const last = await store.auditLog.findFirst({ where: { action: AUDIT_SCRUBBED, seq: { not: null } }, orderBy: { seq: 'desc' }, select: { seq: true } });
  const erased = await store.auditLog.count({ where: { action: 'privacy.erase', ...(last ? { seq: { gt: last.seq! } } : {}) } });
  if (erased === 0) return undefined;
  const report = await scrubDatabase(store);
  // Not recorded as done when busy transactions kept old rows: the next run tries again.
  if (report.complete) await recordAudit(store, { action: AUDIT_SCRUBBED, details: { erasures: erased, tables: report.tables, walSegments: report.walSegments, wal: report.wal }, at: now });
  return report;
}

/** Rewrites every table of the schema and, where possible, clears the WAL of old segments. */
export async function scrubDatabase(store: Store, options: { quietTimeoutMs?: number } = {}): Promise<ScrubReport> {
  const tables = await store.$queryRaw<{ name: string }[]>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`;
  const quiet = await waitForQuiet(store, options.quietTimeoutMs ?? 30_000);
  // VACUUM cannot run in a transaction: these go one statement at a time on the plain client.
  for (const { name } of tables) await store.$executeRawUnsafe(`VACUUM FULL "${name.replaceAll('"', '""')}"`);
  const [row] = await store.$queryRaw<{ version: string }[]>`SELECT version()`;
  if (!row?.version.includes('PGlite')) {
    await tryCheckpoint(store);
    return { tables: tables.length, walSegments: 0, wal: false, complete: quiet };
  }
  return { tables: tables.length, walSegments: await clearWal(store), wal: true, complete: true };
}

/**
 * VACUUM FULL copies a deleted row into the new file as long as some other transaction in this
 * database may still see it (measured: an outbox worker's transaction at the wrong moment kept
 * the name in the rewritten "Member"). Waits for a moment without such a snapshot; false when
 * none came (the scrub then runs again the next night). PGlite has one connection: always quiet.
 */
async function waitForQuiet(store: Store, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [busy] = await store.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL`;
    if (!busy || busy.n === 0) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * PGlite runs the checkpointer in our own (single-user) backend, so a session setting reaches
 * it. Every segment present now may hold the erased rows (a recycled one holds whatever it held
 * before): switch to a fresh segment until none of them is the current one, and let the
 * checkpoint remove them.
 */
async function clearWal(store: Store): Promise<number> {
  await store.$executeRawUnsafe('SET wal_recycle = off');
  const before = await walSegments(store);
  await store.$executeRawUnsafe('CHECKPOINT');
  for (let i = 0; i <= before.length; i++) {
    const left = (await walSegments(store)).filter((name) => before.includes(name));
    if (left.length === 0) break;
    await store.$queryRawUnsafe('SELECT pg_switch_wal()::text');
    await store.$executeRawUnsafe('CHECKPOINT');
  }
  const left = (await walSegments(store)).filter((name) => before.includes(name));
  if (left.length > 0) throw new Error(`scrub: WAL segments still present after switching: ${left.join(', ')}`);
  return before.length;
}

async function walSegments(store: Store): Promise<string[]> {
  const rows = await store.$queryRaw<{ name: string }[]>`SELECT name FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$'`;
  return rows.map((row) => row.name);
}

/**
 * On a server the old table files are emptied when VACUUM FULL commits; a checkpoint unlinks
 * them now rather than later. Without the right (pg_checkpoint) that simply waits for the next.
 */
async function tryCheckpoint(store: Store): Promise<void> {
  try {
    await store.$executeRawUnsafe('CHECKPOINT');
  } catch {
    // Not allowed for this account: the server's own checkpoint follows within minutes.
  }
}
