// npm run audit:verify [-- --head <seq>:<hash>]
// Checks the audit log's hash chain in the bot's database (DATABASE_URL, or the embedded one
// under DATA_DIR): every entry must match its hash and link to the one before, and the log must
// reach the head recorded with each append (AuditHead). Prints where it breaks (an entry
// changed, entries missing, the newest entries removed, a row written past the bot) and the
// head to record outside the bot; --head checks such a recorded head is still there. Exit 1 on
// any problem (2 for a --head that is not one).
import { holdsRecordedHead, verifyAuditChain } from '../src/core/audit.ts';
import { parseRecordedHead, verifyReportLines } from '../src/core/privacy/verify-report.ts';
import { runDatabaseScript } from './lib/database-script.ts';

await runDatabaseScript(({ t, withDatabase }) => {
  const args = process.argv.slice(2);
  const given = args.includes('--head') ? (args[args.indexOf('--head') + 1] ?? '') : undefined;
  const head = given === undefined ? undefined : parseRecordedHead(given);
  if (given !== undefined && !head) {
    process.stderr.write(`${t('privacy.verify.badHead', { value: given })}\n`);
    return Promise.resolve(2);
  }
  return withDatabase(async (db) => {
    const report = await verifyAuditChain(db.prisma);
    const recorded = head ? { head, holds: await holdsRecordedHead(db.prisma, head) } : undefined;
    for (const line of verifyReportLines(t, report, recorded)) process.stdout.write(`${line}\n`);
    return report.ok && (recorded?.holds ?? true) ? 0 : 1;
  });
});
