// At start-up: one warning when the audit log's chain is broken (a changed or removed entry).
// It never stops the bot: the log is evidence, and the operator decides what to do.
import type { Logger } from 'pino';
import { safeError } from '../logger.ts';
import type { Store } from '../store.ts';
import { verifyAuditChain, type ChainReport } from '../audit.ts';

export async function checkAuditChainAtStart(store: Store, logger: Pick<Logger, 'warn' | 'info'>): Promise<ChainReport | undefined> {
  try {
    const report = await verifyAuditChain(store);
    if (!report.ok) {
      // Positions and kinds only: the entries themselves stay in the database.
      const problems = report.problems.slice(0, 20).map((problem) => ('seq' in problem ? `${problem.kind}@${problem.seq}` : `${problem.kind}:${problem.id}`));
      logger.warn({ checked: report.checked, problems }, 'audit log chain is broken: an entry was changed or removed (npm run audit:verify)');
    }
    return report;
  } catch (error) {
    logger.warn({ err: safeError(error) }, 'audit log chain could not be checked');
    return undefined;
  }
}
