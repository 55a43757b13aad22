// Retention: what goes after how long, as data. Each rule names a table, the column its age is
// measured by, the rows it applies to and a default period; the nightly housekeeping runs them
// in batches (each batch its own short transaction) and writes the counts to the audit log.
// Features with their own tables add a rule at merge (closed advice requests after 12 months,
// digest records after 3 months). `npm run prune -- --dry-run` counts without removing.
import { AUDIT_PRUNED, recordAudit } from '../audit.ts';
import type { Store, Tx } from '../store.ts';
import { adviceRetentionRule } from '../advice/privacy-part.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionRule {
  /** Stable name: the count's key, and the override's. */
  name: string;
  /** The Prisma delegate, e.g. `outboxMessage`. */
  model: string;
  /** Its primary key column (deleted by it, a batch at a time). */
  idColumn: string;
  /** The moment the period runs from. */
  ageColumn: string;
  /** Only these rows (e.g. sent messages, finished events). */
  where?: Record<string, unknown>;
  /** The default period in days (0: as soon as the moment has passed). */
  days: number;
  /** More columns read for `before`. */
  select?: string[];
  /** Removes what belongs to a batch without a foreign key to cascade over (a request's conversation). */
  before?(store: Store | Tx, rows: Record<string, unknown>[]): Promise<void>;
}

export const retentionRules: RetentionRule[] = [
  // Sent messages: kept a month to answer "did that notification go out?" (content wiped after a day).
  { name: 'sent', model: 'outboxMessage', idColumn: 'id', ageColumn: 'sentAt', where: { status: 'SENT' }, days: 30 },
  // Platforms retry within minutes; a week of event keys is plenty to recognise a replay.
  { name: 'events', model: 'processedEvent', idColumn: 'key', ageColumn: 'createdAt', days: 7 },
  { name: 'inbox', model: 'inboxEvent', idColumn: 'key', ageColumn: 'receivedAt', where: { status: { in: ['ANSWERED', 'FAILED'] } }, days: 7 },
  // A form draft lives as long as the interaction that may reopen it.
  { name: 'drafts', model: 'formDraft', idColumn: 'token', ageColumn: 'expiresAt', days: 0 },
  // The audit log: 24 months for accountability (removed oldest first; the chain keeps its anchor).
  { name: 'audit', model: 'auditLog', idColumn: 'id', ageColumn: 'createdAt', days: 730 },
  // Closed advice requests with their history and conversation: a year after closing.
  adviceRetentionRule,
  // Digest run records only stop a period going twice (and say when it went): 3 months is ample.
  { name: 'digests', model: 'digestRun', idColumn: 'id', ageColumn: 'createdAt', days: 91 },
];

export interface RetentionOptions {
  rules?: RetentionRule[];
  /** Periods other than the defaults, by rule name (days). */
  overrides?: Record<string, number>;
  batchSize?: number;
}

type Delegate = {
  findMany(args: unknown): Promise<Record<string, unknown>[]>;
  deleteMany(args: unknown): Promise<{ count: number }>;
  count(args: unknown): Promise<number>;
};

export class Retention {
  private readonly rules: RetentionRule[];
  private readonly batchSize: number;

  constructor(
    private readonly store: Store,
    options: RetentionOptions = {},
  ) {
    this.rules = (options.rules ?? retentionRules).map((rule) => ({ ...rule, days: options.overrides?.[rule.name] ?? rule.days }));
    this.batchSize = options.batchSize ?? 500;
  }

  /** The rules with the periods in force. */
  list(): readonly RetentionRule[] {
    return this.rules;
  }

  /**
   * Removes what is past its period, rule by rule, in batches; with dryRun only counts.
   * Returns the counts per rule; what was removed is written to the audit log (counts only).
   */
  async run(now: Date, options: { dryRun?: boolean } = {}): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const rule of this.rules) {
      const where = { ...rule.where, [rule.ageColumn]: { lt: new Date(now.getTime() - rule.days * DAY_MS) } };
      const delegate = this.delegate(this.store, rule);
      if (options.dryRun) counts[rule.name] = await delegate.count({ where });
      else counts[rule.name] = rule.model === 'auditLog' ? await this.pruneAudit(where, now) : await this.prune(rule, where);
    }
    const removed = Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0));
    if (!options.dryRun && Object.keys(removed).length > 0) await recordAudit(this.store, { action: 'retention.prune', details: removed, at: now });
    return counts;
  }

  private async prune(rule: RetentionRule, where: Record<string, unknown>): Promise<number> {
    let total = 0;
    for (;;) {
      const delegate = this.delegate(this.store, rule);
      const select = Object.fromEntries([rule.idColumn, ...(rule.select ?? [])].map((column) => [column, true]));
      const batch = await delegate.findMany({ where, select, take: this.batchSize });
      if (batch.length === 0) return total;
      await rule.before?.(this.store, batch);
      const { count } = await delegate.deleteMany({ where: { ...where, [rule.idColumn]: { in: batch.map((row) => row[rule.idColumn]) } } });
      total += count;
      if (batch.length < this.batchSize) return total;
    }
  }

  /**
   * Oldest entries first, in order of the chain; each batch, in one transaction with its
   * removal, records where the kept chain now starts, so audit:verify still checks all the rest
   * and a quiet removal of more old rows is still found.
   */
  private async pruneAudit(where: Record<string, unknown>, now: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await this.store.$transaction(async (tx) => {
        const batch = await tx.auditLog.findMany({ where: { ...where, seq: { not: null } }, orderBy: { seq: 'asc' }, take: this.batchSize, select: { id: true, seq: true, hash: true } });
        if (batch.length === 0) return 0;
        const last = batch.at(-1)!;
        // Only the start of the chain may go: stop at the first entry that is still kept.
        const keptBefore = await tx.auditLog.count({ where: { seq: { lt: last.seq! }, id: { notIn: batch.map((row) => row.id) } } });
        if (keptBefore > 0) return 0;
        await tx.auditLog.deleteMany({ where: { id: { in: batch.map((row) => row.id) } } });
        await recordAudit(tx as Tx, { action: AUDIT_PRUNED, details: { removed: batch.length, firstSeq: last.seq! + 1, firstPrevHash: last.hash }, at: now });
        return batch.length;
      });
      total += removed;
      if (removed < this.batchSize) break;
    }
    // Entries from before the chain existed have no place in it to keep.
    const legacy = await this.store.auditLog.deleteMany({ where: { ...where, seq: null } });
    return total + legacy.count;
  }

  private delegate(store: Store | Tx, rule: RetentionRule): Delegate {
    return (store as unknown as Record<string, Delegate>)[rule.model]!;
  }
}
